import type { ReleaseId } from '../domain/index.ts';
import { buildAutomationEvent } from '../events/index.ts';
import type { ConnectionProvider } from '../kube/index.ts';
import { type ActiveBake, type BakeRecord, supersededReason } from '../store/index.ts';
import { checkWorkloads } from './health.ts';
import { automationRequester } from './identity.ts';
import { AUTOMATION_MESSAGES as M } from './messages.ts';
import { type AutomationDeps, type Reaction, reactToTrouble, sendClaimedRollback } from './react.ts';
import { AUTOMATION_SETTINGS } from './settings.ts';

export interface GuardDeps extends AutomationDeps {
  /** Connections to the releases' clusters, for the health checks. */
  readonly connections: ConnectionProvider;
  /** The clock's sleep, for the health checks' one look (never used to wait). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long workloads may stay not ready before they count as unhealthy. */
  readonly notReadyGraceMs?: number;
}

export type GuardVerdict =
  | { readonly kind: 'verified' }
  | { readonly kind: 'ended'; readonly reason: string }
  | { readonly kind: 'healthy' }
  | { readonly kind: 'not-ready'; readonly reason: string }
  | { readonly kind: 'trouble'; readonly reaction: Reaction }
  /** The health check could not be made (the cluster did not answer): nothing is decided this time. */
  | { readonly kind: 'unchecked'; readonly reason: string }
  | { readonly kind: 'idle' };

export interface GuardReport {
  readonly bakes: readonly { release: ReleaseId; revision: number; verdict: GuardVerdict }[];
}

/**
 * One round of the guard (every minute in AWS): for each release baking, end the bake of a
 * revision no longer deployed (unverified), verify a bake whose window has passed without trouble
 * (`Release Verified`), and otherwise, for bakes with `health`, look at the workloads once: a
 * failing one (a pod that will never start) is trouble at once, one not ready for longer than the
 * grace is trouble too, and trouble goes to `reactToTrouble`. Never throws for one bake's sake.
 */
export async function runGuard(deps: GuardDeps): Promise<GuardReport> {
  const bakes: GuardReport['bakes'][number][] = [];
  for (const active of await deps.records.activeBakes()) {
    let verdict: GuardVerdict;
    try {
      verdict = await guardOne(deps, active);
    } catch (error) {
      verdict = { kind: 'unchecked', reason: error instanceof Error ? error.message : String(error) };
    }
    bakes.push({ release: active.release, revision: active.revision, verdict });
  }
  return { bakes };
}

async function guardOne(deps: GuardDeps, active: ActiveBake): Promise<GuardVerdict> {
  const { release, revision } = active;
  const bake = await deps.records.getBake(release, revision);
  const unsent =
    bake?.state === 'failed' && bake.rollback !== undefined && bake.rollback.sentAt === undefined;
  if (bake?.rollback !== undefined && unsent) {
    // Its rollback was claimed, but whoever claimed it died before it reached the queue.
    await sendClaimedRollback(deps, bake);
    return { kind: 'trouble', reaction: { kind: 'rolled-back', ...bake.rollback } };
  }
  if (bake === undefined || bake.state !== 'baking') return { kind: 'idle' };
  const now = deps.clock.now();
  const head = await deps.store.getRelease(release);
  if (head?.deployedRevision !== revision) {
    const reason =
      head?.deployedRevision === undefined ? M.noDeployed : supersededReason(head.deployedRevision);
    await deps.records.closeBake(release, revision, { state: 'ended', at: now, reason });
    return { kind: 'ended', reason };
  }
  if (now >= bake.endsAt) return endBake(deps, bake);
  if (!bake.health) return { kind: 'idle' };
  let health: Awaited<ReturnType<typeof checkWorkloads>>;
  try {
    health = await checkWorkloads({
      connections: deps.connections,
      store: deps.store,
      release,
      revision,
      clock: { now: () => deps.clock.now(), sleep: deps.sleep ?? (async () => {}) },
    });
  } catch (error) {
    return { kind: 'unchecked', reason: error instanceof Error ? error.message : String(error) };
  }
  if (health.state === 'ready') {
    if (bake.unhealthySince !== undefined) await deps.records.noteUnhealthy(release, revision, undefined);
    return { kind: 'healthy' };
  }
  if (health.state === 'failed') {
    const reaction = await reactToTrouble(deps, bake, {
      cause: 'health',
      at: now,
      reason: M.unhealthy(revision, health.reason),
    });
    return { kind: 'trouble', reaction };
  }
  const since = bake.unhealthySince ?? now;
  const grace = deps.notReadyGraceMs ?? AUTOMATION_SETTINGS.notReadyGraceMs;
  if (now - since < grace) {
    if (bake.unhealthySince === undefined) {
      await deps.records.noteUnhealthy(release, revision, { since, reason: health.reason });
    }
    return { kind: 'not-ready', reason: health.reason };
  }
  const reaction = await reactToTrouble(deps, bake, {
    cause: 'health',
    at: now,
    reason: M.notReady(revision, now - since, health.reason),
  });
  return { kind: 'trouble', reaction };
}

/** The window has passed: verified when nothing went wrong, else ended unverified (trouble while paused). */
async function endBake(deps: GuardDeps, bake: BakeRecord): Promise<GuardVerdict> {
  const now = deps.clock.now();
  if (bake.ignored !== undefined) {
    const reason = M.notVerifiedPaused(bake.ignored);
    await deps.records.closeBake(bake.release, bake.revision, { state: 'ended', at: now, reason });
    return { kind: 'ended', reason };
  }
  const forMs = bake.endsAt - bake.startedAt;
  if (!(await deps.records.closeBake(bake.release, bake.revision, { state: 'verified', at: now }))) {
    return { kind: 'idle' };
  }
  await deps.publisher.publish([
    buildAutomationEvent({
      detailType: 'Release Verified',
      requestId: bake.requestId,
      action: bake.action,
      release: bake.release,
      revision: bake.revision,
      description: M.verified(bake.revision, forMs),
      chart: bake.chart,
      requestedBy: automationRequester({ cause: 'bake' }),
      at: now,
      automation: {
        cause: 'bake',
        reason: M.verifiedReason(bake.revision, forMs, bake.alarms, bake.health),
        forRevision: bake.revision,
      },
    }),
  ]);
  return { kind: 'verified' };
}
