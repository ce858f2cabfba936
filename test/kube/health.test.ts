import { describe, expect, it } from 'vitest';
import {
  describePodFailure,
  evaluateHealth,
  podFailure,
  selectorOf,
  templateImages,
} from '../../lib/kube/health.ts';
import type { KubeObject } from '../../lib/kube/types.ts';

const deployment = (status: Record<string, unknown>, generation = 2): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', generation },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
  status: { observedGeneration: 2, ...status },
});

describe('health of workloads', () => {
  it('waits for the controller to observe the latest generation', () => {
    const health = evaluateHealth(
      deployment({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
    );
    expect(health).toEqual({
      state: 'progressing',
      reason: 'waiting for the controller to observe generation 2',
    });
  });

  it('reports a deployment mid-rollout and ready once all updated replicas are available', () => {
    expect(evaluateHealth(deployment({ replicas: 4, updatedReplicas: 2, availableReplicas: 3 })).reason).toBe(
      '2 of 3 replicas updated',
    );
    expect(evaluateHealth(deployment({ replicas: 4, updatedReplicas: 3, availableReplicas: 3 })).reason).toBe(
      '1 old replicas pending termination',
    );
    expect(evaluateHealth(deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 2 })).reason).toBe(
      '2 of 3 updated replicas available',
    );
    expect(evaluateHealth(deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 })).state).toBe(
      'ready',
    );
  });

  it('fails a deployment whose progress deadline passed', () => {
    const health = evaluateHealth(
      deployment({
        replicas: 3,
        updatedReplicas: 1,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "web-1" has timed out progressing.',
          },
        ],
      }),
    );
    expect(health).toEqual({
      state: 'failed',
      reason: 'ProgressDeadlineExceeded: ReplicaSet "web-1" has timed out progressing.',
    });
  });

  it('judges statefulsets, daemonsets, jobs, claims, services and CRDs by their own rules', () => {
    const sts: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', generation: 1 },
      spec: { replicas: 2 },
      status: {
        observedGeneration: 1,
        readyReplicas: 2,
        updatedReplicas: 2,
        currentRevision: 'db-1',
        updateRevision: 'db-2',
      },
    };
    expect(evaluateHealth(sts).state).toBe('progressing');
    expect(
      evaluateHealth({ ...sts, status: { ...(sts.status as object), currentRevision: 'db-2' } }).state,
    ).toBe('ready');
    const ds: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      status: { desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 },
    };
    expect(evaluateHealth(ds).reason).toBe('2 of 3 pods available');
    const job = (conditions: unknown[]): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate' },
      spec: {},
      status: { conditions },
    });
    expect(evaluateHealth(job([{ type: 'Complete', status: 'True' }])).state).toBe('ready');
    expect(
      evaluateHealth(
        job([
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ]),
      ),
    ).toEqual({
      state: 'failed',
      reason: 'BackoffLimitExceeded: Job has reached the specified backoff limit',
    });
    expect(
      evaluateHealth({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data' },
        status: { phase: 'Pending' },
      }).state,
    ).toBe('progressing');
    expect(
      evaluateHealth({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data' },
        status: { phase: 'Bound' },
      }).state,
    ).toBe('ready');
    const lb: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: {} },
    };
    expect(evaluateHealth(lb).reason).toBe('waiting for a load balancer address');
    expect(evaluateHealth({ ...lb, status: { loadBalancer: { ingress: [{ ip: '10.0.0.9' }] } } }).state).toBe(
      'ready',
    );
    expect(evaluateHealth({ ...lb, spec: { type: 'ClusterIP' } }).state).toBe('ready');
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      status: { conditions: [{ type: 'Established', status: 'True' }] },
    };
    expect(evaluateHealth(crd).state).toBe('ready');
  });

  it('needs a Ready condition to be True on any other kind', () => {
    const widget = (status: string): KubeObject => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      status: { conditions: [{ type: 'Ready', status, message: 'warming up' }] },
    });
    expect(evaluateHealth(widget('False'))).toEqual({
      state: 'progressing',
      reason: 'Ready is False: warming up',
    });
    expect(evaluateHealth(widget('True')).state).toBe('ready');
    expect(evaluateHealth({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }).state).toBe(
      'ready',
    );
  });
});

describe('pods that will not recover', () => {
  const pod = (waiting: { reason: string; message?: string }): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-7d6f-xq5js' },
    status: {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'web',
          image: 'gcr.io/google-samples/kubernetes-bootcamp:v10',
          ready: false,
          state: { waiting },
        },
      ],
    },
  });

  it('names the pod, the reason and the image of a pull failure', () => {
    const failure = podFailure(pod({ reason: 'ImagePullBackOff', message: 'Back-off pulling image' }));
    expect(describePodFailure(failure!)).toBe(
      'pod web-7d6f-xq5js: ImagePullBackOff: image "gcr.io/google-samples/kubernetes-bootcamp:v10"',
    );
    expect(evaluateHealth(pod({ reason: 'ErrImagePull' })).state).toBe('failed');
  });

  it('gives the kubelet message for a crash loop and ignores ordinary waiting', () => {
    expect(
      podFailure(pod({ reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' }))
        ?.detail,
    ).toBe('back-off 10s restarting failed container');
    expect(podFailure(pod({ reason: 'ContainerCreating' }))).toBeUndefined();
  });

  it('reads the selector and template images that tie pods to their owner', () => {
    const owner: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web', tier: 'front' } },
        template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }] } },
      },
    };
    expect(selectorOf(owner)).toBe('app=web,tier=front');
    expect(templateImages(owner)).toEqual(new Map([['web', 'nginx:1']]));
  });
});
