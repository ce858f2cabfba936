import { type Clock, formatReleaseId, toIso } from '../domain/index.ts';
import { type AutomationDetail, buildAutomationEvent, type EventPublisher } from '../events/index.ts';
import { REQUEST_VERSION } from '../requests/index.ts';
import {
  type AutomationRecords,
  type BakeRecord,
  type ReleaseStore,
  supersededReason,
} from '../store/index.ts';
import { automationRequester, autoRollbackRequestId } from './identity.ts';
import { AUTOMATION_MESSAGES as M } from './messages.ts';
import { AUTOMATION_SETTINGS } from './settings.ts';
import { chooseRollbackTarget } from './target.ts';

/** What the alarm function and the guard need to act on a bake. */
export interface AutomationDeps {
  readonly store: ReleaseStore;
  readonly records: AutomationRecords;
  readonly publisher: EventPublisher;
  /** Puts a DeployRequest (a plain JSON document) on the request queue, in its release's group. */
  readonly send: (request: Record<string, unknown>) => Promise<void>;
  readonly clock: Clock;
}

/** Trouble seen during a bake: an alarm entering ALARM, or workloads unhealthy. */
export interface Trouble {
  readonly cause: 'alarm' | 'health';
  /** Epoch ms: when it happened (the alarm's state change, the guard's look). */
  readonly at: number;
  /** For the revision's description and the events: `alarm "blog-5xx" fired during bake of revision 5`. */
  readonly reason: string;
  readonly alarm?: string;
}

export type Reaction =
  | { readonly kind: 'rolled-back'; readonly requestId: string; readonly to: number }
  /** The trouble came before the bake began or after it ended: nothing to do. */
  | { readonly kind: 'outside-bake' }
  /** The bake was already over (verified, or its one rollback claimed): at most one per revision. */
  | { readonly kind: 'already' }
  | { readonly kind: 'newer-deployed'; readonly deployed: number | undefined }
  | { readonly kind: 'paused' }
  | { readonly kind: 'no-target' };

/**
 * What trouble during a revision's bake leads to, guarded at every step: nothing outside the bake's
 * window; nothing once another revision is deployed (the bake then ends unverified); nothing while
 * the automation is paused (said once per bake for the guard, at every alarm); otherwise the bake's
 * one automatic rollback is claimed in the store and its request sent, to the last revision that
 * finished its bake (or the last deployed one). Every "nothing" that answers real trouble is said in
 * an `Automation Skipped` event.
 */
export async function reactToTrouble(
  deps: AutomationDeps,
  bake: BakeRecord,
  trouble: Trouble,
): Promise<Reaction> {
  const { release, revision } = bake;
  if (trouble.at < bake.startedAt || trouble.at >= bake.endsAt) return { kind: 'outside-bake' };
  const detail = automationDetail(bake, trouble);
  const skipped = (description: string) => publishSkipped(deps, bake, trouble, description, detail);
  if (bake.state !== 'baking') return answerLate(deps, bake, trouble, skipped);

  const head = await deps.store.getRelease(release);
  if (head?.deployedRevision !== revision) {
    await deps.records.closeBake(release, revision, {
      state: 'ended',
      at: deps.clock.now(),
      reason: head?.deployedRevision === undefined ? M.noDeployed : supersededReason(head.deployedRevision),
    });
    await skipped(M.newerDeployed(head?.deployedRevision, revision));
    return { kind: 'newer-deployed', deployed: head?.deployedRevision };
  }
  const pause = await deps.records.getPause(release);
  if (pause?.paused) {
    const first = await deps.records.noteIgnored(release, revision, trouble.reason);
    if (first || trouble.cause === 'alarm')
      await skipped(M.paused(formatReleaseId(release), pause.by, trouble.reason));
    return { kind: 'paused' };
  }
  const to = await chooseRollbackTarget(deps, release, revision);
  const requestId = autoRollbackRequestId(bake);
  const claim = await deps.records.claimRollback(release, revision, {
    at: deps.clock.now(),
    reason: trouble.reason,
    cause: trouble.cause,
    ...(trouble.alarm === undefined ? {} : { alarm: trouble.alarm }),
    ...(to === undefined ? {} : { rollback: { requestId, to } }),
  });
  if (!claim.claimed)
    return claim.record === undefined
      ? { kind: 'already' }
      : answerLate(deps, claim.record, trouble, skipped);
  if (to === undefined || claim.record === undefined) {
    await skipped(M.noTarget(revision));
    return { kind: 'no-target' };
  }
  await sendClaimedRollback(deps, claim.record);
  return { kind: 'rolled-back', requestId, to };
}

