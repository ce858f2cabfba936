import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  cancelScheduledRequest,
  createScheduledRequest,
  formatScheduleTime,
  getScheduledRequest,
  listScheduledRequests,
  parseScheduleTime,
  type ScheduledAction,
  type ScheduledRequest,
  type ScheduleTarget,
  type ScheduleTime,
} from '../automation/index.ts';
import {
  formatReleaseId,
  type IdGenerator,
  type ReleaseId,
  ReleaseNotFoundError,
  RevisionNotFoundError,
  ValidationError,
} from '../domain/index.ts';
import type { ReleaseSummary } from '../store/index.ts';
import {
  accessOf,
  authorize,
  type CommandContext,
  type CommandDeps,
  chartSource,
  describeChart,
  resolveRelease,
} from './commands.ts';
import { ChatOpsError, ChatUsageError } from './errors.ts';
import { CHAT_MESSAGES, COMMAND_USAGE, SCHEDULE_MESSAGES as M } from './messages.ts';
import type { ScheduleCommand } from './parse-schedule.ts';
import { escapeMrkdwn, scheduleListReply } from './replies.ts';
import type { Right } from './types.ts';

/*
 * `/quayside schedule`: the CLI's scheduled requests (lib/automation) from chat. The schedule is the
 * one `quayside schedule` makes — a Scheduler one-time schedule sending the DeployRequest into the
 * release's message group, from the schedule on behalf of the Slack user (channel `schedule`) —
 * so that a schedule made in chat and one made at a terminal are listed, cancelled and run alike.
 */

/** Scheduler's one-time schedules in the stack's group, as chat uses them. */
export interface ChatSchedules {
  /**
   * @throws ScheduleInputError (too large for Scheduler), ValidationError (a request the worker
   *   would refuse); nothing is made then.
   */
  make(input: {
    what: ScheduledAction;
    at: ScheduleTime;
    createdBy: string;
    revisionAtCreation?: number;
  }): Promise<{ name: string; requestId: string }>;
  list(): Promise<ScheduledRequest[]>;
  /** @throws ScheduleNotFoundError */
  get(name: string): Promise<ScheduledRequest>;
  /** @throws ScheduleNotFoundError */
  cancel(name: string): Promise<void>;
}

/** The schedules of `target`'s group through the Scheduler client, made as lib/automation makes them. */
export function schedulerSchedules(input: {
  client: SchedulerClient;
  target: ScheduleTarget;
  ids: IdGenerator;
}): ChatSchedules {
  const { client, target, ids } = input;
  const groupName = target.groupName;
  return {
    make: (input) => createScheduledRequest({ client, target, ids, ...input }),
    list: () => listScheduledRequests({ client, groupName }),
    get: (name) => getScheduledRequest({ client, groupName, name }),
    cancel: (name) => cancelScheduledRequest({ client, groupName, name }),
  };
}

/** The right scheduling each action needs on its release: what doing it now would need. */
export const SCHEDULE_RIGHT_OF: Readonly<Record<'rollback' | 'upgrade' | 'uninstall' | 'list', Right>> = {
  rollback: 'rollback',
  upgrade: 'deploy',
  uninstall: 'deploy',
  list: 'read',
};

/** Scheduling is off when the chat function was not told where schedules go. */
export class SchedulingUnavailableError extends ChatOpsError {}

/**
 * Runs `/quayside schedule …` for a verified caller, default deny: making a schedule needs the
 * right its action needs, listing needs `read` (only readable releases' schedules are shown),
 * cancelling needs the right the scheduled action needs on its release.
 * @throws AccessDeniedError, ChatUsageError (a bad time, a request the worker would refuse),
 *   ReleaseNotFoundError, RevisionNotFoundError, ScheduleNotFoundError, SchedulingUnavailableError
 */
