/**
 * The Deployment controller: one ReplicaSet per pod template, rolled over within maxSurge and
 * maxUnavailable, with the status and conditions `kubectl rollout status` reads, including
 * ProgressDeadlineExceeded. Deadlines scale with the step delay (1000 ms per step = real seconds).
 */

import { child, clone, getNumber, getObject, getString, type JsonObject } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import { ownerReference } from './client.ts';
import { type ControllerContext, resolveIntOrPercent, templateHash } from './context.ts';
import { computeDeploymentStatus } from './deployment-status.ts';
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
      message: MESSAGES.scaledReplicaSet(
        replicas > before ? 'up' : 'down',
        getString(rs, ['metadata', 'name']) ?? '',
        before,
        replicas,
      ),
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
    const uid = getString(deployment, ['metadata', 'uid']) ?? '';
    const signature = JSON.stringify([
      getString(newRs, ['metadata', 'name']),
      getNumber(deployment, ['spec', 'replicas']),
      ...all.map((rs) => [
        getNumber(rs, ['status', 'replicas']),
        getNumber(rs, ['status', 'availableReplicas']),
        getNumber(rs, ['status', 'readyReplicas']),
      ]),
    ]);
    const last = lastProgress.get(uid);
    const moved = !last || last.signature !== signature;
    if (moved) lastProgress.set(uid, { at: context.nowMs(), signature });
    const { status, recheckInMs } = computeDeploymentStatus({
      deployment,
      newReplicaSet: newRs,
      replicaSets: all,
      progress: {
        moved,
        sinceProgressMs: context.nowMs() - (lastProgress.get(uid)?.at ?? context.nowMs()),
        // Deadlines scale with the step: at the default 1000 ms per step they are real seconds.
        deadlineMs: (getNumber(deployment, ['spec', 'progressDeadlineSeconds']) ?? 600) * context.stepMs,
      },
      now: context.now(),
    });
    if (recheckInMs !== undefined) queue.add('Deployment', key, recheckInMs);
    client.updateStatus('Deployment', { ...deployment, status });
  };

  /** Keeps revisionHistoryLimit scaled-down old ReplicaSets (the newest ones), deletes the rest. */
  const cleanUpHistory = (deployment: JsonObject, old: JsonObject[]): void => {
    const limit = getNumber(deployment, ['spec', 'revisionHistoryLimit']) ?? 10;
    const idle = old
      .filter((rs) => replicasOf(rs) === 0 && (getNumber(rs, ['status', 'replicas']) ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) client.delete('ReplicaSet', rs);
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
      cleanUpHistory(deployment, old);
    },
    deleted(object) {
      lastProgress.delete(getString(object, ['metadata', 'uid']) ?? '');
    },
  };
}
