import type { Action, ObjectResult, ReleaseId, RevisionBody, RevisionMeta } from '../domain/index.ts';
import { isPending, toIso } from '../domain/index.ts';
import { KubeApiError } from '../kube/index.ts';
import type { Lease } from '../store/index.ts';
import type { StepContext } from './kube-steps.ts';
import type { ActionResult, EngineDeps, RequestContext } from './types.ts';

/** The result of an action that ended in `meta`. */
export function resultOf(input: {
  meta: RevisionMeta;
  objects: readonly ObjectResult[];
  startedAt: number;
  deps: EngineDeps;
  previousRevision: number | undefined;
  error?: { type: string; message: string };
}): ActionResult {
  const { meta } = input;
  return {
    release: meta.release,
    action: meta.action,
    status: meta.status,
    revision: meta.revision,
    ...(input.previousRevision === undefined ? {} : { previousRevision: input.previousRevision }),
    ...(meta.rollbackTo === undefined ? {} : { rollbackTo: meta.rollbackTo }),
    description: meta.description,
    chart: meta.chart,
    objects: input.objects,
    startedAt: toIso(input.startedAt),
    finishedAt: toIso(input.deps.clock.now()),
    ...(input.error === undefined ? {} : { error: input.error }),
  };
}

/** Records the leased revision as failed, keeping the previous deployed one deployed. */
export async function finishFailed(
  deps: EngineDeps,
  input: { lease: Lease; description: string; body?: RevisionBody; startedAt: number; reason: string },
): Promise<ActionResult> {
  const meta = await deps.store.finish({
    lease: input.lease,
    status: 'failed',
    description: input.description,
    ...(input.body === undefined ? {} : { body: input.body }),
  });
  return resultOf({
    meta,
    objects: input.body?.objects ?? [],
    startedAt: input.startedAt,
    deps,
    previousRevision: input.lease.deployedAtStart,
    error: { type: 'ActionFailed', message: input.reason },
  });
}

/** A request that already ran: report what it did, do nothing again. */
export function duplicateResult(
  release: ReleaseId,
  action: Action,
  meta: RevisionMeta | undefined,
  startedAt: number,
  deps: EngineDeps,
): ActionResult {
  return {
    release,
    action,
    status: meta?.status ?? 'unknown',
    ...(meta === undefined ? {} : { revision: meta.revision, chart: meta.chart }),
    description: meta?.description ?? 'request already processed; its revision has since been pruned',
    objects: [],
    duplicate: true,
    startedAt: toIso(startedAt),
    finishedAt: toIso(deps.clock.now()),
  };
}

/** --create-namespace: the namespace is created outside the release, as Helm does, and never pruned. */
export async function ensureNamespace(ctx: StepContext): Promise<void> {
  try {
    await ctx.connection.send({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ctx.release.namespace } },
      ref: { apiVersion: 'v1', kind: 'Namespace', name: ctx.release.namespace },
    });
  } catch (error) {
    // AlreadyExists: the namespace is there, which is all --create-namespace asks.
    if (error instanceof KubeApiError && error.status === 409) return;
    throw error;
  }
}

/**
 * The answer for a request this release already finished (a redelivery), or
 * undefined when it is new or its revision is still pending.
 * @throws RequestIdReusedError when the id was used for another release or other content.
 */
export async function answerIfFinished(
  deps: EngineDeps,
  release: ReleaseId,
  action: Action,
  request: RequestContext,
  startedAt: number,
): Promise<ActionResult | undefined> {
  const earlier = await finishedEarlier(deps, release, request);
  return earlier === undefined
    ? undefined
    : duplicateResult(release, action, earlier.revision, startedAt, deps);
}

/**
 * What a redelivered request did already, when it ran to an end; undefined for
 * a new request or one whose run died part way (it resumes through the lease).
 * @throws RequestIdReusedError when the id was used for another release or other content.
 */
export async function finishedEarlier(
  deps: EngineDeps,
  release: ReleaseId,
  request: RequestContext,
): Promise<{ revision?: RevisionMeta } | undefined> {
  const earlier = await deps.store.findRequest(
    release,
    request.requestId,
    request.requestDigest === undefined ? {} : { digest: request.requestDigest },
  );
  if (earlier?.revision !== undefined && isPending(earlier.revision.status)) return undefined;
  return earlier;
}
