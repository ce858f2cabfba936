import { formatReleaseId } from '../domain/index.ts';
import type { ActionResult } from '../engine/index.ts';
import type { AutomationDetail } from '../events/index.ts';
import { type DeployRequest, parseDuration } from '../requests/index.ts';
import { AutomationRecords, type ReleaseStore } from '../store/index.ts';
import type { ExecutorAutomation } from '../worker/index.ts';
import { AutomationSkippedError } from './errors.ts';
import { AUTOMATION_MESSAGES as M } from './messages.ts';

/**
 * The automation's part of the worker (the worker handler plugs it in):
 * - before an automatic rollback runs, its guard: it does nothing (a `Request Rejected` event
 *   saying why) once another revision is deployed, while the automation is paused, or when it
 *   would not go back to an earlier revision;
 * - after a request with `bake` deployed its revision, the bake begins (idempotently: a
 *   redelivered request that already ran begins it too, if its first run died before);
 * - the status events of a scheduled or automatic request carry its cause.
 */
export function workerAutomation(store: ReleaseStore): ExecutorAutomation {
  const records = new AutomationRecords(store.driver);
  return {
    beforeRun: (request) => guardAutomaticRollback(store, records, request),
    afterRun: (request, result) => beginBake(store, records, request, result),
    eventDetail,
  };
}

async function guardAutomaticRollback(
  store: ReleaseStore,
  records: AutomationRecords,
  request: DeployRequest,
): Promise<void> {
  const forRevision = request.automation?.forRevision;
  if (request.action !== 'rollback' || forRevision === undefined) return;
  // A redelivery of a request that already ran is answered by the engine as it was the first time.
  if ((await store.findRequest(request.release, request.requestId)) !== undefined) return;
  const head = await store.getRelease(request.release);
  if (head?.deployedRevision !== forRevision) {
    throw new AutomationSkippedError(M.workerNewer(head?.deployedRevision, forRevision));
  }
  const pause = await records.getPause(request.release);
  if (pause?.paused)
    throw new AutomationSkippedError(M.workerPaused(formatReleaseId(request.release), pause.by));
  if (request.revision < 1 || request.revision >= forRevision) {
    throw new AutomationSkippedError(M.workerForward(request.revision, forRevision));
  }
}

async function beginBake(
  store: ReleaseStore,
  records: AutomationRecords,
  request: DeployRequest,
  result: ActionResult,
): Promise<void> {
  if (request.action === 'uninstall' || request.action === 'import' || request.bake === undefined) return;
  if (result.status !== 'deployed' || result.revision === undefined) return;
  const meta = await store.getRevisionMeta(request.release, result.revision);
  const deployedAt = Date.parse(meta.lastDeployed ?? meta.finishedAt ?? meta.startedAt);
  if (meta.status !== 'deployed' || !Number.isFinite(deployedAt)) return;
  await records.startBake({
    release: request.release,
    revision: meta.revision,
    requestId: meta.requestId,
    action: meta.action,
    chart: meta.chart,
    startedAt: deployedAt,
    forMs: parseDuration(request.bake.for),
    alarms: request.bake.alarms,
    health: request.bake.health,
  });
}

/** The cause a scheduled or automatic request's events carry; a schedule's says what it replaced. */
function eventDetail(request: DeployRequest, result: ActionResult): AutomationDetail | undefined {
  const origin = request.automation;
  if (origin === undefined) return undefined;
  if (origin.cause === 'schedule') {
    const replaced = result.previousRevision;
    return {
      cause: 'schedule',
      reason:
        origin.revisionAtCreation === replaced
          ? M.scheduleAsWritten(replaced)
          : M.scheduleReplaced(origin.revisionAtCreation, replaced),
      ...(origin.schedule === undefined ? {} : { schedule: origin.schedule }),
      ...(origin.createdBy === undefined ? {} : { createdBy: origin.createdBy }),
      ...(origin.revisionAtCreation === undefined ? {} : { revisionAtCreation: origin.revisionAtCreation }),
    };
  }
  return {
    cause: origin.cause,
    reason: origin.reason ?? '',
    ...(origin.forRevision === undefined ? {} : { forRevision: origin.forRevision }),
    ...(origin.alarm === undefined ? {} : { alarm: origin.alarm }),
  };
}
