import { describe, expect, it } from 'vitest';
import {
  applyRevision,
  type KubeConnection,
  KubeWaitTimeoutError,
  waitForHealthy,
} from '../../lib/kube/index.ts';
import type { Simulator } from '../../lib/sim/index.ts';
import { inAMinute, manifest, useSimulatedCluster } from './sim-helpers.ts';

const release = { name: 'boot', namespace: 'default' };
const poll = { initialMs: 20, maxMs: 200 };

const workload = (name: string, image: string, replicas = 2) =>
  manifest(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: app
          image: ${image}
`)[0]!;

const settings = manifest(
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n',
)[0]!;

describe('waiting for a revision to become healthy', () => {
  let _sim: Simulator;
  let connection: KubeConnection;
  useSimulatedCluster({ rolloutStepMs: 30 }, (started, connected) => {
    _sim = started;
    connection = connected;
  });

  it('returns ready once a rollout completes', async () => {
    const objects = [settings, workload('web', 'jocatalin/kubernetes-bootcamp:v1')];
    await applyRevision({ connection, objects, release, deadline: inAMinute() });
    const outcome = await waitForHealthy({
      connection,
      objects,
      namespace: 'default',
      deadline: inAMinute(),
      poll,
    });
    expect(outcome.status).toBe('ready');
    expect(outcome.objects.map((o) => o.state)).toEqual(['ready', 'ready']);
  });

  it('fails an upgrade to an image that does not exist while the old pods keep serving', async () => {
    const v1 = [workload('bootcamp-story', 'jocatalin/kubernetes-bootcamp:v1', 4)];
    await applyRevision({ connection, objects: v1, release, deadline: inAMinute() });
    expect(
      (await waitForHealthy({ connection, objects: v1, namespace: 'default', deadline: inAMinute(), poll }))
        .status,
    ).toBe('ready');
    const v10 = [workload('bootcamp-story', 'gcr.io/google-samples/kubernetes-bootcamp:v10', 4)];
    await applyRevision({ connection, objects: v10, previousObjects: v1, release, deadline: inAMinute() });
    const outcome = await waitForHealthy({
      connection,
      objects: v10,
      namespace: 'default',
      deadline: Date.now() + 10 * 60_000,
      poll,
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toMatch(
      /: (ImagePullBackOff|ErrImagePull): image "gcr\.io\/google-samples\/kubernetes-bootcamp:v10"$/,
    );
  });

  it('does not blame a fixed revision for the crash loops of the pods it replaces', async () => {
    const broken = [workload('fixme', 'example.com/crashloop:1', 1)];
    await applyRevision({ connection, objects: broken, release, deadline: inAMinute() });
    const events: string[] = [];
    const first = await waitForHealthy({
      connection,
      objects: broken,
      namespace: 'default',
      deadline: inAMinute(),
      poll,
    });
    expect(first.status).toBe('failed');
    const fixed = [workload('fixme', 'nginx:1.27', 1)];
    await applyRevision({
      connection,
      objects: fixed,
      previousObjects: broken,
      release,
      deadline: inAMinute(),
    });
    const outcome = await waitForHealthy({
      connection,
      objects: fixed,
      namespace: 'default',
      deadline: inAMinute(),
      poll,
      onProgress: (e) => events.push(e.message),
    });
    expect(outcome.status).toBe('ready');
    expect(events.length).toBeGreaterThan(0);
  });

  it('fails long before the deadline when a pod cannot pull its image, naming pod and image', async () => {
    const objects = [workload('bootcamp', 'gcr.io/google-samples/kubernetes-bootcamp:v10')];
    await applyRevision({ connection, objects, release, deadline: inAMinute() });
    const outcome = await waitForHealthy({
      connection,
      objects,
      namespace: 'default',
      deadline: Date.now() + 10 * 60_000,
      poll,
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toMatch(
      /^deployment\/bootcamp: pod bootcamp-[a-z0-9]+-[a-z0-9]+: (ImagePullBackOff|ErrImagePull): image "gcr\.io\/google-samples\/kubernetes-bootcamp:v10"$/,
    );
  });
});

describe('waiting past the deadline', () => {
  let _sim: Simulator;
  let connection: KubeConnection;
  // Rollout steps of a minute: nothing becomes available within the test's short deadline.
  useSimulatedCluster({ rolloutStepMs: 60_000 }, (started, connected) => {
    _sim = started;
    connection = connected;
  });

  it('names every object not ready and why, and only those', async () => {
    const objects = [settings, workload('api', 'nginx:1.27', 3), workload('worker', 'nginx:1.27', 2)];
    await applyRevision({ connection, objects, release, deadline: inAMinute() });
    const outcome = await waitForHealthy({
      connection,
      objects,
      namespace: 'default',
      deadline: Date.now() + 400,
      poll,
    });
    expect(outcome.status).toBe('timeout');
    expect(outcome.error).toBeInstanceOf(KubeWaitTimeoutError);
    const laggards = (outcome.error as KubeWaitTimeoutError).laggards.map((l) => l.ref.name);
    expect(laggards).toEqual(['api', 'worker']);
    expect(outcome.message).toMatch(/^timed out waiting for deployment\/api: .+; deployment\/worker: .+$/);
    expect(outcome.message).not.toContain('configmap');
  });
});
