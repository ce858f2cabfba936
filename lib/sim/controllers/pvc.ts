/** PersistentVolumeClaims bind one step after creation to a volume named after the claim's uid. */
import { clone, getArray, getObject, getString, type JsonObject } from '../json.ts';
import type { ControllerContext } from './context.ts';
import { createStepGate } from './delayed.ts';
import type { Controller } from './manager.ts';

export function createClaimController(context: ControllerContext): Controller {
  const { client } = context;
  const gate = createStepGate(context, 'PersistentVolumeClaim');
  return {
    kind: 'PersistentVolumeClaim',
    reconcile(key, queue) {
      const claim = client.get('PersistentVolumeClaim', key.namespace, key.name);
      if (!claim || getString(claim, ['status', 'phase']) === 'Bound') return;
      if (getString(claim, ['status', 'phase']) !== 'Pending') {
        client.updateStatus('PersistentVolumeClaim', { ...claim, status: { phase: 'Pending' } });
        return;
      }
      if (!gate.ready(claim, key, queue)) return;
      const bound = clone(claim);
      const metadata = bound.metadata as JsonObject;
      metadata.annotations = {
        ...(getObject(metadata, ['annotations']) ?? {}),
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes',
      };
      (bound.spec as JsonObject).volumeName = `pvc-${getString(claim, ['metadata', 'uid']) ?? ''}`;
      const stored = client.update('PersistentVolumeClaim', bound);
      if (!stored) return;
      client.updateStatus('PersistentVolumeClaim', {
        ...stored,
        status: {
          phase: 'Bound',
          accessModes: clone(getArray(claim, ['spec', 'accessModes'])),
          capacity: clone(getObject(claim, ['spec', 'resources', 'requests']) ?? {}),
        },
      });
    },
    deleted(object) {
      gate.forget(object);
    },
  };
}
