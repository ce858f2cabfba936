import { AppsV1Api, BatchV1Api, CoreV1Api, type V1Deployment, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  createNamespace,
  deployment,
  eventually,
  type Manifest,
  read,
  type SimHarness,
  startHarness,
} from './helpers.ts';

let harness: SimHarness;
let apps: AppsV1Api;
let core: CoreV1Api;
let counter = 0;
async function namespace(): Promise<string> {
  counter += 1;
  const name = `ctrl-${counter}`;
  await createNamespace(harness, name);
  return name;
}

beforeAll(async () => {
  harness = await startHarness({ rolloutStepMs: 20 });
  apps = harness.kubeconfig.makeApiClient(AppsV1Api);
  core = harness.kubeconfig.makeApiClient(CoreV1Api);
});
afterAll(async () => {
  await harness.sim.stop();
});

function condition(d: V1Deployment, type: string) {
  return d.status?.conditions?.find((c) => c.type === type);
}

async function rolledOut(ns: string, name: string): Promise<V1Deployment> {
  return eventually(async () => {
    const d = await apps.readNamespacedDeployment({ name, namespace: ns });
    return condition(d, 'Progressing')?.reason === 'NewReplicaSetAvailable' &&
      d.status?.observedGeneration === d.metadata?.generation
      ? d
      : undefined;
  });
}

