import { beforeEach, describe, expect, it } from 'vitest';
import {
  applyRevision,
  deleteObjects,
  type KubeConnection,
  KubeConnectionError,
  KubeDeadlineError,
  KubeNamespaceNotAllowedError,
  KubeOwnershipError,
  KubeTlsError,
  kubeconfigConnectionProvider,
  waitForHealthy,
} from '../../lib/kube/index.ts';
import type { Simulator } from '../../lib/sim/index.ts';
import { applyAs, fastClock, inAMinute, manifest, readLive, useSimulatedCluster } from './sim-helpers.ts';

let sim: Simulator;
let connection: KubeConnection;
const release = { name: 'shop', namespace: 'default' };

useSimulatedCluster({ rolloutStepMs: 30 }, (started, connected) => {
  sim = started;
  connection = connected;
});
beforeEach(() => sim.reset());

const crdAndWidget = manifest(`
apiVersion: example.com/v1
kind: Widget
metadata:
  name: gear
spec:
  size: 3
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
`);

describe('where objects go and whose they are', () => {
  it('applies a CRD before its custom resources in the same revision', async () => {
    const outcome = await applyRevision({
      connection,
      objects: crdAndWidget,
      release,
      deadline: inAMinute(),
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.results.map((r) => [r.kind, r.action])).toEqual([
      ['CustomResourceDefinition', 'created'],
      ['Widget', 'created'],
    ]);
    expect(await readLive(connection, '/apis/example.com/v1/namespaces/default/widgets/gear')).toBeDefined();
  });

  it('keeps cluster-scoped kinds out of the release namespace, as discovery says', async () => {
    const role = manifest(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: shop-reader
  namespace: default
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
`);
    const outcome = await applyRevision({ connection, objects: role, release, deadline: inAMinute() });
    expect(outcome.results).toEqual([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        name: 'shop-reader',
        action: 'created',
      },
    ]);
    const live = await readLive(connection, '/apis/rbac.authorization.k8s.io/v1/clusterroles/shop-reader');
    expect(live?.metadata.namespace).toBeUndefined();
  });

  it('refuses an object in a namespace the request did not allow, writing nothing', async () => {
    const objects = manifest(`
apiVersion: v1
kind: ConfigMap
metadata: { name: mine }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: theirs, namespace: kube-system }
`);
    const outcome = await applyRevision({ connection, objects, release, deadline: inAMinute() });
    expect(outcome.error).toBeInstanceOf(KubeNamespaceNotAllowedError);
    expect(outcome.error?.message).toContain('kube-system');
    expect(await readLive(connection, '/api/v1/namespaces/default/configmaps/mine')).toBeUndefined();
  });

  it('adopts an object Helm installed for the same release, and refuses one of no release', async () => {
    const helmMade = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'settings',
        namespace: 'default',
        labels: { 'app.kubernetes.io/managed-by': 'Helm' },
        annotations: { 'meta.helm.sh/release-name': 'shop', 'meta.helm.sh/release-namespace': 'default' },
      },
      data: { mode: 'fast' },
    };
    await applyAs(connection, 'helm', '/api/v1/namespaces/default/configmaps/settings', helmMade);
    const handMade = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'manual', namespace: 'default' },
      data: {},
    };
    await applyAs(connection, 'kubectl', '/api/v1/namespaces/default/configmaps/manual', handMade);

    const adopted = await applyRevision({
      connection,
      objects: manifest(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: safe }\n',
      ),
      release,
      deadline: inAMinute(),
    });
    expect(adopted.results[0]?.action).toBe('configured');
    const live = await readLive(connection, '/api/v1/namespaces/default/configmaps/settings');
    expect(live?.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('quayside');

    const refused = await applyRevision({
      connection,
      objects: manifest('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: manual }\ndata: { a: b }\n'),
      release,
      deadline: inAMinute(),
    });
    expect(refused.error).toBeInstanceOf(KubeOwnershipError);
    expect((refused.error as KubeOwnershipError).owner).toBeUndefined();
  });

  it('rides out dropped connections', async () => {
    sim.injectFaults({ seed: 3, dropRate: 0.3 });
    const objects = Array.from(
      { length: 8 },
      (_, i) =>
        manifest(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${i} }\ndata: { i: "${i}" }\n`)[0]!,
    );
    const outcome = await applyRevision({
      connection,
      objects,
      release,
      deadline: inAMinute(),
      clock: fastClock(),
      retryPolicy: { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 200 },
    });
    sim.clearFaults();
    expect(outcome.ok).toBe(true);
    expect(outcome.results.every((r) => r.action === 'created')).toBe(true);
  });

  it('fails fast on a crash-looping workload', async () => {
    const objects = manifest(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: crashy }
spec:
  replicas: 1
  selector: { matchLabels: { app: crashy } }
  template:
    metadata: { labels: { app: crashy } }
    spec:
      containers: [{ name: app, image: "example.com/crashloop:1" }]
`);
    await applyRevision({ connection, objects, release, deadline: inAMinute() });
    const outcome = await waitForHealthy({
      connection,
      objects,
      namespace: 'default',
      deadline: Date.now() + 10 * 60_000,
      poll: { initialMs: 20, maxMs: 200 },
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toMatch(/^deployment\/crashy: pod crashy-\S+: CrashLoopBackOff: /);
  });
});

describe('connecting through a kubeconfig', () => {
  it('reuses one connection per cluster and names a context it does not know', async () => {
    const provider = kubeconfigConnectionProvider({ yaml: sim.kubeconfig });
    const first = await provider.connect('');
    expect(await provider.connect('')).toBe(first);
    await expect(provider.connect('production')).rejects.toBeInstanceOf(KubeConnectionError);
    first.close();
  });

  it('does not retry a server whose certificate it cannot trust', async () => {
    const withoutCa = sim.kubeconfig.replace(/^\s*certificate-authority-data:.*$/m, '');
    const untrusting = await kubeconfigConnectionProvider({ yaml: withoutCa }).connect('');
    const before = sim.requests.length;
    const outcome = await applyRevision({
      connection: untrusting,
      objects: manifest('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n'),
      release,
      deadline: inAMinute(),
    });
    untrusting.close();
    expect(outcome.error).toBeInstanceOf(KubeTlsError);
    expect(outcome.error?.message).toContain('certificate is not trusted');
    expect(sim.requests.length).toBe(before);
  });
});

describe('limits of deletion and time', () => {
  it('never deletes a CRD, whether pruned or uninstalled', async () => {
    await applyRevision({ connection, objects: crdAndWidget, release, deadline: inAMinute() });
    const pruned = await applyRevision({
      connection,
      objects: [],
      previousObjects: crdAndWidget,
      release,
      deadline: inAMinute(),
    });
    expect(pruned.results.map((r) => [r.kind, r.action, r.detail])).toEqual([
      ['Widget', 'deleted', undefined],
      ['CustomResourceDefinition', 'unchanged', 'kept: CustomResourceDefinitions are never deleted'],
    ]);
    const uninstalled = await deleteObjects({
      connection,
      objects: crdAndWidget,
      release,
      deadline: inAMinute(),
    });
    expect(uninstalled.map((r) => [r.kind, r.action])).toEqual([
      ['Widget', 'deleted'],
      ['CustomResourceDefinition', 'unchanged'],
    ]);
    expect(
      await readLive(
        connection,
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com',
      ),
    ).toBeDefined();
  });

  it('writes nothing once the deadline has passed', async () => {
    const outcome = await applyRevision({
      connection,
      objects: manifest('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: late }\n'),
      release,
      deadline: Date.now() - 1,
    });
    expect(outcome.error).toBeInstanceOf(KubeDeadlineError);
    expect(sim.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  });
});
