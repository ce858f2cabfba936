/** The ReplicaSet controller: keeps spec.replicas pods alive and reports how many are ready. */

import { clone, getNumber, getObject, getString, type JsonObject } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import { ownerReference } from './client.ts';
import type { ControllerContext } from './context.ts';
import { recordEvent } from './events.ts';
import type { Controller, ReconcileKey } from './manager.ts';
import { isPodActive, isPodReady } from './pods.ts';

/**
 * A pod stamped from a template, owned by `owner`. `generateName` is what the real controllers set
 * for pods whose names they make up (`<owner>-`), which clients such as helm's waiters read.
 */
export function podFromTemplate(
  owner: JsonObject,
  name: string,
  extraLabels: Record<string, string> = {},
  generateName?: string,
): JsonObject {
  const template = getObject(owner, ['spec', 'template']) ?? {};
  const templateMetadata = getObject(template, ['metadata']) ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      ...(generateName === undefined ? {} : { generateName }),
      namespace: getString(owner, ['metadata', 'namespace']) ?? '',
      labels: { ...(getObject(templateMetadata, ['labels']) ?? {}), ...extraLabels },
      ...(templateMetadata.annotations ? { annotations: clone(templateMetadata.annotations) } : {}),
      ownerReferences: [ownerReference(owner)],
    },
    spec: clone(getObject(template, ['spec']) ?? {}),
  };
}

/** A pod named as the API server names one created with generateName `<owner>-`. */
export function generatedPod(
  context: ControllerContext,
  owner: JsonObject,
  ownerName: string,
  extraLabels: Record<string, string> = {},
): JsonObject {
  return podFromTemplate(owner, `${ownerName}-${context.randomSuffix()}`, extraLabels, `${ownerName}-`);
}

export function createReplicaSetController(context: ControllerContext): Controller {
  const { client } = context;
  return {
    kind: 'ReplicaSet',
    reconcile(key: ReconcileKey) {
      const rs = client.get('ReplicaSet', key.namespace, key.name);
      if (!rs || getObject(rs, ['metadata'])?.deletionTimestamp) return;
      const wanted = getNumber(rs, ['spec', 'replicas']) ?? 1;
      let pods = client.owned('Pod', rs).filter(isPodActive);
      if (pods.length < wanted) {
        for (let i = pods.length; i < wanted; i += 1) {
          const created = client.create('Pod', generatedPod(context, rs, key.name));
          if (created) {
            pods.push(created);
            recordEvent(context, rs, {
              type: 'Normal',
              reason: 'SuccessfulCreate',
              message: MESSAGES.podCreated(getString(created, ['metadata', 'name']) ?? ''),
              component: 'replicaset-controller',
            });
          }
        }
      } else if (pods.length > wanted) {
        // Not-ready pods go first, then the newest, as the real controller ranks them.
        const ranked = [...pods].sort((a, b) => {
          const readiness = Number(isPodReady(a)) - Number(isPodReady(b));
          if (readiness !== 0) return readiness;
          return (getString(b, ['metadata', 'creationTimestamp']) ?? '').localeCompare(
            getString(a, ['metadata', 'creationTimestamp']) ?? '',
          );
        });
        const doomed = ranked.slice(0, pods.length - wanted);
        for (const pod of doomed) {
          client.delete('Pod', pod);
          recordEvent(context, rs, {
            type: 'Normal',
            reason: 'SuccessfulDelete',
            message: MESSAGES.podDeleted(getString(pod, ['metadata', 'name']) ?? ''),
            component: 'replicaset-controller',
          });
        }
        pods = pods.filter((pod) => !doomed.includes(pod));
      }
      const ready = pods.filter(isPodReady).length;
      const status: JsonObject = {
        replicas: pods.length,
        fullyLabeledReplicas: pods.length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: getNumber(rs, ['metadata', 'generation']) ?? 1,
      };
      if (ready === 0) {
        delete status.readyReplicas;
        delete status.availableReplicas;
      }
      if (pods.length === 0) delete status.fullyLabeledReplicas;
      client.updateStatus('ReplicaSet', { ...rs, status });
    },
  };
}