describe('controllers', () => {
  it('rolls a Deployment out to ready pods with status and conditions', async () => {
    const ns = await namespace();
    await apply(harness, deployment('web', ns, { replicas: 3 }), 'me');
    const done = await rolledOut(ns, 'web');
    expect(done.status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(condition(done, 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    expect(done.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' });
    expect(pods.items).toHaveLength(3);
    expect(
      pods.items.every((p) => p.status?.phase === 'Running' && p.metadata?.labels?.['pod-template-hash']),
    ).toBe(true);
  });

  it('keeps at least replicas - maxUnavailable available during a rolling update', async () => {
    const ns = await namespace();
    await apply(
      harness,
      deployment('boot', ns, { replicas: 4, image: 'jocatalin/kubernetes-bootcamp:v1' }),
      'me',
    );
    await rolledOut(ns, 'boot');
    const seen: number[] = [];
    const watch = new Watch(harness.kubeconfig);
    const abort = await watch.watch(
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      {},
      (_phase, object: V1Deployment) => seen.push(object.status?.availableReplicas ?? 0),
      () => {},
    );
    await apply(
      harness,
      deployment('boot', ns, { replicas: 4, image: 'jocatalin/kubernetes-bootcamp:v2' }),
      'me',
    );
    const done = await rolledOut(ns, 'boot');
    abort.abort();
    expect(done.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(3);
    const replicaSets = await apps.listNamespacedReplicaSet({ namespace: ns });
    expect(replicaSets.items.map((rs) => rs.spec?.replicas).sort()).toEqual([0, 4]);
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    const ns = await namespace();
    const versioned = (image: string) => {
      const manifest = deployment('web', ns, { replicas: 1, image }) as Manifest & {
        spec: Record<string, unknown>;
      };
      manifest.spec.revisionHistoryLimit = 1;
      return manifest;
    };
    for (const image of ['nginx:1.24', 'nginx:1.25', 'nginx:1.26']) {
      await apply(harness, versioned(image), 'me');
      await eventually(async () => {
        const d = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
        return d.status?.updatedReplicas === 1 &&
          d.status.replicas === 1 &&
          d.status.availableReplicas === 1 &&
          d.status.observedGeneration === d.metadata?.generation
          ? true
          : undefined;
      });
    }
    const left = await eventually(async () => {
      const list = await apps.listNamespacedReplicaSet({ namespace: ns });
      return list.items.length === 2 ? list.items : undefined;
    });
    expect(left.map((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision']).sort()).toEqual([
      '2',
      '3',
    ]);
  });

  it('leaves pods of an unpullable image in ImagePullBackOff and times the rollout out', async () => {
    const ns = await namespace();
    await apply(
      harness,
      deployment('boot', ns, {
        replicas: 4,
        image: 'jocatalin/kubernetes-bootcamp:v2',
        progressDeadlineSeconds: 10,
      }),
      'me',
    );
    await rolledOut(ns, 'boot');
    const broken = 'gcr.io/google-samples/kubernetes-bootcamp:v10';
    await apply(
      harness,
      deployment('boot', ns, { replicas: 4, image: broken, progressDeadlineSeconds: 10 }),
      'me',
    );
    const waiting = await eventually(async () => {
      const pods = await core.listNamespacedPod({ namespace: ns });
      const stuck = pods.items
        .flatMap((p) => p.status?.containerStatuses ?? [])
        .filter((s) => s.state?.waiting?.reason === 'ImagePullBackOff');
      return stuck.length > 0 ? stuck[0] : undefined;
    });
    expect(waiting?.state?.waiting?.message).toBe(`Back-off pulling image "${broken}"`);
    const events = await core.listNamespacedEvent({ namespace: ns });
    const failed = events.items.find(
      (e) => e.type === 'Warning' && e.reason === 'Failed' && e.message?.includes(broken),
    );
    expect(failed?.involvedObject.kind).toBe('Pod');
    expect(
      events.items.some((e) => e.reason === 'ScalingReplicaSet' && e.involvedObject.name === 'boot'),
    ).toBe(true);
    const timedOut = await eventually(async () => {
      const d = await apps.readNamespacedDeployment({ name: 'boot', namespace: ns });
      return condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded' ? d : undefined;
    });
    expect(condition(timedOut, 'Progressing')).toMatchObject({
      status: 'False',
      message: expect.stringMatching(/^ReplicaSet "boot-\w+" has timed out progressing\.$/),
    });
    expect(timedOut.status?.availableReplicas).toBe(3);
    expect(condition(timedOut, 'Available')?.status).toBe('True');
  });

  it('treats images named like nonexistent as unpullable and honours extra patterns', async () => {
    const custom = await startHarness({ rolloutStepMs: 20, unpullable: ['private.example/'] });
    try {
      await createNamespace(custom, 'pull');
      const customCore = custom.kubeconfig.makeApiClient(CoreV1Api);
      await apply(
        custom,
        deployment('a', 'pull', { replicas: 1, image: 'registry.example/nonexistent:1' }),
        'me',
      );
      await apply(custom, deployment('b', 'pull', { replicas: 1, image: 'private.example/app:1' }), 'me');
      const reasons = await eventually(async () => {
        const pods = await customCore.listNamespacedPod({ namespace: 'pull' });
        const found = pods.items.map((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason);
        return found.length === 2 && found.every((r) => r === 'ImagePullBackOff') ? found : undefined;
      });
      expect(reasons).toEqual(['ImagePullBackOff', 'ImagePullBackOff']);
    } finally {
      await custom.sim.stop();
    }
  });

  it('stamps objects with an injected clock and still rolls out', async () => {
    const frozen = new Date('2030-01-02T03:04:05Z');
    let ids = 0;
    const fixed = await startHarness({
      rolloutStepMs: 20,
      clock: () => frozen,
      newUid: () => `00000000-0000-0000-0000-${String(++ids).padStart(12, '0')}`,
    });
    try {
      await createNamespace(fixed, 'clock');
      const applied = await apply(fixed, deployment('web', 'clock', { replicas: 1 }), 'me');
      expect(applied.metadata?.creationTimestamp).toEqual(frozen);
      expect(applied.metadata?.uid).toMatch(/^00000000-0000-0000-0000-\d{12}$/);
      const fixedApps = fixed.kubeconfig.makeApiClient(AppsV1Api);
      const done = await eventually(async () => {
        const d = await fixedApps.readNamespacedDeployment({ name: 'web', namespace: 'clock' });
        return d.status?.availableReplicas === 1 ? d : undefined;
      });
      expect(done.status?.conditions?.[0]?.lastTransitionTime).toEqual(frozen);
    } finally {
      await fixed.sim.stop();
    }
  });

  it('puts crashloop images in CrashLoopBackOff', async () => {
    const ns = await namespace();
    await apply(harness, deployment('crash', ns, { replicas: 1, image: 'example/crashloop:1' }), 'me');
    const status = await eventually(async () => {
      const pods = await core.listNamespacedPod({ namespace: ns });
      const container = pods.items[0]?.status?.containerStatuses?.[0];
      return container?.state?.waiting?.reason === 'CrashLoopBackOff' ? container : undefined;
    });
    expect(status.restartCount).toBeGreaterThan(0);
    expect(status.lastState?.terminated?.exitCode).toBe(1);
  });

  it('runs StatefulSet pods by ordinal with bound claims and replaces them on upgrade', async () => {
    const ns = await namespace();
    const sts = (image: string): Manifest => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'blog', namespace: ns },
      spec: {
        replicas: 2,
        serviceName: 'blog',
        selector: { matchLabels: { app: 'blog' } },
        template: { metadata: { labels: { app: 'blog' } }, spec: { containers: [{ name: 'ghost', image }] } },
        volumeClaimTemplates: [
          {
            metadata: { name: 'content' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ],
      },
    });
    await apply(harness, sts('ghost:1.24.8-alpine'), 'me');
    await eventually(async () =>
      (await apps.readNamespacedStatefulSet({ name: 'blog', namespace: ns })).status?.readyReplicas === 2
        ? true
        : undefined,
    );
    const pods = await core.listNamespacedPod({ namespace: ns });
    expect(pods.items.map((p) => p.metadata?.name).sort()).toEqual(['blog-0', 'blog-1']);
    const claim = await eventually(async () => {
      const c = await core.readNamespacedPersistentVolumeClaim({ name: 'content-blog-0', namespace: ns });
      return c.status?.phase === 'Bound' ? c : undefined;
    });
    expect(claim.status?.capacity).toEqual({ storage: '1Gi' });
    await apply(harness, sts('ghost:1.24.9-alpine'), 'me');
    const updated = await eventually(async () => {
      const s = await apps.readNamespacedStatefulSet({ name: 'blog', namespace: ns });
      return s.status?.updatedReplicas === 2 &&
        s.status.readyReplicas === 2 &&
        s.status.currentRevision === s.status.updateRevision
        ? s
        : undefined;
    });
    expect(updated.status?.observedGeneration).toBe(2);
    const pod = await core.readNamespacedPod({ name: 'blog-0', namespace: ns });
    expect(pod.spec?.containers[0]?.image).toBe('ghost:1.24.9-alpine');
  });

  it('runs one DaemonSet pod on the simulated node', async () => {
    const ns = await namespace();
    await apply(
      harness,
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent', namespace: ns },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: {
            metadata: { labels: { app: 'agent' } },
            spec: { containers: [{ name: 'a', image: 'fluentd:1' }] },
          },
        },
      },
      'me',
    );
    const ds = await eventually(async () => {
      const d = await apps.readNamespacedDaemonSet({ name: 'agent', namespace: ns });
      return d.status?.numberReady === 1 ? d : undefined;
    });
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 1,
      currentNumberScheduled: 1,
      updatedNumberScheduled: 1,
    });
  });

  it('completes a Job', async () => {
    const ns = await namespace();
    await apply(
      harness,
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'once', namespace: ns },
        spec: {
          template: {
            spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'busybox:1.36' }] },
          },
        },
      },
      'me',
    );
    const batch = harness.kubeconfig.makeApiClient(BatchV1Api);
    const job = await eventually(async () => {
      const j = await batch.readNamespacedJob({ name: 'once', namespace: ns });
      return j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ? j : undefined;
    });
    expect(job.status?.succeeded).toBe(1);
    expect(job.spec?.selector?.matchLabels?.['batch.kubernetes.io/controller-uid']).toBe(job.metadata?.uid);
  });

  it('fails a Job whose pods crash once the backoff limit is used up', async () => {
    const ns = await namespace();
    await apply(
      harness,
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'broken', namespace: ns },
        spec: {
          backoffLimit: 1,
          template: {
            spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'example/crashloop:1' }] },
          },
        },
      },
      'me',
    );
    const batch = harness.kubeconfig.makeApiClient(BatchV1Api);
    const job = await eventually(async () => {
      const j = await batch.readNamespacedJob({ name: 'broken', namespace: ns });
      return j.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True') ? j : undefined;
    });
    expect(job.status?.failed).toBe(2);
    expect(job.status?.conditions?.find((c) => c.type === 'Failed')?.reason).toBe('BackoffLimitExceeded');
  });

  it('gives a LoadBalancer Service an ingress after a delay', async () => {
    const ns = await namespace();
    const applied = await apply(
      harness,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'lb', namespace: ns },
        spec: { type: 'LoadBalancer', ports: [{ port: 3000 }] },
      },
      'me',
    );
    expect(
      (applied.status as { loadBalancer?: { ingress?: unknown } }).loadBalancer?.ingress,
    ).toBeUndefined();
    const service = await eventually(async () => {
      const s = await core.readNamespacedService({ name: 'lb', namespace: ns });
      return s.status?.loadBalancer?.ingress?.length ? s : undefined;
    });
    expect(service.status?.loadBalancer?.ingress?.[0]?.ip).toMatch(/^172\.18\.255\.\d+$/);
    expect(service.spec?.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30000);
  });

  it('serves custom resources once their CRD is Established', async () => {
    const ns = await namespace();
    await apply(
      harness,
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              // client-node's typed serializer knows this marker by its model name only.
              schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
            },
          ],
        },
      },
      'me',
    );
    const crd = await eventually(async () => {
      const c = await read(
        harness,
        'apiextensions.k8s.io/v1',
        'CustomResourceDefinition',
        'widgets.example.com',
      );
      const conditions =
        (c.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
      return conditions.some((x) => x.type === 'Established' && x.status === 'True') ? c : undefined;
    });
    expect(crd.metadata?.name).toBe('widgets.example.com');
    const widget = await apply(
      harness,
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w', namespace: ns },
        spec: { size: 3 },
      },
      'me',
    );
    expect(widget.metadata?.generation).toBe(1);
    const listed = await harness.objects.list('example.com/v1', 'Widget', ns);
    expect(listed.items.map((i) => i.metadata?.name)).toEqual(['w']);
  });

  it('streams watch events for changes', async () => {
    const ns = await namespace();
    const events: string[] = [];
    const watch = new Watch(harness.kubeconfig);
    const abort = await watch.watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      {},
      (phase, object: { metadata: { name: string } }) => events.push(`${phase} ${object.metadata.name}`),
      () => {},
    );
    await apply(
      harness,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: ns }, data: { a: '1' } },
      'me',
    );
    await apply(
      harness,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: ns }, data: { a: '2' } },
      'me',
    );
    await core.deleteNamespacedConfigMap({ name: 'c', namespace: ns });
    await eventually(async () => (events.length >= 3 ? true : undefined));
    abort.abort();
    expect(events).toEqual(['ADDED c', 'MODIFIED c', 'DELETED c']);
  });
});
