import { clientFor, type KubeClient } from './client.ts';
import type { KubeConnection } from './connection.ts';
import { KubeError, KubeUnknownKindError } from './errors.ts';
import { MESSAGES, PROGRESS } from './messages.ts';
import { batchByRank, sortForInstall } from './order.ts';
import { isKept, isOwnedBy, ownerOf } from './ownership.ts';
import { mapConcurrently } from './placement.ts';
import { identityOf, refOf } from './refs.ts';
import type { RetryPolicy } from './retry.ts';
import type { Clock, KubeObject, ObjectResult, ProgressListener, ReleaseRef } from './types.ts';

const DELETE_CONCURRENCY = 8;

/** Identity with the namespace a manifest object lands in when it names none. */
function identityIn(object: KubeObject, release: ReleaseRef): string {
  return identityOf({ ...refOf(object), namespace: object.metadata.namespace ?? release.namespace });
}

async function deleteOne(client: KubeClient, object: KubeObject, release: ReleaseRef): Promise<ObjectResult> {
  const ref = refOf(object);
  if (isKept(object)) return { ...ref, action: 'unchanged', detail: MESSAGES.keep };
  if (object.kind === 'CustomResourceDefinition')
    return { ...ref, action: 'unchanged', detail: MESSAGES.neverPruneCrd };
  try {
    const resource = await client.resource(ref);
    const placed = {
      ...ref,
      namespace: resource.namespaced ? (ref.namespace ?? release.namespace) : undefined,
    };
    if (!placed.namespace) delete placed.namespace;
    const live = await client.get(placed);
    if (!live) return { ...placed, action: 'deleted', detail: MESSAGES.alreadyAbsent };
    // A keep annotation added on the cluster after install is honoured too, as Helm does.
    if (isKept(live)) return { ...placed, action: 'unchanged', detail: MESSAGES.keep };
    if (!isOwnedBy(live, release)) {
      const owner = ownerOf(live);
      const who = owner ? PROGRESS.owner(owner.name, owner.namespace) : PROGRESS.noOwner;
      return { ...placed, action: 'unchanged', detail: MESSAGES.notOwned(who) };
    }
    await client.remove(placed);
    return { ...placed, action: 'deleted' };
  } catch (error) {
    // The kind is no longer served (its CRD is gone), so neither is any object of it.
    if (error instanceof KubeUnknownKindError)
      return { ...ref, action: 'deleted', detail: MESSAGES.alreadyAbsent };
    const wrapped = error instanceof KubeError ? error : new KubeError(String(error), { ref, cause: error });
    return { ...ref, action: 'failed', error: wrapped };
  }
}

/**
 * Deletes objects in reverse install order, leaving `keep` objects, CRDs, and objects that do not
 * carry this release's marks. Failures are results, not exceptions.
 */
async function deleteInOrder(
  client: KubeClient,
  objects: readonly KubeObject[],
  release: ReleaseRef,
  onProgress: ProgressListener | undefined,
  phase: 'prune' | 'delete',
): Promise<ObjectResult[]> {
  const results: ObjectResult[] = [];
  for (const batch of batchByRank(sortForInstall(objects)).reverse()) {
    const done = await mapConcurrently(batch, DELETE_CONCURRENCY, (o) => deleteOne(client, o, release));
    for (const result of done) {
      results.push(result);
      onProgress?.({
        phase,
        ref: result,
        action: result.action,
        message: result.error?.message ?? result.detail ?? result.action,
      });
    }
  }
  return results;
}

/** Prunes what `previousObjects` had and `objects` no longer has. */
export function pruneObjects(input: {
  client: KubeClient;
  objects: readonly KubeObject[];
  previousObjects: readonly KubeObject[];
  release: ReleaseRef;
  onProgress?: ProgressListener;
}): Promise<ObjectResult[]> {
  const kept = new Set(input.objects.map((o) => identityIn(o, input.release)));
  const dropped = input.previousObjects.filter((o) => !kept.has(identityIn(o, input.release)));
  return deleteInOrder(input.client, dropped, input.release, input.onProgress, 'prune');
}

export interface DeleteObjectsInput {
  connection: KubeConnection;
  objects: readonly KubeObject[];
  release: ReleaseRef;
  deadline: number;
  clock?: Clock;
  random?: () => number;
  retryPolicy?: RetryPolicy;
  onProgress?: ProgressListener;
}

/**
 * Uninstall: deletes the release's objects in reverse install order. Objects annotated
 * `helm.sh/resource-policy: keep`, CRDs, and objects now owned by another release are left in place
 * (action `unchanged` with the reason in `detail`); objects already gone count as deleted.
 */
export async function deleteObjects(input: DeleteObjectsInput): Promise<ObjectResult[]> {
  return deleteInOrder(clientFor(input), input.objects, input.release, input.onProgress, 'delete');
}
