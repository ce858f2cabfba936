import { clientFor, type KubeClient } from './client.ts';
import type { KubeConnection } from './connection.ts';
import { KubeError, KubeUnknownKindError } from './errors.ts';
import { type LiveRead, readLiveObjects } from './live.ts';
import { MESSAGES, PROGRESS } from './messages.ts';
import { batchByRank, sortForInstall } from './order.ts';
import { isKept, isOwnedBy, ownerOf } from './ownership.ts';
import { mapConcurrently, placeObject } from './placement.ts';
import { identityOf, refOf } from './refs.ts';
import type { RetryPolicy } from './retry.ts';
import type { Clock, KubeObject, ObjectResult, ProgressListener, ReleaseRef } from './types.ts';

const DELETE_CONCURRENCY = 8;

/** Identity with the namespace a manifest object lands in when it names none. */
function identityIn(object: KubeObject, release: ReleaseRef): string {
  return identityOf({ ...refOf(object), namespace: object.metadata.namespace ?? release.namespace });
}

/** What deleting an object came to when it was not read (a kind not served, a failure). */
function unreadResult(object: KubeObject, error: unknown): ObjectResult {
  const ref = refOf(object);
  // The kind is no longer served (its CRD is gone), so neither is any object of it.
  if (error instanceof KubeUnknownKindError)
    return { ...ref, action: 'deleted', detail: MESSAGES.alreadyAbsent };
  const wrapped = error instanceof KubeError ? error : new KubeError(String(error), { ref, cause: error });
  return { ...ref, action: 'failed', error: wrapped };
}

/**
 * The object in the namespace it lives in (the release's, for a namespaced kind that names none), or
 * its result when it is not to be deleted or cannot be placed.
 */
async function placeForDelete(
  client: KubeClient,
  object: KubeObject,
  release: ReleaseRef,
): Promise<{ placed: KubeObject } | { result: ObjectResult }> {
  const ref = refOf(object);
  if (isKept(object)) return { result: { ...ref, action: 'unchanged', detail: MESSAGES.keep } };
  if (object.kind === 'CustomResourceDefinition')
    return { result: { ...ref, action: 'unchanged', detail: MESSAGES.neverPruneCrd } };
  try {
    // Any namespace the manifest names: deleting never refuses one (apply did when it was applied).
    return { placed: placeObject(object, await client.resource(ref), release, true) };
  } catch (error) {
    return { result: unreadResult(object, error) };
  }
}

/** Deletes a placed object as it was read: unless it is gone, kept, or not this release's. */
async function deleteRead(
  client: KubeClient,
  placed: KubeObject,
  read: LiveRead | undefined,
  release: ReleaseRef,
): Promise<ObjectResult> {
  const ref = refOf(placed);
  if (read === undefined || 'error' in read) return unreadResult(placed, read?.error);
  const { live } = read;
  if (!live) return { ...ref, action: 'deleted', detail: MESSAGES.alreadyAbsent };
  // A keep annotation added on the cluster after install is honoured too, as Helm does.
  if (isKept(live)) return { ...ref, action: 'unchanged', detail: MESSAGES.keep };
  if (!isOwnedBy(live, release)) {
    const owner = ownerOf(live);
    const who = owner ? PROGRESS.owner(owner.name, owner.namespace) : PROGRESS.noOwner;
    return { ...ref, action: 'unchanged', detail: MESSAGES.notOwned(who) };
  }
  try {
    await client.remove(ref);
    return { ...ref, action: 'deleted' };
  } catch (error) {
    return unreadResult(placed, error);
  }
}

/**
 * Deletes objects in reverse install order, leaving `keep` objects, CRDs, and objects that do not
 * carry this release's marks. Each kind's objects are read just before they are deleted, with one list
 * per namespace where that saves calls (readLiveObjects), instead of one read each. Failures are
 * results, not exceptions.
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
    const placements = await mapConcurrently(batch, DELETE_CONCURRENCY, (o) =>
      placeForDelete(client, o, release),
    );
    const placed = placements.flatMap((p) => ('placed' in p ? [p.placed] : []));
    const reads = await readLiveObjects(client, placed);
    const done = await mapConcurrently(placements, DELETE_CONCURRENCY, async (p) =>
      'placed' in p
        ? deleteRead(client, p.placed, reads.get(identityOf(refOf(p.placed))), release)
        : p.result,
    );
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
