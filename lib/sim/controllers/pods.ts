/**
 * The kubelet: pods are scheduled on the one simulated node and their containers start one step
 * later. Images chosen to fail do what they do on a node: unpullable images go ErrImagePull then
 * ImagePullBackOff; images named `crashloop` start, exit 1 and sit in CrashLoopBackOff.
 */
import { clone, getArray, getObject, getString, isObject, type JsonObject, type JsonValue } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import { type ControllerContext, NODE_IP, NODE_NAME } from './context.ts';
import { type EventType, recordEvent } from './events.ts';
import type { Controller, ReconcileKey, WorkQueue } from './manager.ts';

type ContainerFate = 'run' | 'unpullable' | 'crashloop' | 'fail' | 'complete';

export function isPodReady(pod: JsonObject): boolean {
  return getArray(pod, ['status', 'conditions']).some(
    (c) => isObject(c) && c.type === 'Ready' && c.status === 'True',
  );
}

export function isPodActive(pod: JsonObject): boolean {
  const phase = getString(pod, ['status', 'phase']);
  return !getObject(pod, ['metadata'])?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

/** What the kubelet reports about each container it just started, or failed to. */
function recordContainerEvents(context: ControllerContext, pod: JsonObject): void {
  const kubelet = (type: EventType, reason: string, message: string) =>
    recordEvent(context, pod, { type, reason, message, component: 'kubelet' });
  for (const status of getArray(pod, ['status', 'containerStatuses']).filter(isObject)) {
    const name = String(status.name ?? '');
    const image = String(status.image ?? '');
    const waiting = getString(status, ['state', 'waiting', 'reason']);
    const message = getString(status, ['state', 'waiting', 'message']) ?? '';
    if (waiting === 'ErrImagePull') {
      kubelet('Warning', 'Failed', message);
      kubelet('Warning', 'Failed', MESSAGES.errorReason('ErrImagePull'));
    } else if (waiting === 'ImagePullBackOff') {
      kubelet('Normal', 'BackOff', message);
      kubelet('Warning', 'Failed', MESSAGES.errorReason('ImagePullBackOff'));
    } else {
      kubelet('Normal', 'Pulled', MESSAGES.imagePresent(image));
      kubelet('Normal', 'Created', MESSAGES.containerCreated(name));
      kubelet('Normal', 'Started', MESSAGES.containerStarted(name));
      if (waiting === 'CrashLoopBackOff')
        kubelet(
          'Warning',
          'BackOff',
          MESSAGES.restartBackOff(
            name,
            getString(pod, ['metadata', 'name']) ?? '',
            getString(pod, ['metadata', 'namespace']) ?? '',
            getString(pod, ['metadata', 'uid']) ?? '',
          ),
        );
    }
  }
}

export function createPodController(context: ControllerContext): Controller {
  const lastStep = new Map<string, number>();
  let nextIp = 10;

  const fateOf = (pod: JsonObject, image: string): ContainerFate => {
    if (context.cluster.unpullable.some((pattern) => image.includes(pattern))) return 'unpullable';
    const restartPolicy = getString(pod, ['spec', 'restartPolicy']);
    // A crashing container restarts under Always and OnFailure; under Never the pod fails.
    if (image.includes('crashloop')) return restartPolicy === 'Never' ? 'fail' : 'crashloop';
    return restartPolicy === 'Always' ? 'run' : 'complete';
  };

  const conditions = (
    ready: boolean,
    reason: string | undefined,
    message: string | undefined,
    now: string,
  ): JsonObject[] => {
    const notReady = ready ? {} : { ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
    return [
      { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        lastProbeTime: null,
        lastTransitionTime: now,
        ...notReady,
      },
      {
        type: 'ContainersReady',
        status: ready ? 'True' : 'False',
        lastProbeTime: null,
        lastTransitionTime: now,
        ...notReady,
      },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
    ];
  };

  const startContainers = (pod: JsonObject, backOff: boolean): JsonObject => {
    const now = context.now();
    const name = getString(pod, ['metadata', 'name']) ?? '';
    const uid = getString(pod, ['metadata', 'uid']) ?? '';
    const statuses: JsonObject[] = [];
    const fates: ContainerFate[] = [];
    for (const container of getArray(pod, ['spec', 'containers']).filter(isObject)) {
      const image = String(container.image ?? '');
      const fate = fateOf(pod, image);
      fates.push(fate);
      const base = {
        name: String(container.name ?? ''),
        image,
        imageID: '',
        started: false,
        ready: false,
        restartCount: 0,
      };
      if (fate === 'unpullable') {
        statuses.push({
          ...base,
          state: backOff
            ? { waiting: { reason: 'ImagePullBackOff', message: MESSAGES.imagePullBackOff(image) } }
            : { waiting: { reason: 'ErrImagePull', message: MESSAGES.errImagePull(image) } },
        });
      } else if (fate === 'crashloop') {
        statuses.push({
          ...base,
          imageID: `${image}@sha256:0`,
          containerID: `containerd://${uid.replace(/-/g, '')}`,
          restartCount: 1,
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now } },
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: MESSAGES.crashLoopBackOff(String(container.name ?? ''), name, uid),
            },
          },
        });
      } else if (fate === 'fail') {
        statuses.push({
          ...base,
          imageID: `${image}@sha256:0`,
          state: { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now } },
        });
      } else if (fate === 'complete') {
        statuses.push({
          ...base,
          imageID: `${image}@sha256:0`,
          state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } },
        });
      } else {
        statuses.push({
          ...base,
          imageID: `${image}@sha256:0`,
          started: true,
          ready: true,
          state: { running: { startedAt: now } },
        });
      }
    }
    const ready = fates.every((f) => f === 'run');
    const completed = fates.every((f) => f === 'complete');
    const failed = fates.some((f) => f === 'fail');
    const unready = statuses.filter((s) => s.ready !== true).map((s) => s.name);
    const status: JsonObject = clone(getObject(pod, ['status']) ?? {});
    status.phase = failed
      ? 'Failed'
      : completed
        ? 'Succeeded'
        : fates.some((f) => f === 'unpullable')
          ? 'Pending'
          : 'Running';
    status.conditions =
      completed || failed
        ? conditions(false, failed ? 'PodFailed' : 'PodCompleted', undefined, now)
        : conditions(
            ready,
            ready ? undefined : 'ContainersNotReady',
            ready ? undefined : `containers with unready status: [${unready.join(' ')}]`,
            now,
          );
    status.hostIP = NODE_IP;
    status.hostIPs = [{ ip: NODE_IP }];
    if (!status.podIP) {
      nextIp += 1;
      status.podIP = `10.244.${Math.floor(nextIp / 250)}.${nextIp % 250}`;
      status.podIPs = [{ ip: status.podIP }];
    }
    status.startTime = status.startTime ?? now;
    status.containerStatuses = statuses;
    return { ...pod, status };
  };

  const stage = (pod: JsonObject): 'schedule' | 'start' | 'backoff' | 'done' => {
    if (!getString(pod, ['spec', 'nodeName'])) return 'schedule';
    const statuses = getArray(pod, ['status', 'containerStatuses']);
    const creating = (status: JsonValue) =>
      getString(status, ['state', 'waiting', 'reason']) === 'ContainerCreating';
    if (statuses.length === 0 || statuses.every(creating)) return 'start';
    if (statuses.some((s) => getString(s, ['state', 'waiting', 'reason']) === 'ErrImagePull'))
      return 'backoff';
    return 'done';
  };

  return {
    kind: 'Pod',
    reconcile(key: ReconcileKey, queue: WorkQueue) {
      const pod = context.client.get('Pod', key.namespace, key.name);
      if (!pod || getObject(pod, ['metadata'])?.deletionTimestamp) return;
      const uid = getString(pod, ['metadata', 'uid']) ?? '';
      const current = stage(pod);
      if (current === 'done') return;
      const due = (lastStep.get(uid) ?? context.nowMs()) + context.stepMs;
      if (!lastStep.has(uid)) lastStep.set(uid, context.nowMs());
      if (context.nowMs() < due) {
        queue.add('Pod', key, due - context.nowMs());
        return;
      }
      lastStep.set(uid, context.nowMs());
      if (current === 'schedule') {
        const scheduled = clone(pod);
        (scheduled.spec as JsonObject).nodeName = NODE_NAME;
        const stored = context.client.update('Pod', scheduled, 'kube-scheduler');
        if (stored) {
          const now = context.now();
          recordEvent(context, stored, {
            type: 'Normal',
            reason: 'Scheduled',
            message: MESSAGES.podScheduled(key.namespace, key.name, NODE_NAME),
            component: 'default-scheduler',
          });
          context.client.updateStatus(
            'Pod',
            {
              ...stored,
              status: {
                ...(getObject(stored, ['status']) ?? {}),
                conditions: [
                  { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
                ],
                // What the kubelet reports while it pulls images and creates containers.
                containerStatuses: getArray(stored, ['spec', 'containers'])
                  .filter(isObject)
                  .map((container) => ({
                    name: String(container.name ?? ''),
                    image: String(container.image ?? ''),
                    imageID: '',
                    ready: false,
                    started: false,
                    restartCount: 0,
                    state: { waiting: { reason: 'ContainerCreating' } },
                  })),
              },
            },
            'kubelet',
          );
        }
        return;
      }
      const started = startContainers(pod, current === 'backoff');
      const stored = context.client.updateStatus('Pod', started, 'kubelet');
      if (stored) recordContainerEvents(context, stored);
    },
    deleted(object) {
      lastStep.delete(getString(object, ['metadata', 'uid']) ?? '');
    },
  };
}