export async function runSchedule(
  deps: CommandDeps,
  ctx: CommandContext,
  command: ScheduleCommand,
): Promise<string> {
  const schedules = deps.schedules;
  if (schedules === undefined) throw new SchedulingUnavailableError(M.notConfigured);
  switch (command.verb) {
    case 'list':
      return list(deps, ctx, schedules, command);
    case 'cancel':
      return cancel(deps, ctx, schedules, command.name);
    default:
      return make(deps, ctx, schedules, command);
  }
}

type MakeCommand = Extract<ScheduleCommand, { verb: 'rollback' | 'upgrade' | 'uninstall' }>;

async function make(
  deps: CommandDeps,
  ctx: CommandContext,
  schedules: ChatSchedules,
  command: MakeCommand,
): Promise<string> {
  // The time first: it is the likeliest mistake, and judging it reads nothing.
  const at = notScheduledOnInvalid(() =>
    parseScheduleTime({
      at: command.at,
      ...(command.tz === undefined ? {} : { tz: command.tz }),
      now: deps.clock.now(),
    }),
  );
  const release = await resolveRelease(deps, ctx.channel, command.release, command.where);
  await authorize(deps, ctx.caller, SCHEDULE_RIGHT_OF[command.verb], release);
  const summary = await deps.store.getRelease(release);
  const { what, text } = await scheduledAction(deps, command, release, summary);
  const made = await notScheduledOnInvalid(() =>
    schedules.make({
      what,
      at,
      createdBy: `${ctx.caller.subject} (${ctx.caller.name})`,
      ...(summary?.deployedRevision === undefined ? {} : { revisionAtCreation: summary.deployedRevision }),
    }),
  );
  return M.scheduled({
    what: escapeMrkdwn(text),
    when: formatScheduleTime(at),
    name: made.name,
    requestId: made.requestId,
  });
}

/**
 * Runs `make`, turning a ValidationError (a bad --at or --tz, a request the worker would refuse or
 * Scheduler could not carry) into the schedule's usage with what is wrong. Problems name the flag
 * or the request's field and what is wrong, never a value.
 */
function notScheduledOnInvalid<T>(make: () => T): T {
  const refuse = (error: unknown): never => {
    if (!(error instanceof ValidationError)) throw error;
    const problems = error.problems
      .map((p) => (p.field.startsWith('--') ? `${p.field} ${p.message}` : `${p.field}: ${p.message}`))
      .join('; ');
    throw new ChatUsageError(M.notScheduled(problems), COMMAND_USAGE.schedule);
  };
  try {
    const result = make();
    return (result instanceof Promise ? result.catch(refuse) : result) as T;
  } catch (error) {
    return refuse(error);
  }
}

/**
 * What the schedule will send, checked against the release as it is now: a rollback's target
 * revision is chosen now (the revision before the latest without one) and must exist, an uninstall
 * or upgrade needs the release to exist (unless the upgrade may install it).
 */
async function scheduledAction(
  deps: CommandDeps,
  command: MakeCommand,
  release: ReleaseId,
  summary: ReleaseSummary | undefined,
): Promise<{ what: ScheduledAction; text: string }> {
  const at = `${release.name} in ${release.cluster}/${release.namespace}`;
  const options = (extra: Record<string, unknown>) => {
    const all = { ...extra, ...(command.timeout === undefined ? {} : { timeout: command.timeout }) };
    return Object.keys(all).length === 0 ? {} : { options: all };
  };
  if (command.verb === 'upgrade') {
    if (summary === undefined && !command.install)
      throw new ChatUsageError(M.needsRelease(release.name), COMMAND_USAGE.schedule);
    const values = command.set.length + command.setString.length;
    return {
      what: {
        action: 'upgrade',
        release,
        rest: {
          chart: await chartSource(deps, command.chart),
          ...(command.set.length > 0 ? { set: command.set } : {}),
          ...(command.setString.length > 0 ? { setString: command.setString } : {}),
          ...options({
            ...(command.atomic ? { atomic: true } : {}),
            ...(command.install ? { install: true } : {}),
            ...(command.reuseValues ? { reuseValues: true } : {}),
          }),
        },
      },
      text: `upgrade of ${at} to ${describeChart(command.chart)}${values > 0 ? ` with ${values} --set value(s), not shown` : ''}`,
    };
  }
  if (summary === undefined) throw new ReleaseNotFoundError(release);
  if (command.verb === 'uninstall') {
    return {
      what: { action: 'uninstall', release, rest: options(command.keepHistory ? { keepHistory: true } : {}) },
      text: `uninstall of ${at}${command.keepHistory ? ', keeping its history' : ''}`,
    };
  }
  const target = command.revision > 0 ? command.revision : summary.latestRevision - 1;
  if (target < 1)
    throw new ChatUsageError(CHAT_MESSAGES.nothingToRollBack(release.name), COMMAND_USAGE.schedule);
  if (target > summary.lastRevision)
    throw new RevisionNotFoundError({ name: release.name, revision: target });
  return {
    what: { action: 'rollback', release, revision: target, rest: options({}) },
    text: `rollback of ${at} to revision ${target}`,
  };
}

