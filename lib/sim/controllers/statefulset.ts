/** The StatefulSet controller: pods NAME-0..N-1 in order, claims from volumeClaimTemplates, rolling update from the highest ordinal. */
import { clone, getArray, getNumber, getObject, getString, isObject, type JsonObject } from '../json.ts';
import { type ControllerContext, templateHash } from './context.ts';
import type { Controller } from './manager.ts';
import { isPodActive, isPodReady } from './pods.ts';
import { podFromTemplate } from './replicaset.ts';
import { ensureControllerRevision } from './revisions.ts';

const REVISION_LABEL = 'controller-revision-hash';

export function createStatefulSetController(context: ControllerContext): Controller {
  const { client } = context;

  const ensureClaims = (sts: JsonObject, ordinal: number): Array<{ name: string; claimName: string }> => {
    const stsName = getString(sts, ['metadata', 'name']) ?? '';
    const namespace = getString(sts, ['metadata', 'namespace']) ?? '';
    const volumes: Array<{ name: string; claimName: string }> = [];
    for (const template of getArray(sts, ['spec', 'volumeClaimTemplates']).filter(isObject)) {
      const name = getString(template, ['metadata', 'name']) ?? '';
      const claimName = `${name}-${stsName}-${ordinal}`;
      if (!client.get('PersistentVolumeClaim', namespace, claimName)) {
        client.create('PersistentVolumeClaim', {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name: claimName,
            namespace,
            labels: clone(getObject(sts, ['spec', 'selector', 'matchLabels']) ?? {}),
          },
          spec: clone(getObject(template, ['spec']) ?? {}),
        });
      }
      volumes.push({ name, claimName });
    }
    return volumes;
  };

  const createPod = (sts: JsonObject, ordinal: number, revision: string): void => {
    const stsName = getString(sts, ['metadata', 'name']) ?? '';
    const podName = `${stsName}-${ordinal}`;
    const pod = podFromTemplate(sts, podName, {
      [REVISION_LABEL]: revision,
      'statefulset.kubernetes.io/pod-name': podName,
      'apps.kubernetes.io/pod-index': String(ordinal),
    });
    const spec = pod.spec as JsonObject;
    spec.hostname = podName;
    const service = getString(sts, ['spec', 'serviceName']);
    if (service) spec.subdomain = service;
    const claims = ensureClaims(sts, ordinal);
    if (claims.length > 0) {
      spec.volumes = [
        ...getArray(spec, ['volumes']),
        ...claims.map((c) => ({ name: c.name, persistentVolumeClaim: { claimName: c.claimName } })),
      ];
    }
    client.create('Pod', pod);
  };

  return {
    kind: 'StatefulSet',
    reconcile(key) {
      const sts = client.get('StatefulSet', key.namespace, key.name);
      if (!sts || getObject(sts, ['metadata'])?.deletionTimestamp) return;
      const replicas = getNumber(sts, ['spec', 'replicas']) ?? 1;
      const updateRevision = ensureControllerRevision(
        context,
        sts,
        templateHash(getObject(sts, ['spec', 'template'])),
        [getString(sts, ['status', 'currentRevision']) ?? ''],
      );
      const parallel = getString(sts, ['spec', 'podManagementPolicy']) === 'Parallel';
      const pods = client.owned('Pod', sts).filter(isPodActive);
      const byOrdinal = new Map(
        pods.map((pod) => [
          Number((getString(pod, ['metadata', 'name']) ?? '').slice(key.name.length + 1)),
          pod,
        ]),
      );
      let blocked = false;
      for (let ordinal = 0; ordinal < replicas && !blocked; ordinal += 1) {
        const pod = byOrdinal.get(ordinal);
        if (!pod) {
          createPod(sts, ordinal, updateRevision);
          blocked = !parallel;
        } else if (!isPodReady(pod) && !parallel) blocked = true;
      }
      if (!blocked) {
        const extra = [...byOrdinal.entries()]
          .filter(([ordinal]) => ordinal >= replicas)
          .sort(([a], [b]) => b - a);
        const [highest] = extra;
        if (highest) client.delete('Pod', highest[1]);
        else {
          const partition = getNumber(sts, ['spec', 'updateStrategy', 'rollingUpdate', 'partition']) ?? 0;
          const rolling = getString(sts, ['spec', 'updateStrategy', 'type']) !== 'OnDelete';
          const stale = [...byOrdinal.entries()]
            .filter(
              ([ordinal, pod]) =>
                ordinal >= partition &&
                getString(pod, ['metadata', 'labels', REVISION_LABEL]) !== updateRevision,
            )
            .sort(([a], [b]) => b - a);
          const [first] = stale;
          if (rolling && first && pods.every(isPodReady)) client.delete('Pod', first[1]);
        }
      }
      const current = client.owned('Pod', sts).filter(isPodActive);
      const ready = current.filter(isPodReady).length;
      const updated = current.filter(
        (pod) => getString(pod, ['metadata', 'labels', REVISION_LABEL]) === updateRevision,
      ).length;
      const previousCurrent = getString(sts, ['status', 'currentRevision']) ?? updateRevision;
      const currentRevision =
        updated === replicas && current.length === replicas ? updateRevision : previousCurrent;
      const status: JsonObject = {
        observedGeneration: getNumber(sts, ['metadata', 'generation']) ?? 1,
        replicas: current.length,
        readyReplicas: ready,
        currentReplicas: current.filter(
          (pod) => getString(pod, ['metadata', 'labels', REVISION_LABEL]) === currentRevision,
        ).length,
        updatedReplicas: updated,
        availableReplicas: ready,
        currentRevision,
        updateRevision,
        collisionCount: 0,
      };
      if (ready === 0) delete status.readyReplicas;
      client.updateStatus('StatefulSet', { ...sts, status });
    },
  };
}
