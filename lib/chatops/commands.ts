import {
  type Clock,
  type IdGenerator,
  type ReleaseId,
  ReleaseNotFoundError,
  RevisionNotFoundError,
  toIso,
} from '../domain/index.ts';
import { readHistory } from '../engine/index.ts';
import type { ChartSource, DeployRequest } from '../requests/index.ts';
import type { ReleaseStore } from '../store/index.ts';
import { type AccessPolicy, decideAccess, deniedError } from './access.ts';
import { ChatUsageError } from './errors.ts';
import { CHAT_MESSAGES, COMMAND_USAGE } from './messages.ts';
import type { ChartArg, ChatCommand, ScheduleCommand, Where } from './parse.ts';
import { diffReply, helpReply, historyReply, statusReply, summarizeManifestDiff } from './replies.ts';
import type { ChatSchedules } from './schedule.ts';
import type { ChatSettings } from './settings.ts';
import type { AccessDecision, Caller, Right } from './types.ts';

/** What running chat commands needs; built once per container. */
export interface CommandDeps {
  readonly store: ReleaseStore;
  readonly policy: AccessPolicy;
  readonly settings: ChatSettings;
  /** Slack user groups (S… ids) of a user; asked only when the policy has group grants. */
  readonly groupsOf: (userId: string) => Promise<string[]>;
  /** Validates and sends a DeployRequest to the queue. @throws ValidationError */
  readonly enqueue: (request: unknown) => Promise<DeployRequest>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** The cluster of commands that name none and whose channel has no default. */
  readonly defaultCluster?: string;
  /** Scheduler's one-time schedules (`/quayside schedule`); absent when the endpoint has no scheduling. */
  readonly schedules?: ChatSchedules;
  /** Told of every authorization decision (the handler logs each). */
  readonly onDecision?: (decision: AccessDecision, caller: Caller) => void;
}

/** Who typed the command, and where. */
export interface CommandContext {
  readonly caller: Omit<Caller, 'groups'>;
  readonly channel: string;
}

/** A command run by {@link runCommand}: every one but `schedule` (schedule.ts's runSchedule). */
export type ReleaseCommand = Exclude<ChatCommand, ScheduleCommand>;

/**
 * The right each command needs on its release; `help` needs none. `schedule` needs the right of the
 * action it schedules (schedule.ts's SCHEDULE_RIGHT_OF).
 */
export const RIGHT_OF: Readonly<Record<Exclude<ReleaseCommand['kind'], 'help'>, Right>> = {
  upgrade: 'deploy',
  install: 'deploy',
  rollback: 'rollback',
  status: 'read',
  history: 'read',
  diff: 'read',
};

/**
 * Runs one parsed command for a verified caller: resolves where it applies, checks the right
 * (default deny), then reads or enqueues. Returns the reply text (Slack mrkdwn, shown only to the
 * caller); a request's outcome reaches the channel later, through the notifier.
 * @throws AccessDeniedError, ChatUsageError, ReleaseNotFoundError, RevisionNotFoundError, ValidationError
 */
export async function runCommand(
  deps: CommandDeps,
  ctx: CommandContext,
  command: ReleaseCommand,
): Promise<string> {
  if (command.kind === 'help') return helpReply();
  const release = await resolveRelease(deps, ctx.channel, command.release, command.where);
  await authorize(deps, ctx.caller, RIGHT_OF[command.kind], release);
  switch (command.kind) {
    case 'status': {
      const summary = await deps.store.getRelease(release);
      if (summary === undefined) throw new ReleaseNotFoundError(release);
      return statusReply(summary);
    }
    case 'history':
      return historyReply(release, await readHistory(deps.store, release, command.max));
    case 'diff':
      return diff(deps, release, command.from, command.to);
    case 'rollback':
      return rollback(deps, ctx, { release, revision: command.revision, ...pick(command, 'timeout') });
    case 'upgrade':
    case 'install': {
      const chart = await chartSource(deps, command.chart);
      const request = await deps.enqueue({
        ...common(deps, ctx, command.kind, release),
        chart,
        ...(command.set.length > 0 ? { set: command.set } : {}),
        ...(command.setString.length > 0 ? { setString: command.setString } : {}),
        options: {
          ...(command.atomic ? { atomic: true } : {}),
          ...(command.install ? { install: true } : {}),
          ...(command.reuseValues ? { reuseValues: true } : {}),
          ...(command.createNamespace ? { createNamespace: true } : {}),
          ...pick(command, 'timeout'),
        },
      });
      const values = command.set.length + command.setString.length;
      const what = `${command.kind} of ${release.name} in ${release.cluster}/${release.namespace} to ${describeChart(command.chart)}${values > 0 ? ` with ${values} --set value(s), not shown` : ''}`;
      return CHAT_MESSAGES.queued(what, request.requestId);
    }
  }
}

/**
 * Enqueues a rollback for a caller whose right was checked. With a guard (a button's), it is
 * refused here when another revision is the latest already, and the worker refuses it again if one
 * becomes the latest before it runs.
 */