async function list(
  deps: CommandDeps,
  ctx: CommandContext,
  schedules: ChatSchedules,
  command: Extract<ScheduleCommand, { verb: 'list' }>,
): Promise<string> {
  if (command.release !== undefined) {
    const release = await resolveRelease(deps, ctx.channel, command.release, command.where);
    await authorize(deps, ctx.caller, 'read', release);
    const mine = (await schedules.list()).filter(
      (s) => s.release !== undefined && formatReleaseId(s.release) === formatReleaseId(release),
    );
    return scheduleListReply({
      schedules: mine,
      where: ` for ${release.name} in ${release.cluster}/${release.namespace}`,
      hidden: 0,
    });
  }
  // Every schedule of the group on a release the caller may read, within the flags given.
  const { cluster, namespace } = command.where;
  const ours = (await schedules.list()).filter(
    (s): s is ScheduledRequest & { release: ReleaseId } =>
      validRelease(s.release) &&
      (cluster === undefined || s.release.cluster === cluster) &&
      (namespace === undefined || s.release.namespace === namespace),
  );
  const decide = await accessOf(deps, ctx.caller);
  const readable = ours.filter((s) => decide('read', s.release).allowed);
  const scope = [cluster, namespace].filter((p) => p !== undefined).join('/');
  return scheduleListReply({
    schedules: readable,
    where: scope === '' ? '' : ` in ${scope}`,
    hidden: ours.length - readable.length,
  });
}

async function cancel(
  deps: CommandDeps,
  ctx: CommandContext,
  schedules: ChatSchedules,
  name: string,
): Promise<string> {
  const schedule = await schedules.get(name);
  const release = schedule.release;
  if (!validRelease(release) || schedule.action === undefined)
    throw new ChatUsageError(M.notQuaysides(name), COMMAND_USAGE.schedule);
  await authorize(deps, ctx.caller, rightToCancel(schedule.action), release);
  await schedules.cancel(name);
  return M.cancelled({
    name,
    what: escapeMrkdwn(
      `${schedule.action}${schedule.revision === undefined ? '' : ` to revision ${schedule.revision}`} of ${release.name} in ${release.cluster}/${release.namespace}`,
    ),
    when:
      schedule.instant === undefined
        ? schedule.expression
        : formatScheduleTime({ ...schedule, instant: schedule.instant }),
  });
}

/** Cancelling takes the right doing it would: undoing a deploy is not deploying. */
function rightToCancel(action: string): Right {
  return action === 'rollback' ? 'rollback' : 'deploy';
}

/** A release id read back from a schedule's input (anyone with access to the group could write one). */
function validRelease(release: unknown): release is ReleaseId {
  const r = release as Partial<Record<keyof ReleaseId, unknown>> | undefined;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.cluster === 'string' &&
    typeof r.namespace === 'string' &&
    typeof r.name === 'string'
  );
}
