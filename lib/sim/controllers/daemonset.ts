/** The DaemonSet controller: one pod on the one simulated node, replaced when the template changes. */
import { getNumber, getObject, getString, type JsonObject } from '../json.ts';
import { type ControllerContext, NODE_NAME, templateHash } from './context.ts';
import type { Controller } from './manager.ts';
import { isPodActive, isPodReady } from './pods.ts';
import { generatedPod } from './replicaset.ts';
import { ensureControllerRevision } from './revisions.ts';

const REVISION_LABEL = 'controller-revision-hash';

export function createDaemonSetController(context: ControllerContext): Controller {
  const { client } = context;
  return {
    kind: 'DaemonSet',
    reconcile(key) {
      const ds = client.get('DaemonSet', key.namespace, key.name);
      if (!ds || getObject(ds, ['metadata'])?.deletionTimestamp) return;
      const hash = templateHash(getObject(ds, ['spec', 'template']));
      ensureControllerRevision(context, ds, hash);
      const pods = client.owned('Pod', ds).filter(isPodActive);
      const stale = pods.filter((pod) => getString(pod, ['metadata', 'labels', REVISION_LABEL]) !== hash);
      for (const pod of stale) client.delete('Pod', pod);
      if (pods.length === stale.length) {
        const pod = generatedPod(context, ds, key.name, { [REVISION_LABEL]: hash });
        (pod.spec as JsonObject).nodeName = NODE_NAME;
        client.create('Pod', pod);
      }
      const current = client.owned('Pod', ds).filter(isPodActive);
      const ready = current.filter(isPodReady).length;
      const updated = current.filter(
        (pod) => getString(pod, ['metadata', 'labels', REVISION_LABEL]) === hash,
      ).length;
      const status: JsonObject = {
        currentNumberScheduled: current.length,
        desiredNumberScheduled: 1,
        numberMisscheduled: 0,
        numberReady: ready,
        numberAvailable: ready,
        updatedNumberScheduled: updated,
        observedGeneration: getNumber(ds, ['metadata', 'generation']) ?? 1,
      };
      if (ready < 1) {
        status.numberUnavailable = 1 - ready;
        delete status.numberAvailable;
      }
      client.updateStatus('DaemonSet', { ...ds, status });
    },
  };
}
