import { AppsV1Api, PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  createNamespace,
  deployment,
  failure,
  type Manifest,
  rawRequest,
  read,
  type SimHarness,
  startHarness,
} from './helpers.ts';

let harness: SimHarness;
let counter = 0;
/** A fresh namespace per test keeps tests independent without restarting the simulator. */
async function namespace(): Promise<string> {
  counter += 1;
  const name = `apply-${counter}`;
  await createNamespace(harness, name);
  return name;
}

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.sim.stop();
});

function withEnv(manifest: Manifest, env: Array<{ name: string; value: string }>): Manifest {
  const copy = structuredClone(manifest) as Manifest & {
    spec: { template: { spec: { containers: Array<Record<string, unknown>> } } };
  };
  const [container] = copy.spec.template.spec.containers;
  if (container) container.env = env;
  return copy;
}

function entries(object: Manifest) {
  return (object.metadata?.managedFields ?? []).map((e) => ({
    manager: e.manager,
    operation: e.operation,
    fields: e.fieldsV1 as Record<string, unknown>,
  }));
}

describe('server-side apply', () => {
  it('records the applier as owner of exactly the fields it applied, in FieldsV1 form', async () => {
    const ns = await namespace();
    const applied = await apply(harness, deployment('web', ns), 'deployer');
    const mine = entries(applied).find((e) => e.manager === 'deployer');
    expect(mine?.operation).toBe('Apply');
    expect(mine?.fields).toEqual({
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"web"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });
  });

  it('removes a field the manager stopped applying', async () => {
    const ns = await namespace();
    await apply(
      harness,
      withEnv(deployment('web', ns), [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ]),
      'deployer',
    );
    const next = await apply(
      harness,
      withEnv(deployment('web', ns), [{ name: 'A', value: '1' }]),
      'deployer',
    );
    const container = (next.spec as { template: { spec: { containers: Array<{ env?: unknown[] }> } } })
      .template.spec.containers[0];
    expect(container?.env).toEqual([{ name: 'A', value: '1' }]);
  });

  it('keeps a field the manager stopped applying while another manager still owns it', async () => {
    const ns = await namespace();
    const labelled = (labels: Record<string, string>): Manifest => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: ns, labels },
    });
    await apply(harness, labelled({ shared: 'yes', mine: 'a' }), 'first');
    await apply(harness, labelled({ shared: 'yes' }), 'second');
    const after = await apply(harness, labelled({}), 'first');
    expect(after.metadata?.labels).toEqual({ shared: 'yes' });
  });

  it('refuses to change a field another manager owns with the real conflict message', async () => {
    const ns = await namespace();
    const apps = harness.kubeconfig.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('web', ns) as never,
      fieldManager: 'kubectl-client-side-apply',
    });
    const status = await failure(apply(harness, deployment('web', ns, { replicas: 5 }), 'kubectl'));
    expect(status).toMatchObject({
      httpCode: 409,
      reason: 'Conflict',
      message:
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kubectl-client-side-apply" using apps/v1',
            field: '.spec.replicas',
          },
        ],
      },
    });
  });

  it('lists every conflicting field, grouped by manager', async () => {
    const ns = await namespace();
    await apply(harness, deployment('web', ns), 'first');
    const changed = deployment('web', ns, { replicas: 3, image: 'nginx:1.26' });
    const status = await failure(apply(harness, changed, 'second'));
    expect(status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "first":\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
    );
  });

  it('shares ownership without conflict when the value is the same', async () => {
    const ns = await namespace();
    await apply(harness, deployment('web', ns), 'first');
    const shared = await apply(harness, deployment('web', ns), 'second');
    const managers = entries(shared).map((e) => e.manager);
    expect(managers).toEqual(expect.arrayContaining(['first', 'second']));
  });

  it('takes ownership with force and the previous owner loses the field', async () => {
    const ns = await namespace();
    await apply(harness, deployment('web', ns), 'first');
    const forced = await apply(harness, deployment('web', ns, { replicas: 4 }), 'second', { force: true });
    expect((forced.spec as { replicas: number }).replicas).toBe(4);
    const first = entries(forced).find((e) => e.manager === 'first');
    expect(JSON.stringify(first?.fields)).not.toContain('f:replicas');
  });

  it('merges associative lists by key across managers', async () => {
    const ns = await namespace();
    await apply(harness, withEnv(deployment('web', ns), [{ name: 'A', value: '1' }]), 'first');
    const sidecar: Manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'web', env: [{ name: 'B', value: '2' }] },
              { name: 'proxy', image: 'envoy:1.30' },
            ],
          },
        },
      },
    };
    const merged = await apply(harness, sidecar, 'second');
    const containers = (
      merged.spec as {
        template: { spec: { containers: Array<{ name: string; env?: Array<{ name: string }> }> } };
      }
    ).template.spec.containers;
    expect(containers.map((c) => c.name)).toEqual(['web', 'proxy']);
    expect(containers[0]?.env?.map((e) => e.name)).toEqual(['A', 'B']);
  });

  it('keys Service ports by port and protocol', async () => {
    const ns = await namespace();
    const service = (ports: Array<Record<string, unknown>>): Manifest => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: ns },
      spec: { selector: { app: 'web' }, ports },
    });
    await apply(harness, service([{ name: 'http', port: 80 }]), 'first');
    const both = await apply(harness, service([{ name: 'dns', port: 53, protocol: 'UDP' }]), 'second');
    expect((both.spec as { ports: Array<{ port: number }> }).ports.map((p) => p.port)).toEqual([80, 53]);
    const owned = entries(both).find((e) => e.manager === 'first');
    expect(JSON.stringify(owned?.fields)).toContain('k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}');
  });

  it('leaves the object and its resourceVersion alone when the same config is applied again', async () => {
    const ns = await namespace();
    const first = await apply(
      harness,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: ns }, data: { a: '1' } },
      'me',
    );
    const second = await apply(
      harness,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: ns }, data: { a: '1' } },
      'me',
    );
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
  });

  it('refuses to change a Deployment selector with field is immutable', async () => {
    const ns = await namespace();
    await apply(harness, deployment('web', ns), 'me');
    const status = await failure(apply(harness, deployment('web', ns, { labels: { app: 'web2' } }), 'me'));
    expect(status).toMatchObject({
      httpCode: 422,
      reason: 'Invalid',
      message:
        'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
      details: {
        name: 'web',
        group: 'apps',
        kind: 'Deployment',
        causes: [{ reason: 'FieldValueInvalid', field: 'spec.selector' }],
      },
    });
  });

  it('refuses to change a Job template', async () => {
    const ns = await namespace();
    const job = (image: string): Manifest => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once', namespace: ns },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image }] } } },
    });
    await apply(harness, job('busybox:1.36'), 'me');
    const status = await failure(apply(harness, job('busybox:1.37'), 'me'));
    expect(status.httpCode).toBe(422);
    expect(status.message).toMatch(
      /^Job\.batch "once" is invalid: spec\.template: Invalid value: .*: field is immutable$/,
    );
  });

  it('refuses to change a Service clusterIP', async () => {
    const ns = await namespace();
    const service = (clusterIP?: string): Manifest => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: ns },
      spec: { ...(clusterIP ? { clusterIP } : {}), ports: [{ port: 80 }] },
    });
    const created = await apply(harness, service(), 'me');
    expect((created.spec as { clusterIP: string }).clusterIP).toMatch(/^10\.96\./);
    const status = await failure(apply(harness, service('10.96.200.200'), 'me'));
    expect(status).toMatchObject({
      httpCode: 422,
      message:
        'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.200.200"}: may not change once set',
    });
  });

  it('clears the node port when a NodePort Service becomes ClusterIP through apply', async () => {
    const ns = await namespace();
    const service = (type: string): Manifest => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: ns },
      spec: { type, selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    const nodePort = await apply(harness, service('NodePort'), 'me');
    const port = (nodePort.spec as { ports: Array<{ nodePort?: number }> }).ports[0]?.nodePort ?? 0;
    expect(port).toBeGreaterThanOrEqual(30000);
    expect(port).toBeLessThanOrEqual(32767);
    const clusterIP = await apply(harness, service('ClusterIP'), 'me');
    expect(
      (clusterIP.spec as { type: string; ports: Array<{ nodePort?: number }> }).ports[0]?.nodePort,
    ).toBeUndefined();
    expect((clusterIP.spec as { type: string }).type).toBe('ClusterIP');
  });

  it('changes nothing on dryRun=All, for creates and updates alike', async () => {
    const ns = await namespace();
    const dry = await apply(harness, deployment('web', ns), 'me', { dryRun: true });
    expect(dry.metadata?.name).toBe('web');
    await failure(read(harness, 'apps/v1', 'Deployment', 'web', ns));
    await apply(harness, deployment('web', ns), 'me');
    await apply(harness, deployment('web', ns, { replicas: 7 }), 'me', { dryRun: true });
    expect(
      ((await read(harness, 'apps/v1', 'Deployment', 'web', ns)).spec as { replicas: number }).replicas,
    ).toBe(2);
  });

  it('refuses a config with a wrongly typed field', async () => {
    const ns = await namespace();
    const bad = deployment('web', ns) as Manifest & { spec: Record<string, unknown> };
    bad.spec.replicas = 'three';
    const status = await failure(apply(harness, bad, 'me'));
    expect(status.httpCode).toBe(500);
    expect(status.message).toBe(
      `failed to create typed patch object (${ns}/web; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string`,
    );
  });

  it('refuses a field the schema does not declare', async () => {
    const ns = await namespace();
    const bad = deployment('web', ns) as Manifest & { spec: Record<string, unknown> };
    bad.spec.replica = 3;
    const response = await rawRequest(harness, {
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${ns}/deployments/web?fieldManager=me`,
      body: JSON.stringify(bad),
      contentType: 'application/apply-patch+yaml',
    });
    expect(response.status).toBe(500);
    expect(JSON.parse(response.body).message).toBe(
      `failed to create typed patch object (${ns}/web; apps/v1, Kind=Deployment): .spec.replica: field not declared in schema`,
    );
  });

  it('refuses a Deployment whose selector does not match its template labels', async () => {
    const ns = await namespace();
    const bad = deployment('web', ns) as Manifest & {
      spec: { template: { metadata: { labels: Record<string, string> } } };
    };
    bad.spec.template.metadata.labels = { app: 'other' };
    const status = await failure(apply(harness, bad, 'me'));
    expect(status.httpCode).toBe(422);
    expect(status.message).toContain(
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
    );
  });

  it('defaults fields without making the applier their owner', async () => {
    const ns = await namespace();
    const applied = await apply(harness, deployment('web', ns), 'me');
    expect(applied.spec).toMatchObject({
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate' },
    });
    expect(JSON.stringify(entries(applied).find((e) => e.manager === 'me')?.fields)).not.toContain(
      'revisionHistoryLimit',
    );
  });

  it('refuses an apply without a field manager', async () => {
    const ns = await namespace();
    const status = await failure(
      harness.objects.patch(
        deployment('web', ns),
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.ServerSideApply,
      ),
    );
    expect(status).toMatchObject({ httpCode: 422, reason: 'Invalid' });
    expect(status.message).toContain('fieldManager: Required value');
  });
});
