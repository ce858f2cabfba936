import { HEALTH } from './messages.ts';
import type { KubeObject } from './types.ts';

/** kstatus-style state of one object: done, still moving, or stuck for good. */
export type HealthState = 'ready' | 'progressing' | 'failed';

export interface Health {
  state: HealthState;
  /** Why the object is not ready yet, or why it failed; empty when ready. */
  reason: string;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

type Json = Record<string, unknown>;

const READY: Health = { state: 'ready', reason: '' };
const progressing = (reason: string): Health => ({ state: 'progressing', reason });
const failed = (reason: string): Health => ({ state: 'failed', reason });

function field(object: unknown, ...path: string[]): unknown {
  let current = object;
  for (const key of path) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Json)[key];
  }
  return current;
}

const num = (value: unknown, fallback = 0): number => (typeof value === 'number' ? value : fallback);

function conditions(object: KubeObject): Condition[] {
  const list = field(object, 'status', 'conditions');
  return Array.isArray(list) ? (list as Condition[]) : [];
}

function condition(object: KubeObject, type: string): Condition | undefined {
  return conditions(object).find((c) => c.type === type);
}

/** The controller has not looked at the latest spec yet: nothing in status can be trusted. */
function staleGeneration(object: KubeObject): Health | undefined {
  const generation = object.metadata.generation;
  const observed = field(object, 'status', 'observedGeneration');
  if (typeof generation === 'number' && num(observed, -1) < generation) {
    return progressing(HEALTH.staleGeneration(generation));
  }
  return undefined;
}

function deploymentHealth(object: KubeObject): Health {
  const stale = staleGeneration(object);
  if (stale) return stale;
  const progress = condition(object, 'Progressing');
  if (progress?.reason === 'ProgressDeadlineExceeded') {
    return failed(HEALTH.progressDeadline(progress.message));
  }
  const want = num(field(object, 'spec', 'replicas'), 1);
  const updated = num(field(object, 'status', 'updatedReplicas'));
  const total = num(field(object, 'status', 'replicas'));
  const available = num(field(object, 'status', 'availableReplicas'));
  if (updated < want) return progressing(HEALTH.count(updated, want, 'replicas updated'));
  if (total > updated) return progressing(HEALTH.oldReplicas(total - updated));
  if (available < want) return progressing(HEALTH.count(available, want, 'updated replicas available'));
  return READY;
}

function statefulSetHealth(object: KubeObject): Health {
  const stale = staleGeneration(object);
  if (stale) return stale;
  const want = num(field(object, 'spec', 'replicas'), 1);
  const ready = num(field(object, 'status', 'readyReplicas'));
  const strategy = field(object, 'spec', 'updateStrategy', 'type') ?? 'RollingUpdate';
  if (strategy === 'RollingUpdate') {
    const partition = num(field(object, 'spec', 'updateStrategy', 'rollingUpdate', 'partition'));
    const updated = num(field(object, 'status', 'updatedReplicas'));
    if (updated < want - partition)
      return progressing(HEALTH.count(updated, want - partition, 'replicas updated'));
    const current = field(object, 'status', 'currentRevision');
    const update = field(object, 'status', 'updateRevision');
    if (partition === 0 && update !== undefined && current !== update) {
      return progressing(HEALTH.revision(String(update), String(current)));
    }
  }
  if (ready < want) return progressing(HEALTH.count(ready, want, 'replicas ready'));
  return READY;
}

function daemonSetHealth(object: KubeObject): Health {
  const stale = staleGeneration(object);
  if (stale) return stale;
  const desired = num(field(object, 'status', 'desiredNumberScheduled'));
  const updated = num(field(object, 'status', 'updatedNumberScheduled'));
  const available = num(field(object, 'status', 'numberAvailable'));
  if (updated < desired) return progressing(HEALTH.count(updated, desired, 'pods updated'));
  if (available < desired) return progressing(HEALTH.count(available, desired, 'pods available'));
  return READY;
}

function replicaSetHealth(object: KubeObject): Health {
  const stale = staleGeneration(object);
  if (stale) return stale;
  const want = num(field(object, 'spec', 'replicas'), 1);
  const available = num(field(object, 'status', 'availableReplicas'));
  if (available < want) return progressing(HEALTH.count(available, want, 'replicas available'));
  return READY;
}

function jobHealth(object: KubeObject): Health {
  const failure = condition(object, 'Failed');
  if (failure?.status === 'True')
    return failed(HEALTH.condition(failure.reason ?? 'Failed', failure.message ?? HEALTH.jobFailed));
  if (condition(object, 'Complete')?.status === 'True') return READY;
  const succeeded = num(field(object, 'status', 'succeeded'));
  const completions = num(field(object, 'spec', 'completions'), 1);
  return progressing(HEALTH.count(succeeded, completions, 'completions'));
}

function podHealth(object: KubeObject): Health {
  const problem = podFailure(object);
  if (problem) return failed(HEALTH.condition(problem.reason, problem.detail));
  const phase = field(object, 'status', 'phase');
  if (phase === 'Succeeded') return READY;
  if (phase === 'Failed') return failed(HEALTH.podFailed(String(field(object, 'status', 'message') ?? '')));
  if (condition(object, 'Ready')?.status === 'True') return READY;
  return progressing(HEALTH.phase('pod', String(phase ?? 'Pending')));
}

function pvcHealth(object: KubeObject): Health {
  const phase = field(object, 'status', 'phase');
  if (phase === 'Bound') return READY;
  if (phase === 'Lost') return failed(HEALTH.claimLost);
  return progressing(HEALTH.phase('claim', String(phase ?? 'Pending')));
}

