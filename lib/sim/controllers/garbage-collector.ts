/**
 * Cascading deletion: in the background, objects whose owners are all gone are deleted shortly
 * after them; in the foreground, an owner marked with the foregroundDeletion finalizer goes after
 * its dependents.
 */
import type { Cluster } from '../cluster.ts';
import { getArray, getString, isObject } from '../json.ts';
import { FOREGROUND_FINALIZER, findDependents, removeNow } from '../operations/delete.ts';

export function startGarbageCollector(cluster: Cluster): () => void {
  const pending = new Set<NodeJS.Timeout>();
  const unsubscribe = cluster.store.subscribe((event) => {
    if (
      event.type === 'MODIFIED' &&
      getArray(event.object, ['metadata', 'finalizers']).includes(FOREGROUND_FINALIZER)
    ) {
      const timer = setTimeout(() => {
        pending.delete(timer);
        const current = cluster.store.get(
          event.resource,
          getString(event.object, ['metadata', 'namespace']) ?? '',
          getString(event.object, ['metadata', 'name']) ?? '',
        );
        if (
          current &&
          getString(current, ['metadata', 'uid']) === getString(event.object, ['metadata', 'uid'])
        )
          removeNow(cluster, event.resource, current, true);
      }, 0);
      timer.unref();
      pending.add(timer);
      return;
    }
    if (event.type !== 'DELETED') return;
    const timer = setTimeout(() => {
      pending.delete(timer);
      for (const { resource, object } of findDependents(cluster, event.object)) {
        const owners = getArray(object, ['metadata', 'ownerReferences']).filter(isObject);
        const ownerLeft = owners.some((ref) => {
          if (ref.uid === getString(event.object, ['metadata', 'uid'])) return false;
          return cluster.registry
            .all()
            .some((type) =>
              cluster.store
                .list(type)
                .some((candidate) => getString(candidate, ['metadata', 'uid']) === ref.uid),
            );
        });
        if (!ownerLeft) removeNow(cluster, resource, object, false);
      }
    }, 0);
    timer.unref();
    pending.add(timer);
  });
  return () => {
    unsubscribe();
    for (const timer of pending) clearTimeout(timer);
  };
}
