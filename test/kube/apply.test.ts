import { beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube/index.ts';
import {
  applyRevision,
  deleteObjects,
  KubeConflictError,
  type KubeConnection,
  KubeImmutableFieldError,
  KubeMissingNamespaceError,
  KubeOwnershipError,
} from '../../lib/kube/index.ts';
import type { Simulator } from '../../lib/sim/index.ts';
import { applyAs, inAMinute, manifest, readLive, useSimulatedCluster } from './sim-helpers.ts';

let sim: Simulator;
let connection: KubeConnection;
const release = { name: 'shop', namespace: 'default' };

useSimulatedCluster({ rolloutStepMs: 30 }, (started, connected) => {
  sim = started;
  connection = connected;
});
beforeEach(() => sim.reset());

const configMap = (name: string, data: Record<string, string>, annotations?: Record<string, string>) =>
  manifest(`
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
${annotations ? `  annotations: ${JSON.stringify(annotations)}` : ''}
data: ${JSON.stringify(data)}
`)[0]!;

const deployment = (opts: { name?: string; app?: string; replicas?: number; image?: string } = {}) =>
  manifest(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${opts.name ?? 'web'}
spec:
  replicas: ${opts.replicas ?? 1}
  selector:
    matchLabels: { app: ${opts.app ?? 'web'} }
  template:
    metadata:
      labels: { app: ${opts.app ?? 'web'} }
    spec:
      containers:
        - name: web
          image: ${opts.image ?? 'nginx:1.27'}
          ports: [{ containerPort: 80 }]
`)[0]!;

const service = (spec: string) =>
  manifest(`
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
${spec}
`)[0]!;

const apply = (
  objects: ReturnType<typeof manifest>,
  extra: Partial<Parameters<typeof applyRevision>[0]> = {},
) => applyRevision({ connection, objects, release, deadline: inAMinute(), ...extra });

describe('applying a revision to a cluster', () => {
  it('creates every object of a first install, CRD-free kinds in Helm order, marked as the release', async () => {
    const outcome = await apply([
      deployment(),
      service('  selector: { app: web }\n  ports: [{ port: 80 }]'),
      configMap('settings', { mode: 'fast' }),
    ]);
    expect(outcome.ok).toBe(true);
    expect(outcome.results.map((r) => [r.kind, r.namespace, r.name, r.action])).toEqual([
      ['ConfigMap', 'default', 'settings', 'created'],
      ['Service', 'default', 'web', 'created'],
      ['Deployment', 'default', 'web', 'created'],
    ]);
    const live = await readLive(connection, '/apis/apps/v1/namespaces/default/deployments/web');
    expect(live?.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('quayside');
    expect(live?.metadata.annotations).toMatchObject({
      'meta.helm.sh/release-name': 'shop',
      'meta.helm.sh/release-namespace': 'default',
    });
    expect((live!.metadata.managedFields as { manager: string }[]).map((m) => m.manager)).toContain(
      'quayside',
    );
  });

  it('reports objects applied again without change as unchanged', async () => {
    const objects = [configMap('settings', { mode: 'fast' }), deployment()];
    await apply(objects);
    const again = await apply(objects, { previousObjects: objects });
    expect(again.results.map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
  });

  it('removes a field the new revision stopped setting', async () => {
    const first = [configMap('settings', { mode: 'fast', color: 'blue' })];
    await apply(first);
    const outcome = await apply([configMap('settings', { mode: 'fast' })], { previousObjects: first });
    expect(outcome.results[0]?.action).toBe('configured');
    const live = await readLive(connection, '/api/v1/namespaces/default/configmaps/settings');
    expect(live?.data).toEqual({ mode: 'fast' });
  });

  it('prunes an object the new revision dropped but keeps one annotated keep', async () => {
    const first = [
      configMap('a', { x: '1' }),
      configMap('b', { x: '2' }, { 'helm.sh/resource-policy': 'keep' }),
      configMap('c', { x: '3' }),
    ];
    await apply(first);
    const outcome = await apply([configMap('a', { x: '1' })], { previousObjects: first });
    expect(outcome.ok).toBe(true);
    expect(outcome.results.map((r) => [r.name, r.action, r.detail])).toEqual([
      ['a', 'unchanged', undefined],
      ['b', 'unchanged', 'kept: helm.sh/resource-policy=keep'],
      ['c', 'deleted', undefined],
    ]);
    expect(await readLive(connection, '/api/v1/namespaces/default/configmaps/b')).toBeDefined();
    expect(await readLive(connection, '/api/v1/namespaces/default/configmaps/c')).toBeUndefined();
  });

  it('does not prune a dropped object that another release has since taken over', async () => {
    const first = [configMap('a', { x: '1' }), configMap('shared', { x: '2' })];
    await apply(first);
    const blog = { name: 'blog', namespace: 'default' };
    const taken = await applyRevision({
      connection,
      objects: [configMap('shared', { x: '3' })],
      release: blog,
      takeOwnership: true,
      deadline: inAMinute(),
    });
    expect(taken.ok).toBe(true);
    const outcome = await apply([configMap('a', { x: '1' })], { previousObjects: first });
    expect(outcome.results[1]).toMatchObject({
      name: 'shared',
      action: 'unchanged',
      detail: 'left alone: owned by release "blog" in namespace "default"',
    });
    expect(await readLive(connection, '/api/v1/namespaces/default/configmaps/shared')).toBeDefined();
  });

  it('turns a NodePort service into a ClusterIP one with no node port left behind', async () => {
    const first = [
      service('  type: NodePort\n  selector: { app: web }\n  ports: [{ port: 80, nodePort: 30080 }]'),
    ];
    await apply(first);
    const outcome = await apply(
      [service('  type: ClusterIP\n  selector: { app: web }\n  ports: [{ port: 80 }]')],
      { previousObjects: first },
    );
    expect(outcome.ok).toBe(true);
    const live = await readLive(connection, '/api/v1/namespaces/default/services/web');
    const spec = live?.spec as { type: string; ports: { nodePort?: number }[] };
    expect(spec.type).toBe('ClusterIP');
    expect(spec.ports[0]?.nodePort).toBeUndefined();
  });

  it('fails on a field another manager owns, naming both, and takes it with force', async () => {
    await apply([deployment({ replicas: 2 })]);
    const path = '/apis/apps/v1/namespaces/default/deployments/web';
    const scaled = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 5 },
    };
    await applyAs(connection, 'kubectl-scale', path, scaled, true);

    const refused = await apply([deployment({ replicas: 3 })]);
    expect(refused.ok).toBe(false);
    expect(refused.error).toBeInstanceOf(KubeConflictError);
    expect((refused.error as KubeConflictError).conflicts).toEqual([
      { manager: 'kubectl-scale', field: '.spec.replicas' },
    ]);
    expect(refused.results[0]?.action).toBe('failed');

    const forced = await apply([deployment({ replicas: 3 })], { force: true });
    expect(forced.results[0]?.action).toBe('configured');
    expect((await readLive(connection, path))?.spec).toMatchObject({ replicas: 3 });
  });

  it('refuses a changed selector naming the field, and with force recreates only that object', async () => {
    const first = [configMap('settings', { mode: 'fast' }), deployment({ app: 'web' })];
    await apply(first);
    const before = await readLive(connection, '/apis/apps/v1/namespaces/default/deployments/web');
    const settingsBefore = await readLive(connection, '/api/v1/namespaces/default/configmaps/settings');
    const second = [configMap('settings', { mode: 'fast' }), deployment({ app: 'web-v2' })];

    const refused = await apply(second, { previousObjects: first });
    expect(refused.error).toBeInstanceOf(KubeImmutableFieldError);
    expect((refused.error as KubeImmutableFieldError).fields).toContain('spec.selector');
    expect(refused.error?.message).toContain('spec.selector');

    const forced = await apply(second, { previousObjects: first, force: true });
    expect(forced.ok).toBe(true);
    expect(forced.results.map((r) => [r.name, r.action])).toEqual([
      ['settings', 'unchanged'],
      ['web', 'recreated'],
    ]);
    const after = await readLive(connection, '/apis/apps/v1/namespaces/default/deployments/web');
    expect(after?.metadata.uid).not.toBe(before?.metadata.uid);
    expect(after?.spec).toMatchObject({ selector: { matchLabels: { app: 'web-v2' } } });
    const settingsAfter = await readLive(connection, '/api/v1/namespaces/default/configmaps/settings');
    expect(settingsAfter?.metadata.uid).toBe(settingsBefore?.metadata.uid);
  });

  it("takes Helm 4's two forces apart: --force-conflicts takes fields, --force-replace recreates", async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments/web';
    await apply([deployment({ replicas: 2 })]);
    await applyAs(
      connection,
      'kubectl-scale',
      path,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
        spec: { replicas: 5 },
      },
      true,
    );
    const replaceOnly = await apply([deployment({ replicas: 3 })], { forceReplace: true });
    expect(replaceOnly.error).toBeInstanceOf(KubeConflictError);
    const conflicts = await apply([deployment({ replicas: 3 })], { forceConflicts: true });
    expect(conflicts.results[0]?.action).toBe('configured');

    const moved = [deployment({ app: 'web-v2', replicas: 3 })];
    const conflictsOnly = await apply(moved, { forceConflicts: true });
    expect(conflictsOnly.error).toBeInstanceOf(KubeImmutableFieldError);
    const replaced = await apply(moved, { forceReplace: true });
    expect(replaced.results[0]?.action).toBe('recreated');
  });

  it("refuses another release's object, writing nothing, unless told to take ownership", async () => {
    await applyRevision({
      connection,
      objects: [configMap('shared', { x: '1' })],
      release: { name: 'blog', namespace: 'default' },
      deadline: inAMinute(),
    });
    const objects = [configMap('own', { y: '1' }), configMap('shared', { x: '2' })];

    const refused = await apply(objects);
    expect(refused.ok).toBe(false);
    expect(refused.error).toBeInstanceOf(KubeOwnershipError);
    expect((refused.error as KubeOwnershipError).owner).toEqual({ release: 'blog', namespace: 'default' });
    expect(await readLive(connection, '/api/v1/namespaces/default/configmaps/own')).toBeUndefined();

    const adopted = await apply(objects, { takeOwnership: true });
    expect(adopted.ok).toBe(true);
    const live = await readLive(connection, '/api/v1/namespaces/default/configmaps/shared');
    expect(live?.metadata.annotations?.['meta.helm.sh/release-name']).toBe('shop');
  });

  it('fails on a missing namespace without retrying it', async () => {
    const object = {
      ...configMap('settings', { mode: 'fast' }),
      metadata: { name: 'settings', namespace: 'nowhere' },
    };
    const outcome = await apply([object], { allowNamespaces: ['nowhere'] });
    expect(outcome.error).toBeInstanceOf(KubeMissingNamespaceError);
    const patches = sim.requests.filter(
      (r) => r.method === 'PATCH' && r.path.includes('/namespaces/nowhere/'),
    );
    expect(patches).toHaveLength(1);
  });

  it('uninstalls in reverse order, leaving keep objects', async () => {
    const objects = [
      configMap('a', { x: '1' }),
      configMap('b', { x: '2' }, { 'helm.sh/resource-policy': 'keep' }),
      deployment(),
    ];
    await apply(objects);
    const results = await deleteObjects({ connection, objects, release, deadline: inAMinute() });
    expect(results.map((r) => [r.kind, r.name, r.action])).toEqual([
      ['Deployment', 'web', 'deleted'],
      ['ConfigMap', 'a', 'deleted'],
      ['ConfigMap', 'b', 'unchanged'],
    ]);
    expect(await readLive(connection, '/api/v1/namespaces/default/configmaps/a')).toBeUndefined();
    expect(await readLive(connection, '/api/v1/namespaces/default/configmaps/b')).toBeDefined();
  });
});

describe('reading the live objects before writing', () => {
  const many = (data: string) => ['a', 'b', 'c', 'd'].map((name) => configMap(name, { data }));
  const calls = (since: number) => sim.requests.slice(since).map((r) => `${r.verb} ${r.status}`);

  it('lists a kind once per namespace instead of reading each object, and still tells unchanged from configured', async () => {
    await apply(many('1'));
    const before = sim.requests.length;
    const next = many('1');
    next[2] = configMap('c', { data: '2' });
    const outcome = await apply(next, { previousObjects: many('1') });
    expect(outcome.results.map((r) => `${r.name} ${r.action}`)).toEqual([
      'a unchanged',
      'b unchanged',
      'c configured',
      'd unchanged',
    ]);
    expect(calls(before).sort()).toEqual(['list 200', 'patch 200', 'patch 200', 'patch 200', 'patch 200']);
  });

  it("uninstalls with one list per kind and namespace, leaving what is not this release's, and what is gone", async () => {
    await apply(many('1'));
    await applyAs(
      connection,
      'kubectl',
      '/api/v1/namespaces/default/configmaps/e',
      configMap('e', { x: '1' }),
    );
    await connection.send({
      method: 'DELETE',
      path: '/api/v1/namespaces/default/configmaps/d',
      ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'd' },
    });
    const before = sim.requests.length;
    const results = await deleteObjects({
      connection,
      objects: [...many('1'), configMap('e', { x: '1' })],
      release,
      deadline: inAMinute(),
    });
    expect(results.map((r) => `${r.name} ${r.action}${r.detail ? ` (${r.detail})` : ''}`)).toEqual([
      'a deleted',
      'b deleted',
      'c deleted',
      expect.stringMatching(/^d deleted \(.+\)$/),
      expect.stringMatching(/^e unchanged \(.+\)$/),
    ]);
    expect(calls(before).sort()).toEqual(['delete 200', 'delete 200', 'delete 200', 'list 200']);
    expect(await readLive(connection, '/api/v1/namespaces/default/configmaps/e')).toBeDefined();
  });

  it('finds objects of other releases and unmanaged ones in the list and writes nothing', async () => {
    await applyRevision({
      connection,
      objects: [configMap('b', { x: '1' })],
      release: { name: 'blog', namespace: 'default' },
      deadline: inAMinute(),
    });
    await applyAs(
      connection,
      'kubectl',
      '/api/v1/namespaces/default/configmaps/c',
      configMap('c', { x: '1' }),
    );
    const before = sim.requests.length;
    const refused = await apply(many('1'));
    expect(refused.ok).toBe(false);
    expect(refused.results.map((r) => `${r.name} ${r.error?.constructor.name}`)).toEqual([
      'b KubeOwnershipError',
      'c KubeOwnershipError',
    ]);
    expect(calls(before)).toEqual(['list 200']);
    expect(await readLive(connection, '/api/v1/namespaces/default/configmaps/a')).toBeUndefined();
  });

  it('reports a missing namespace once per object when the list finds nothing there', async () => {
    const objects = many('1').map((o) => ({ ...o, metadata: { ...o.metadata, namespace: 'nowhere' } }));
    const outcome = await apply(objects, { allowNamespaces: ['nowhere'] });
    expect(outcome.error).toBeInstanceOf(KubeMissingNamespaceError);
    expect(sim.requests.filter((r) => r.verb === 'patch')).toHaveLength(objects.length);
  });
});

describe('leaving unchanged objects alone', () => {
  const objects = () => [configMap('a', { mode: 'fast' }), deployment()];
  const patches = (since: number) => sim.requests.slice(since).filter((r) => r.verb === 'patch').length;

  it('sends nothing for objects whose manifest and live values are as the deployed revision left them', async () => {
    await apply(objects());
    const before = sim.requests.length;
    const again = await apply(objects(), { previousObjects: objects(), settledObjects: objects() });
    expect(again.results.map((r) => `${r.name} ${r.action}`)).toEqual(['a unchanged', 'web unchanged']);
    expect(patches(before)).toBe(0);
  });

  it('sends an object again when its live value drifted', async () => {
    await apply(objects());
    const drifted = await readLive(connection, '/api/v1/namespaces/default/configmaps/a');
    delete drifted!.metadata.managedFields;
    drifted!.data = { mode: 'slow' };
    await applyAs(connection, 'quayside', '/api/v1/namespaces/default/configmaps/a', drifted!);
    const before = sim.requests.length;
    const again = await apply(objects(), { previousObjects: objects(), settledObjects: objects() });
    expect(again.results.map((r) => `${r.name} ${r.action}`)).toEqual(['a configured', 'web unchanged']);
    expect(patches(before)).toBe(1);
    const live = await readLive(connection, '/api/v1/namespaces/default/configmaps/a');
    expect(live?.data).toEqual({ mode: 'fast' });
  });

  it("compares a Secret's stringData as the server keeps it, base64 in data", async () => {
    const secret = (token: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'default' },
      type: 'Opaque',
      data: {
        kept: Buffer.from('as is').toString('base64'),
        token: Buffer.from('overridden').toString('base64'),
      },
      stringData: { token, note: 'héllo wörld' },
    });
    const first = [secret('t1')];
    await apply(first);
    const live = await readLive(connection, '/api/v1/namespaces/default/secrets/creds');
    expect(live?.data).toMatchObject({ token: Buffer.from('t1').toString('base64') });
    const before = sim.requests.length;
    const again = await apply(first, { previousObjects: first, settledObjects: first });
    expect(again.results.map((r) => r.action)).toEqual(['unchanged']);
    expect(patches(before)).toBe(0);
    // A value changed by hand is put back.
    const drifted = await readLive(connection, '/api/v1/namespaces/default/secrets/creds');
    delete drifted!.metadata.managedFields;
    (drifted!.data as Record<string, string>).token = Buffer.from('by hand').toString('base64');
    await applyAs(connection, 'quayside', '/api/v1/namespaces/default/secrets/creds', drifted!);
    const beforeRepair = sim.requests.length;
    const repaired = await apply(first, { previousObjects: first, settledObjects: first });
    expect(repaired.results.map((r) => r.action)).toEqual(['configured']);
    expect(patches(beforeRepair)).toBe(1);
    const after = await readLive(connection, '/api/v1/namespaces/default/secrets/creds');
    expect(after?.data).toMatchObject({ token: Buffer.from('t1').toString('base64') });
  });

  it('sends an object that a later, failed revision changed, so fields it dropped are removed', async () => {
    const deployed = [configMap('a', { mode: 'fast', extra: 'yes' })];
    await apply(deployed);
    // The failed revision dropped `extra` but never got to apply it; the next one is the same.
    const failed = [configMap('a', { mode: 'fast' })];
    const outcome = await apply(failed, { previousObjects: failed, settledObjects: deployed });
    expect(outcome.results.map((r) => r.action)).toEqual(['configured']);
    const live = await readLive(connection, '/api/v1/namespaces/default/configmaps/a');
    expect(live?.data).toEqual({ mode: 'fast' });
  });
});