function serviceHealth(object: KubeObject): Health {
  if (field(object, 'spec', 'type') !== 'LoadBalancer') return READY;
  const ingress = field(object, 'status', 'loadBalancer', 'ingress');
  if (Array.isArray(ingress) && ingress.length > 0) return READY;
  return progressing(HEALTH.loadBalancer);
}

function crdHealth(object: KubeObject): Health {
  const names = condition(object, 'NamesAccepted');
  if (names?.status === 'False') return failed(HEALTH.condition('NamesNotAccepted', names.message ?? ''));
  if (condition(object, 'Established')?.status === 'True') return READY;
  return progressing(HEALTH.establishing);
}

/** Any other kind: kstatus' generic rules (Stalled fails, a Ready condition must be True). */
function genericHealth(object: KubeObject): Health {
  // As kstatus: a kind whose controller does not report observedGeneration (Ingress, ConfigMap, …) is current.
  const stale =
    field(object, 'status', 'observedGeneration') === undefined ? undefined : staleGeneration(object);
  if (stale) return stale;
  const stalled = condition(object, 'Stalled');
  if (stalled?.status === 'True')
    return failed(HEALTH.condition(stalled.reason ?? 'Stalled', stalled.message ?? ''));
  const ready = condition(object, 'Ready');
  if (ready && ready.status !== 'True')
    return progressing(HEALTH.notReady(String(ready.status), ready.message ?? ready.reason ?? ''));
  return READY;
}

const BY_KIND: Record<string, (object: KubeObject) => Health> = {
  Deployment: deploymentHealth,
  StatefulSet: statefulSetHealth,
  DaemonSet: daemonSetHealth,
  ReplicaSet: replicaSetHealth,
  Job: jobHealth,
  Pod: podHealth,
  PersistentVolumeClaim: pvcHealth,
  Service: serviceHealth,
  CustomResourceDefinition: crdHealth,
};

/**
 * The health of a live object, from its JSON alone. With `waitForJobs: false` a Job that has not
 * failed is ready (kstatus calls a running Job current; helm waits for completion only with
 * --wait-for-jobs).
 */
export function evaluateHealth(object: KubeObject, options: { waitForJobs?: boolean } = {}): Health {
  if (object.kind === 'Job' && options.waitForJobs === false) {
    const health = jobHealth(object);
    return health.state === 'failed' ? health : READY;
  }
  return (BY_KIND[object.kind] ?? genericHealth)(object);
}

/** Kinds whose pods are inspected to fail fast (they have `spec.selector` and a pod template). */
export const POD_OWNING_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
]);

// Waiting reasons that will not clear up by themselves: waiting longer only delays the bad news.
const HOPELESS_WAITING = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'CrashLoopBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
]);

export interface PodFailure {
  pod: string;
  container: string;
  reason: string;
  /** The image the container status names. */
  image: string;
  /** `image "repo:tag"` for pull failures, else the kubelet's message. */
  detail: string;
}

/** The first container of the pod stuck in a hopeless waiting state, or undefined. */
export function podFailure(pod: KubeObject): PodFailure | undefined {
  const statuses = [
    ...((field(pod, 'status', 'initContainerStatuses') as Json[] | undefined) ?? []),
    ...((field(pod, 'status', 'containerStatuses') as Json[] | undefined) ?? []),
  ];
  for (const status of statuses) {
    const waiting = field(status, 'state', 'waiting') as { reason?: string; message?: string } | undefined;
    if (!waiting?.reason || !HOPELESS_WAITING.has(waiting.reason)) continue;
    const pull = waiting.reason === 'ImagePullBackOff' || waiting.reason === 'ErrImagePull';
    return {
      pod: pod.metadata.name,
      container: String(status.name ?? ''),
      reason: waiting.reason,
      image: String(status.image ?? ''),
      detail: pull ? `image "${String(status.image ?? '')}"` : (waiting.message ?? waiting.reason),
    };
  }
  return undefined;
}

/** `pod web-7d6f-xq5js: ImagePullBackOff: image "…:v10"` */
export function describePodFailure(failure: PodFailure): string {
  return HEALTH.podFailure(failure.pod, failure.reason, failure.detail);
}

/** The images the object's pod template runs, by container name: pods running others are from an old revision. */
export function templateImages(object: KubeObject): Map<string, string> {
  const images = new Map<string, string>();
  const spec = field(object, 'spec', 'template', 'spec') as Json | undefined;
  for (const key of ['initContainers', 'containers']) {
    const list = spec?.[key];
    if (!Array.isArray(list)) continue;
    for (const c of list as Json[]) images.set(String(c.name), String(c.image));
  }
  return images;
}

/** Whether a container status' image is the template's: kubelets may report `docker.io/library/nginx:1` for `nginx:1`. */
export function sameImage(reported: string, wanted: string): boolean {
  return reported === wanted || reported.endsWith(`/${wanted}`) || wanted.endsWith(`/${reported}`);
}

/** Equality-based label selector text from `spec.selector` (matchLabels, or a bare map as on a Service). */
export function selectorOf(object: KubeObject): string | undefined {
  const selector = field(object, 'spec', 'selector') as Json | undefined;
  if (!selector) return undefined;
  const labels =
    (selector.matchLabels as Record<string, string> | undefined) ??
    (selector.matchExpressions ? undefined : (selector as Record<string, string>));
  if (!labels || Object.keys(labels).length === 0) return undefined;
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
