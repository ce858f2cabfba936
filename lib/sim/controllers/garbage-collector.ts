/** Background cascading deletion: objects whose owner is gone are deleted shortly after it. */
import type { Cluster } from '../cluster.ts';
import { getArray, getString, isObject } from '../json.ts';
import { findDependents, removeNow } from '../operations/delete.ts';

export function startGarbageCollector(cluster: Cluster): () => void {
  const pending = new Set<NodeJS.Timeout>();
  const unsubscribe = cluster.store.subscribe((event) => {
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
