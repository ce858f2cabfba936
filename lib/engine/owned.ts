import type { ReleaseId, RevisionMeta } from '../domain/index.ts';
import { identityOf, type KubeObject, refOf } from '../kube/index.ts';
import type { ReleaseStore, ReleaseSummary } from '../store/index.ts';
import { parseManifest } from './manifest.ts';

/** Statuses of a revision whose run settled the objects of every revision before it. */
const SETTLED = new Set(['deployed', 'superseded']);

/**
 * Every object the release may own on the cluster: the manifests of the newest revisions back to
 * and including the last one that was deployed (a deployed run pruned all that came before it).
 * Failed and interrupted revisions after it are included: each applied some of its objects before
 * it stopped, and its manifest was on record before it applied any (`begin` stores it). Revisions
 * after an `uninstalled` one start afresh, since its uninstall deleted what came before.
 *
 * The newest revision's copy of an object comes first; each object appears once. Prune, rollback
 * and uninstall work on this set; the cluster side still deletes only objects carrying this
 * release's marks, so including an object that is already gone or was adopted elsewhere is safe.
 * @throws RevisionNotFoundError, StoreCorruptionError from the store.
 */
export async function objectsReleaseMayOwn(
  store: ReleaseStore,
  release: ReleaseId,
  head: ReleaseSummary | undefined,
): Promise<KubeObject[]> {
  return (await releaseObjects(store, release, head)).mayOwn;
}

/**
 * objectsReleaseMayOwn's objects, and beside them, from the same reads, the deployed revision's (the
 * newest settled one, when it is deployed; none when no revision is): what apply compares a revision
 * with to leave unchanged objects alone.
 */
export async function releaseObjects(
  store: ReleaseStore,
  release: ReleaseId,
  head: ReleaseSummary | undefined,
): Promise<{ mayOwn: KubeObject[]; deployed: KubeObject[] }> {
  if (head === undefined) return { mayOwn: [], deployed: [] };
  const revisions = await revisionsSinceSettled(store, release);
  const seen = new Set<string>();
  const mayOwn: KubeObject[] = [];
  let deployed: KubeObject[] = [];
  for (const meta of revisions) {
    const { body } = await store.getRevision(release, meta.revision);
    const objects = parseManifest(body.manifest);
    if (meta.revision === head.deployedRevision) deployed = objects;
    for (const object of objects) {
      const namespace = object.metadata.namespace ?? release.namespace;
      const identity = identityOf({ ...refOf(object), namespace });
      if (seen.has(identity)) continue;
      seen.add(identity);
      mayOwn.push(object);
    }
  }
  return { mayOwn, deployed };
}

/** Newest first: revisions down to the newest settled one, stopping before an uninstalled one. */
async function revisionsSinceSettled(store: ReleaseStore, release: ReleaseId): Promise<RevisionMeta[]> {
  const found: RevisionMeta[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.history(release, { limit: 20, ...(cursor === undefined ? {} : { cursor }) });
    for (const meta of page.revisions) {
      if (meta.status === 'uninstalled') return found;
      found.push(meta);
      if (SETTLED.has(meta.status)) return found;
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return found;
}
