/**
 * The Deployment controller: one ReplicaSet per pod template, rolled over within maxSurge and
 * maxUnavailable, with the status and conditions `kubectl rollout status` reads, including
 * ProgressDeadlineExceeded. Deadlines scale with the step delay (1000 ms per step = real seconds).
 */
import { child, clone, getNumber, getObject, getString, type JsonObject } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import { conditionsOf, ownerReference, setCondition } from './client.ts';
import { type ControllerContext, resolveIntOrPercent, templateHash } from './context.ts';
import { recordEvent } from './events.ts';
import type { Controller, ReconcileKey, WorkQueue } from './manager.ts';

const REVISION = 'deployment.kubernetes.io/revision';

const replicasOf = (rs: JsonObject) => getNumber(rs, ['spec', 'replicas']) ?? 0;
const availableOf = (rs: JsonObject) => getNumber(rs, ['status', 'availableReplicas']) ?? 0;
const revisionOf = (o: JsonObject) => Number(getString(o, ['metadata', 'annotations', REVISION]) ?? 0);

export function createDeploymentController(context: ControllerContext): Controller {
  const { client } = context;
  const lastProgress = new Map<string, { at: number; signature: string }>();

  let current: JsonObject = {};
  const scale = (rs: JsonObject, replicas: number): void => {
    const before = replicasOf(rs);
    if (before === replicas) return;
    const next = clone(rs);
    (next.spec as JsonObject).replicas = replicas;
    if (!client.update('ReplicaSet', next)) return;
    (rs.spec as JsonObject).replicas = replicas;
    recordEvent(context, current, {
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled ${replicas > before ? 'up' : 'down'} replica set ${getString(rs, ['metadata', 'name'])} from ${before} to ${replicas}`,
      component: 'deployment-controller',
    });
  };

  const newReplicaSet = (deployment: JsonObject, hash: string, revision: number): JsonObject | undefined => {
    const name = getString(deployment, ['metadata', 'name']) ?? '';
    const template = clone(getObject(deployment, ['spec', 'template']) ?? {});
    const templateMetadata = child(template, 'metadata');
    templateMetadata.labels = {
      ...(getObject(templateMetadata, ['labels']) ?? {}),
      'pod-template-hash': hash,
    };
    const selector = clone(getObject(deployment, ['spec', 'selector']) ?? {});
    selector.matchLabels = { ...(getObject(selector, ['matchLabels']) ?? {}), 'pod-template-hash': hash };
    return client.create('ReplicaSet', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${name}-${hash}`,
        namespace: getString(deployment, ['metadata', 'namespace']) ?? '',
        labels: templateMetadata.labels,
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(
            getNumber(deployment, ['spec', 'replicas']) ?? 1,
          ),
          'deployment.kubernetes.io/max-replicas': String(getNumber(deployment, ['spec', 'replicas']) ?? 1),
          [REVISION]: String(revision),
        },
        ownerReferences: [ownerReference(deployment)],
      },
      spec: {
        replicas: 0,
        selector,
        template,
        minReadySeconds: getNumber(deployment, ['spec', 'minReadySeconds']) ?? 0,
      },
    });
  };

  const rollRecreate = (replicas: number, newRs: JsonObject, old: JsonObject[]): void => {
    for (const rs of old) scale(rs, 0);
    if (old.every((rs) => (getNumber(rs, ['status', 'replicas']) ?? 0) === 0)) scale(newRs, replicas);
  };

  const rollRolling = (
    deployment: JsonObject,
    replicas: number,
    newRs: JsonObject,
    old: JsonObject[],
  ): void => {
    const strategy = getObject(deployment, ['spec', 'strategy', 'rollingUpdate']) ?? {};
    const maxSurge = resolveIntOrPercent(strategy.maxSurge, replicas, true);
    let maxUnavailable = resolveIntOrPercent(strategy.maxUnavailable, replicas, false);
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const all = [newRs, ...old];
    const total = all.reduce((sum, rs) => sum + replicasOf(rs), 0);
    if (replicasOf(newRs) > replicas) scale(newRs, replicas);
    else if (replicasOf(newRs) < replicas) {
      const room = Math.max(0, replicas + maxSurge - total);
      scale(newRs, Math.min(replicas, replicasOf(newRs) + room));
    }
    const minAvailable = replicas - maxUnavailable;
    const newUnavailable = replicasOf(newRs) - availableOf(newRs);
    let maxScaledDown = all.reduce((sum, rs) => sum + replicasOf(rs), 0) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return;
    const oldest = [...old].sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of oldest) {
      const unhealthy = Math.min(maxScaledDown, replicasOf(rs) - availableOf(rs));
      if (unhealthy > 0) {
        scale(rs, replicasOf(rs) - unhealthy);
        maxScaledDown -= unhealthy;
      }
    }
    let canScaleDown = all.reduce((sum, rs) => sum + availableOf(rs), 0) - minAvailable;
    for (const rs of oldest) {
      if (canScaleDown <= 0) break;
      const step = Math.min(replicasOf(rs), canScaleDown);
      if (step > 0) {
        scale(rs, replicasOf(rs) - step);
        canScaleDown -= step;
      }
    }
  };

  const writeStatus = (
    deployment: JsonObject,
    newRs: JsonObject,
    all: JsonObject[],
    queue: WorkQueue,
    key: ReconcileKey,
  ): void => {
    const replicas = getNumber(deployment, ['spec', 'replicas']) ?? 1;
    const sum = (path: string[]) => all.reduce((total, rs) => total + (getNumber(rs, path) ?? 0), 0);
    const statusReplicas = sum(['status', 'replicas']);
    const updated = getNumber(newRs, ['status', 'replicas']) ?? 0;
    const ready = sum(['status', 'readyReplicas']);
    const available = sum(['status', 'availableReplicas']);
    const strategy = getObject(deployment, ['spec', 'strategy', 'rollingUpdate']) ?? {};
    const maxUnavailable =
      getString(deployment, ['spec', 'strategy', 'type']) === 'Recreate'
        ? 0
        : resolveIntOrPercent(strategy.maxUnavailable, replicas, false);
    const now = context.now();
    const uid = getString(deployment, ['metadata', 'uid']) ?? '';
    const rsName = getString(newRs, ['metadata', 'name']) ?? '';
    const signature = JSON.stringify([rsName, statusReplicas, updated, ready, available, replicas]);
    const progress = lastProgress.get(uid);
    const moved = !progress || progress.signature !== signature;
    if (moved) lastProgress.set(uid, { at: context.nowMs(), signature });
    const complete = updated === replicas && statusReplicas === replicas && available === replicas;
    let conditions = conditionsOf(deployment);
    const previousProgressing = conditions.find((c) => c.type === 'Progressing');
    conditions = setCondition(
      conditions,
      available >= replicas - maxUnavailable
        ? {
            type: 'Available',
            status: 'True',
            lastUpdateTime: now,
            reason: 'MinimumReplicasAvailable',
            message: MESSAGES.minimumAvailable,
          }
        : {
            type: 'Available',
            status: 'False',
            lastUpdateTime: now,
            reason: 'MinimumReplicasUnavailable',
            message: MESSAGES.noMinimumAvailable,
          },
      now,
    );
    const deadlineMs = (getNumber(deployment, ['spec', 'progressDeadlineSeconds']) ?? 600) * context.stepMs;
    const sinceProgress = context.nowMs() - (lastProgress.get(uid)?.at ?? context.nowMs());
    const timedOut =
      (previousProgressing?.reason === 'ProgressDeadlineExceeded' &&
        previousProgressing.message === MESSAGES.progressDeadline(rsName)) ||
      sinceProgress >= deadlineMs;
    let progressing: JsonObject;
    if (complete) {
      progressing = {
        type: 'Progressing',
        status: 'True',
        lastUpdateTime: now,
        reason: 'NewReplicaSetAvailable',
        message: MESSAGES.newReplicaSetAvailable(rsName),
      };
    } else if (timedOut) {
      progressing = {
        type: 'Progressing',
        status: 'False',
        lastUpdateTime: now,
        reason: 'ProgressDeadlineExceeded',
        message: MESSAGES.progressDeadline(rsName),
      };
    } else {
      progressing = {
        type: 'Progressing',
        status: 'True',
        lastUpdateTime: now,
        reason: 'ReplicaSetUpdated',
        message: MESSAGES.replicaSetUpdated(rsName),
      };
      queue.add('Deployment', key, Math.max(1, deadlineMs - sinceProgress + 1));
    }
    const sameProgressing =
      previousProgressing !== undefined &&
      previousProgressing.reason === progressing.reason &&
      previousProgressing.message === progressing.message &&
      previousProgressing.status === progressing.status;
    if (sameProgressing && (!moved || progressing.reason !== 'ReplicaSetUpdated')) {
      progressing.lastUpdateTime = previousProgressing.lastUpdateTime ?? now;
    }
    const available0 = conditions.find((c) => c.type === 'Available');
    if (
      available0 &&
      conditionsOf(deployment).find((c) => c.type === 'Available')?.status === available0.status
    ) {
      available0.lastUpdateTime =
        conditionsOf(deployment).find((c) => c.type === 'Available')?.lastUpdateTime ?? now;
    }
    conditions = setCondition(conditions, progressing, now);
    const status: JsonObject = {
      observedGeneration: getNumber(deployment, ['metadata', 'generation']) ?? 1,
      replicas: statusReplicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      unavailableReplicas: Math.max(0, statusReplicas - available),
      conditions,
    };
    for (const field of [
      'replicas',
      'updatedReplicas',
      'readyReplicas',
      'availableReplicas',
      'unavailableReplicas',
    ]) {
      if (status[field] === 0) delete status[field];
    }
    client.updateStatus('Deployment', { ...deployment, status });
  };

  return {
    kind: 'Deployment',
    reconcile(key, queue) {
      const deployment = client.get('Deployment', key.namespace, key.name);
      if (!deployment || getObject(deployment, ['metadata'])?.deletionTimestamp) return;
      current = deployment;
      const replicas = getNumber(deployment, ['spec', 'replicas']) ?? 1;
      const hash = templateHash(getObject(deployment, ['spec', 'template']));
      const owned = client.owned('ReplicaSet', deployment);
      let newRs = owned.find((rs) => getString(rs, ['metadata', 'labels', 'pod-template-hash']) === hash);
      const old = owned.filter((rs) => rs !== newRs);
      const maxRevision = Math.max(0, ...owned.map(revisionOf));
      if (!newRs) {
        newRs = newReplicaSet(deployment, hash, maxRevision + 1);
        if (!newRs) return;
      } else if (revisionOf(newRs) < maxRevision) {
        // Rolling back to an older template makes its ReplicaSet the newest revision again.
        const bumped = clone(newRs);
        ((bumped.metadata as JsonObject).annotations as JsonObject)[REVISION] = String(maxRevision + 1);
        newRs = client.update('ReplicaSet', bumped) ?? newRs;
      }
      const revision = getString(newRs, ['metadata', 'annotations', REVISION]) ?? '1';
      if (getString(deployment, ['metadata', 'annotations', REVISION]) !== revision) {
        const annotated = clone(deployment);
        const metadata = annotated.metadata as JsonObject;
        metadata.annotations = { ...(getObject(metadata, ['annotations']) ?? {}), [REVISION]: revision };
        client.update('Deployment', annotated);
        return;
      }
      if (getString(deployment, ['spec', 'strategy', 'type']) === 'Recreate')
        rollRecreate(replicas, newRs, old);
      else rollRolling(deployment, replicas, newRs, old);
      writeStatus(deployment, newRs, [newRs, ...old], queue, key);
    },
    deleted(object) {
      lastProgress.delete(getString(object, ['metadata', 'uid']) ?? '');
    },
  };
}