/**
 * Trouble for a bake that is already over. A claimed rollback whose request may not have reached
 * the queue (its sender died in between) is sent again: the same request id and content, so it
 * makes one revision however often it is sent. A second alarm is said; the guard's later looks are not.
 */
async function answerLate(
  deps: AutomationDeps,
  bake: BakeRecord,
  trouble: Trouble,
  skipped: (description: string) => Promise<void>,
): Promise<Reaction> {
  if (bake.state === 'failed' && bake.rollback !== undefined && bake.rollback.sentAt === undefined) {
    await sendClaimedRollback(deps, bake);
  }
  if (bake.state === 'failed' && trouble.cause === 'alarm') {
    await skipped(M.alreadyRolledBack(bake.revision, bake.reason ?? ''));
  }
  return { kind: 'already' };
}

/** Sends the bake's claimed rollback, rebuilt from its record alone, and notes it sent. */
export async function sendClaimedRollback(deps: AutomationDeps, bake: BakeRecord): Promise<void> {
  const request = rollbackRequestOf(bake);
  if (request === undefined) return;
  await deps.send(request);
  await deps.records.markRollbackSent(bake.release, bake.revision, deps.clock.now());
}

/**
 * The DeployRequest of a bake's claimed rollback: built from the bake record only, so that it is
 * the same document every time it is sent.
 */
export function rollbackRequestOf(bake: BakeRecord): Record<string, unknown> | undefined {
  if (bake.rollback === undefined || bake.reason === undefined || bake.cause === undefined) return undefined;
  const { to, requestId } = bake.rollback;
  return {
    version: REQUEST_VERSION,
    requestId,
    action: 'rollback',
    release: bake.release,
    revision: to,
    options: {
      description: M.rollbackDescription(to, bake.reason),
      timeout: AUTOMATION_SETTINGS.rollbackTimeout,
    },
    automation: {
      cause: bake.cause,
      reason: bake.reason,
      forRevision: bake.revision,
      ...(bake.alarm === undefined ? {} : { alarm: bake.alarm }),
    },
    requestedBy: automationRequester({
      cause: bake.cause,
      ...(bake.alarm === undefined ? {} : { alarm: bake.alarm }),
    }),
    requestedAt: toIso(bake.endedAt ?? bake.startedAt),
  };
}

function automationDetail(bake: BakeRecord, trouble: Trouble): AutomationDetail {
  return {
    cause: trouble.cause,
    reason: trouble.reason,
    forRevision: bake.revision,
    ...(trouble.alarm === undefined ? {} : { alarm: trouble.alarm }),
  };
}

async function publishSkipped(
  deps: AutomationDeps,
  bake: BakeRecord,
  trouble: Trouble,
  description: string,
  automation: AutomationDetail,
): Promise<void> {
  await deps.publisher.publish([
    buildAutomationEvent({
      detailType: 'Automation Skipped',
      requestId: autoRollbackRequestId(bake),
      action: 'rollback',
      release: bake.release,
      revision: bake.revision,
      description,
      chart: bake.chart,
      requestedBy: automationRequester(trouble),
      at: deps.clock.now(),
      automation,
    }),
  ]);
}
