import { descriptions, type HookRecord, toIso } from '../domain/index.ts';
import { EngineError } from './errors.ts';
import {
  asStepFailure,
  deleteManifestObjects,
  openSteps,
  progress,
  runHooks,
  StepFailure,
  underLease,
} from './kube-steps.ts';
import { objectsReleaseMayOwn } from './owned.ts';
import { requireRelease } from './reads.ts';
import { answerIfFinished, duplicateResult, finishFailed } from './record.ts';
import type { ActionResult, EngineDeps, RequestContext, UninstallInput } from './types.ts';

/**
 * Uninstall: pre-delete hooks, every object the release may own deleted in
 * reverse order (keep-policy objects stay; see objectsReleaseMayOwn), post-delete hooks; then the
 * history is kept as `uninstalled` (keep-history) or deleted.
 * @throws ReleaseNotFoundError before anything changes.
 */
export async function uninstallRelease(
  deps: EngineDeps,
  input: UninstallInput,
  request: RequestContext,
): Promise<ActionResult> {
  const startedAt = deps.clock.now();
  const options = input.options ?? {};
  const answered = await answerIfFinished(deps, input.release, 'uninstall', request, startedAt);
  if (answered) return answered;
  const head = await requireRelease(deps.store, input.release);
  if (head.status === 'uninstalled' && options.keepHistory) {
    throw new EngineError(`release "${input.release.name}" is already uninstalled (history kept)`);
  }
  const latest = await deps.store.getRevision(input.release, head.latestRevision);
  const owned = await objectsReleaseMayOwn(deps.store, input.release, head);
  const { ctx, deadlines } = await openSteps({ deps, release: input.release, request, options });

  const begun = await deps.store.begin({
    release: input.release,
    requestId: request.requestId,
    action: 'uninstall',
    requestedBy: request.requestedBy,
    chart: latest.chart,
    leaseExpiresAt: deadlines.lease,
    renewUntil: deadlines.renewUntil,
    ...(request.requestDigest === undefined ? {} : { requestDigest: request.requestDigest }),
  });
  if (begun.kind === 'duplicate')
    return duplicateResult(input.release, 'uninstall', begun.revision, startedAt, deps);
  const { lease } = begun;
  return underLease(ctx, lease, async () => {
    let hooks: HookRecord[] = [...latest.body.hooks];
    let objects = latest.body.objects;
    try {
      hooks = await runHooks(ctx, hooks, 'pre-delete');
      objects = await deleteManifestObjects(ctx, owned);
      const failed = objects.find((o) => o.action === 'failed');
      if (failed !== undefined)
        throw new StepFailure(`deleting ${failed.kind}/${failed.name} failed: ${failed.error}`, objects);
      hooks = await runHooks(ctx, hooks, 'post-delete');
    } catch (thrown) {
      const error = asStepFailure(thrown);
      if (error === undefined) throw thrown;
      return finishFailed(deps, {
        lease,
        description: descriptions.uninstallFailed(input.release.name, error.reason),
        body: { ...latest.body, hooks, objects: error.objects },
        startedAt,
        reason: error.reason,
      });
    }
    const description = descriptions.uninstallComplete();
    if (options.keepHistory) {
      await deps.store.finish({
        lease,
        status: 'uninstalled',
        description,
        body: { ...latest.body, hooks, objects },
      });
    } else {
      progress(ctx, 'record', 'deleting the release history');
      await deps.store.purge(lease);
    }
    return {
      release: input.release,
      action: 'uninstall',
      status: 'uninstalled',
      revision: lease.revision,
      description,
      chart: latest.chart,
      objects,
      startedAt: toIso(startedAt),
      finishedAt: toIso(deps.clock.now()),
    };
  });
}
