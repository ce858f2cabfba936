import { describe, expect, it } from 'vitest';
import {
  applyRevision,
  diffRevision,
  type KubeConnection,
  KubeImmutableFieldError,
  waitForHealthy,
} from '../../lib/kube/index.ts';
import { inAMinute, manifest, useSimulatedCluster } from './sim-helpers.ts';

let connection: KubeConnection;
const release = { name: 'kinds', namespace: 'default' };

useSimulatedCluster({ rolloutStepMs: 30 }, (_, connected) => {
  connection = connected;
});

const everyKind = manifest(`
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  replicas: 2
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: db, image: "ghost:1.24.8-alpine" }] }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec: { containers: [{ name: agent, image: "busybox:1.36" }] }
---
apiVersion: batch/v1
kind: Job
metadata: { name: migrate }
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: migrate, image: "busybox:1.36" }]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Gi } }
---
apiVersion: v1
kind: Service
metadata: { name: front }
spec:
  type: LoadBalancer
  selector: { app: db }
  ports: [{ port: 80 }]
`);

describe('health of every kind the wait knows', () => {
  it('waits until statefulsets, daemonsets, jobs, claims and load balancers are all ready', async () => {
    const applied = await applyRevision({ connection, objects: everyKind, release, deadline: inAMinute() });
    expect(applied.error).toBeUndefined();
    const outcome = await waitForHealthy({
      connection,
      objects: everyKind,
      namespace: 'default',
      deadline: inAMinute(),
      poll: { initialMs: 20, maxMs: 200 },
    });
    expect(outcome.message).toBe('');
    expect(outcome.status).toBe('ready');
    expect(outcome.objects.map((o) => [o.kind, o.state])).toEqual([
      ['StatefulSet', 'ready'],
      ['DaemonSet', 'ready'],
      ['Job', 'ready'],
      ['PersistentVolumeClaim', 'ready'],
      ['Service', 'ready'],
    ]);
  });
});

describe('diffing changes apply would refuse', () => {
  const web = (app: string) =>
    manifest(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: ${app} } }
  template:
    metadata: { labels: { app: ${app} } }
    spec: { containers: [{ name: web, image: "nginx:1.27" }] }
`);

  it('reports an immutable change as failed, and as a recreate when forced', async () => {
    await applyRevision({ connection, objects: web('one'), release, deadline: inAMinute() });
    const plain = await diffRevision({ connection, objects: web('two'), release, deadline: inAMinute() });
    expect(plain.ok).toBe(false);
    expect(plain.objects[0]?.action).toBe('failed');
    expect(plain.objects[0]?.error).toBeInstanceOf(KubeImmutableFieldError);
    const forced = await diffRevision({
      connection,
      objects: web('two'),
      release,
      deadline: inAMinute(),
      force: true,
    });
    expect(forced.objects[0]?.action).toBe('recreate');
    expect(forced.objects[0]?.diff).toContain('+      app: two');
  });
});