export async function rollback(
  deps: CommandDeps,
  ctx: CommandContext,
  input: { release: ReleaseId; revision: number; guard?: number; timeout?: string },
): Promise<string> {
  const { release } = input;
  const summary = await deps.store.getRelease(release);
  if (summary === undefined) throw new ReleaseNotFoundError(release);
  const target = input.revision > 0 ? input.revision : summary.latestRevision - 1;
  if (target < 1)
    throw new ChatUsageError(CHAT_MESSAGES.nothingToRollBack(release.name), COMMAND_USAGE.rollback);
  if (target > summary.lastRevision)
    throw new RevisionNotFoundError({ name: release.name, revision: target });
  const request = await deps.enqueue({
    ...common(deps, ctx, 'rollback', release),
    revision: target,
    ...(input.guard === undefined ? {} : { guard: { revision: input.guard } }),
    ...(input.timeout === undefined ? {} : { options: { timeout: input.timeout } }),
  });
  return CHAT_MESSAGES.queued(
    `rollback of ${release.name} in ${release.cluster}/${release.namespace} to revision ${target}`,
    request.requestId,
  );
}

/**
 * Checks a right, default deny, and reports the decision.
 * @throws AccessDeniedError naming the missing right and the release.
 */
export async function authorize(
  deps: CommandDeps,
  caller: Omit<Caller, 'groups'>,
  right: Right,
  target: ReleaseId,
): Promise<AccessDecision> {
  const decision = (await accessOf(deps, caller))(right, target);
  if (!decision.allowed) throw deniedError(decision, caller.name);
  return decision;
}

/**
 * The caller's decisions, default deny, from the policy as it is now (read once, with the caller's
 * groups when some grant names a group); each decision is reported.
 */
export async function accessOf(
  deps: CommandDeps,
  caller: Omit<Caller, 'groups'>,
): Promise<(right: Right, target: ReleaseId) => AccessDecision> {
  const grants = await deps.policy.list();
  // Slack is asked for the caller's groups only when some grant names a group.
  const groups = grants.some((g) => g.subject.startsWith('slack-group:'))
    ? (await deps.groupsOf(caller.userId)).map((id) => `slack-group:${id}`)
    : [];
  const full: Caller = { ...caller, groups };
  return (right, target) => {
    const decision = decideAccess({ grants, caller: full, right, target });
    deps.onDecision?.(decision, full);
    return decision;
  };
}

/**
 * Flags first, then the channel's defaults, then the service's default cluster and namespace
 * `default`, as helm's.
 * @throws ChatUsageError when no cluster can be found.
 */
export async function resolveRelease(
  deps: CommandDeps,
  channel: string,
  name: string,
  where: Where,
): Promise<ReleaseId> {
  const defaults =
    where.cluster !== undefined && where.namespace !== undefined
      ? undefined
      : await deps.settings.channel(channel);
  const cluster = where.cluster ?? defaults?.cluster ?? deps.defaultCluster;
  if (cluster === undefined) throw new ChatUsageError(CHAT_MESSAGES.noCluster(channel), COMMAND_USAGE.status);
  return { cluster, namespace: where.namespace ?? defaults?.namespace ?? 'default', name };
}

async function diff(deps: CommandDeps, release: ReleaseId, from?: number, to?: number): Promise<string> {
  const summary = await deps.store.getRelease(release);
  if (summary === undefined) throw new ReleaseNotFoundError(release);
  // `diff R N`: what rolling back to N would change, from what is deployed (or the latest).
  const current = summary.deployedRevision ?? summary.latestRevision;
  const [a, b] =
    from === undefined
      ? [summary.latestRevision - 1, summary.latestRevision]
      : to === undefined
        ? [current, from]
        : [from, to];
  if (a < 1) throw new ChatUsageError(CHAT_MESSAGES.nothingToRollBack(release.name), COMMAND_USAGE.diff);
  const [older, newer] = await Promise.all([
    deps.store.getRevision(release, a),
    deps.store.getRevision(release, b),
  ]);
  const { body: olderBody, ...olderMeta } = older;
  const { body: newerBody, ...newerMeta } = newer;
  return diffReply({
    release,
    from: olderMeta,
    to: newerMeta,
    changes: summarizeManifestDiff(olderBody.manifest, newerBody.manifest),
    ...(from !== undefined && to === undefined ? { rollbackTo: from } : {}),
  });
}

/** A chart typed in chat as a DeployRequest takes it: OCI as given, `REPO/CHART` through the registered repository. */
export async function chartSource(deps: CommandDeps, chart: ChartArg): Promise<ChartSource> {
  const version = chart.version === undefined ? {} : { version: chart.version };
  if (chart.kind === 'oci') return { oci: chart.ref, ...version };
  const repository = await deps.settings.repository(chart.repo);
  if (repository === undefined)
    throw new ChatUsageError(CHAT_MESSAGES.unknownRepository(chart.repo), COMMAND_USAGE.upgrade);
  if (repository.url.startsWith('oci://'))
    return { oci: `${repository.url.replace(/\/$/, '')}/${chart.name}`, ...version };
  return { repo: repository.url, name: chart.name, ...version };
}

/** A chart as a reply names it. */
export function describeChart(chart: ChartArg): string {
  const ref = chart.kind === 'oci' ? chart.ref : `${chart.repo}/${chart.name}`;
  return chart.version === undefined ? ref : `${ref} ${chart.version}`;
}

/** The fields every chat request has: who asked (`slack:U… (name)`) and through which channel. */
function common(deps: CommandDeps, ctx: CommandContext, action: string, release: ReleaseId) {
  return {
    version: 'v1',
    requestId: `slack-${deps.ids()}`,
    action,
    release,
    requestedBy: { principal: `${ctx.caller.subject} (${ctx.caller.name})`, channel: 'chatops' },
    requestedAt: toIso(deps.clock.now()),
  };
}

function pick<T extends object, K extends keyof T>(source: T, key: K): Partial<Pick<T, K>> {
  return source[key] === undefined ? {} : ({ [key]: source[key] } as Partial<Pick<T, K>>);
}
