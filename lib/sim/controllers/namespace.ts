/** The namespace controller: a deleted Namespace stays Terminating for a step, takes everything in it, then goes itself. */
import { getObject, getString } from '../json.ts';
import type { ControllerContext } from './context.ts';
import { createStepGate } from './delayed.ts';
import type { Controller } from './manager.ts';

export function createNamespaceController(context: ControllerContext): Controller {
  const { client, cluster } = context;
  const gate = createStepGate(context, 'Namespace');
  return {
    kind: 'Namespace',
    reconcile(key, queue) {
      const namespace = client.get('Namespace', '', key.name);
      if (!namespace || !getObject(namespace, ['metadata'])?.deletionTimestamp) return;
      if (!gate.ready(namespace, key, queue)) return;
      gate.forget(namespace);
      for (const resource of cluster.registry.all()) {
        if (!resource.namespaced) continue;
        for (const object of cluster.store.list(resource, key.name)) {
          cluster.store.remove(resource, key.name, getString(object, ['metadata', 'name']) ?? '');
        }
      }
      cluster.store.remove(client.type('Namespace'), '', key.name);
    },
  };
}
