import {
  descriptions,
  type HookRecord,
  type ObjectResult,
  RevisionNotFoundError,
  toIso,
} from '../domain/index.ts';
import { diffRevision } from '../kube/index.ts';
import { NothingToRollBackError, StaleGuardError } from './errors.ts';
import { applyAndWait, asStepFailure, openSteps, progress, runHooks, underLease } from './kube-steps.ts';
import { parseManifest } from './manifest.ts';
import { releaseObjects } from './owned.ts';
import { requireRelease } from './reads.ts';
import { answerIfFinished, duplicateResult, finishFailed, resultOf } from './record.ts';
import type { ActionResult, EngineDeps, RequestContext, RollbackInput } from './types.ts';

/**
 * Rollback to revision N (or the one before the latest): a new revision that
 * copies N's chart, values and manifest — never the chart source — applied,
 * pruned against every object the release may own, and waited for.
 * @throws ReleaseNotFoundError, RevisionNotFoundError, NothingToRollBackError before anything changes.
 */
export async function rollbackRelease(
  deps: EngineDeps,
  input: RollbackInput,
  request: RequestContext,
): Promise<ActionResult> {
  const startedAt = deps.clock.now();
  const options = input.options ?? {};
  const answered = await answerIfFinished(deps, input.release, 'rollback', request, startedAt);
  if (answered) return answered;
  const head = await requireRelease(deps.store, input.release);
  // Requests for one release run one at a time (FIFO group, lease), so the head read here is the
  // one begin will extend: a newer revision recorded since the guard was made refuses the rollback
  // (but a redelivered request resuming its own pending revision goes on).
  const resuming = head.lease?.requestId === request.requestId;
  if (input.guard !== undefined && !resuming && head.latestRevision !== input.guard)
    throw new StaleGuardError(input.release.name, input.guard, head.latestRevision);
  const targetNumber = input.revision && input.revision > 0 ? input.revision : head.latestRevision - 1;
  if (targetNumber < 1) throw new NothingToRollBackError(input.release.name);
  if (targetNumber > head.lastRevision)
    throw new RevisionNotFoundError({ name: input.release.name, revision: targetNumber });
  const target = await deps.store.getRevision(input.release, targetNumber);
  const objects = parseManifest(target.body.manifest);
  // With the deployed revision's objects: one the target has as it is there (and as the revisions since
  // have it), and whose live copy still holds every value, is not sent again, as an upgrade skips it.
  const { mayOwn: previous, deployed: settled } = await releaseObjects(deps.store, input.release, head);
  const { ctx, deadlines } = await openSteps({ deps, release: input.release, request, options });
  const { connection } = ctx;

  if (options.dryRun) {
    const diff = await diffRevision({
      connection,
      objects,
      previousObjects: previous,
      release: { name: input.release.name, namespace: input.release.namespace },
      force: options.force ?? false,
      forceConflicts: options.forceConflicts ?? false,
      forceReplace: options.forceReplace ?? false,
      deadline: deadlines.work,
      clock: deps.clock,
    });
    return {
      release: input.release,
      action: 'rollback',
      status: 'dry-run',
      description: `Dry run of a rollback to ${targetNumber}`,
      chart: target.chart,
      objects: [],
      diff,
      startedAt: toIso(startedAt),
      finishedAt: toIso(deps.clock.now()),
      ...(head.deployedRevision === undefined ? {} : { previousRevision: head.deployedRevision }),
    };
  }
  progress(ctx, 'lease', `recording a rollback to revision ${targetNumber} as pending`);
  const begun = await deps.store.begin({
    release: input.release,
    requestId: request.requestId,
    action: 'rollback',
    requestedBy: request.requestedBy,
    chart: target.chart,
    rollbackTo: targetNumber,
    ...(options.description === undefined ? {} : { description: options.description }),
    body: { ...target.body, objects: [] },
    leaseExpiresAt: deadlines.lease,
    renewUntil: deadlines.renewUntil,
    ...(request.requestDigest === undefined ? {} : { requestDigest: request.requestDigest }),
    ...(options.historyMax === undefined ? {} : { historyMax: options.historyMax }),
  });
  if (begun.kind === 'duplicate')
    return duplicateResult(input.release, 'rollback', begun.revision, startedAt, deps);
  const { lease } = begun;
  return underLease(ctx, lease, async () => {
    let hooks: HookRecord[] = [...target.body.hooks];
    let results: ObjectResult[] = [];
    try {
      hooks = await runHooks(ctx, hooks, 'pre-rollback');
      results = await applyAndWait(ctx, objects, previous, settled);
      hooks = await runHooks(ctx, hooks, 'post-rollback');
    } catch (thrown) {
      const error = asStepFailure(thrown);
      if (error === undefined) throw thrown;
      return finishFailed(deps, {
        lease,
        description: descriptions.rollbackFailed(input.release.name, error.reason),
        body: { ...target.body, hooks, objects: error.objects },
        startedAt,
        reason: error.reason,
      });
    }
    const meta = await deps.store.finish({
      lease,
      status: 'deployed',
      description: options.description ?? descriptions.rollbackComplete(targetNumber),
      body: { ...target.body, hooks, objects: results },
    });
    return resultOf({ meta, objects: results, startedAt, deps, previousRevision: lease.deployedAtStart });
  });
}
