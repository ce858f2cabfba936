import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
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
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.sim.stop();
});

describe('simulator API server', () => {
  it('serves HTTPS with a certificate signed by the CA in its kubeconfig', async () => {
    const response = await rawRequest(harness, { method: 'GET', path: '/version' });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ major: '1' });
    expect(harness.sim.kubeconfig).toContain('certificate-authority-data');
    expect(harness.sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses requests without the bearer token with a 401 Status', async () => {
    const response = await rawRequest(harness, { method: 'GET', path: '/api/v1/namespaces', token: 'wrong' });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('describes its groups and resources through discovery', async () => {
    const groups = JSON.parse((await rawRequest(harness, { method: 'GET', path: '/apis' })).body);
    expect(groups.groups.map((g: { name: string }) => g.name)).toEqual(
      expect.arrayContaining([
        'apps',
        'batch',
        'networking.k8s.io',
        'rbac.authorization.k8s.io',
        'apiextensions.k8s.io',
        'policy',
        'autoscaling',
      ]),
    );
    const apps = JSON.parse((await rawRequest(harness, { method: 'GET', path: '/apis/apps/v1' })).body);
    expect(apps.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'deployments', kind: 'Deployment', namespaced: true }),
        expect.objectContaining({ name: 'deployments/status' }),
      ]),
    );
    const core = JSON.parse((await rawRequest(harness, { method: 'GET', path: '/api/v1' })).body);
    expect(core.resources.map((r: { name: string }) => r.name)).toEqual(
      expect.arrayContaining([
        'namespaces',
        'configmaps',
        'secrets',
        'services',
        'serviceaccounts',
        'endpoints',
        'pods',
        'persistentvolumeclaims',
        'events',
      ]),
    );
  });

  it('starts with the default namespaces', async () => {
    const core = harness.kubeconfig.makeApiClient(CoreV1Api);
    const list = await core.listNamespace();
    expect(list.items.map((n) => n.metadata?.name).sort()).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
  });

  it('keeps uid, creationTimestamp and managedFields and gives each write a new resourceVersion', async () => {
    await createNamespace(harness, 'meta');
    const core = harness.kubeconfig.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: 'meta',
      body: { metadata: { name: 'one' }, data: { a: '1' } },
      fieldManager: 'writer',
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.managedFields?.[0]).toMatchObject({
      manager: 'writer',
      operation: 'Update',
      fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } },
    });
    const updated = await core.replaceNamespacedConfigMap({
      name: 'one',
      namespace: 'meta',
      body: { ...created, data: { a: '2' } },
    });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    expect(updated.metadata?.uid).toBe(created.metadata?.uid);
  });

  it('bumps generation on spec changes only', async () => {
    await createNamespace(harness, 'gen');
    const first = await apply(harness, deployment('web', 'gen'), 'test');
    expect((first.metadata as { generation: number }).generation).toBe(1);
    const relabelled = await apply(
      harness,
      { ...deployment('web', 'gen'), metadata: { name: 'web', namespace: 'gen', labels: { tier: 'front' } } },
      'test',
    );
    expect(relabelled.metadata?.generation).toBe(1);
    const scaled = await apply(harness, deployment('web', 'gen', { replicas: 3 }), 'test');
    expect(scaled.metadata?.generation).toBe(2);
  });

  it('answers a missing object with a NotFound Status naming the resource', async () => {
    const status = await failure(read(harness, 'apps/v1', 'Deployment', 'web', 'default'));
    expect(status).toMatchObject({
      httpCode: 404,
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      message: 'deployments.apps "web" not found',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
    });
  });

  it('refuses objects in a namespace that does not exist', async () => {
    const status = await failure(apply(harness, deployment('web', 'nowhere'), 'test'));
    expect(status).toMatchObject({
      httpCode: 404,
      reason: 'NotFound',
      message: 'namespaces "nowhere" not found',
      details: { name: 'nowhere', kind: 'namespaces' },
    });
  });

  it('refuses a second create of the same name with AlreadyExists', async () => {
    await createNamespace(harness, 'dup');
    const apps = harness.kubeconfig.makeApiClient(AppsV1Api);
    const body = deployment('web', 'dup') as never;
    await apps.createNamespacedDeployment({ namespace: 'dup', body });
    const status = await failure(apps.createNamespacedDeployment({ namespace: 'dup', body }));
    expect(status).toMatchObject({
      httpCode: 409,
      reason: 'AlreadyExists',
      message: 'deployments.apps "web" already exists',
    });
  });

  it('refuses an update with a stale resourceVersion with a Conflict', async () => {
    await createNamespace(harness, 'stale');
    const core = harness.kubeconfig.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: 'stale',
      body: { metadata: { name: 'c' }, data: { a: '1' } },
    });
    await core.replaceNamespacedConfigMap({
      name: 'c',
      namespace: 'stale',
      body: { ...created, data: { a: '2' } },
    });
    const status = await failure(
      core.replaceNamespacedConfigMap({
        name: 'c',
        namespace: 'stale',
        body: { ...created, data: { a: '3' } },
      }),
    );
    expect(status).toMatchObject({
      httpCode: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('refuses invalid names with the RFC 1123 message', async () => {
    const core = harness.kubeconfig.makeApiClient(CoreV1Api);
    const status = await failure(
      core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Bad_Name' } } }),
    );
    expect(status.httpCode).toBe(422);
    expect(status.reason).toBe('Invalid');
    expect(status.message).toMatch(
      /^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/,
    );
    expect(status.details?.causes?.[0]).toMatchObject({
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
    });
  });

  it('refuses undeclared fields under strict field validation and drops them otherwise', async () => {
    await createNamespace(harness, 'strict');
    const body = JSON.stringify({
      ...deployment('web', 'strict'),
      spec: { ...(deployment('web', 'strict').spec as object), replica: 3 },
    });
    const path = '/apis/apps/v1/namespaces/strict/deployments';
    const strict = await rawRequest(harness, {
      method: 'POST',
      path: `${path}?fieldValidation=Strict`,
      body,
      contentType: 'application/json',
    });
    expect(strict.status).toBe(400);
    expect(JSON.parse(strict.body)).toMatchObject({
      reason: 'BadRequest',
      message:
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"',
    });
    const lenient = await rawRequest(harness, {
      method: 'POST',
      path,
      body,
      contentType: 'application/json',
    });
    expect(lenient.status).toBe(201);
    expect(JSON.parse(lenient.body).spec).not.toHaveProperty('replica');
  });

  it('filters lists by label and field selectors', async () => {
    await createNamespace(harness, 'select');
    const core = harness.kubeconfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: 'select',
      body: { metadata: { name: 'a', labels: { tier: 'front', env: 'prod' } } },
    });
    await core.createNamespacedConfigMap({
      namespace: 'select',
      body: { metadata: { name: 'b', labels: { tier: 'back', env: 'prod' } } },
    });
    await core.createNamespacedConfigMap({ namespace: 'select', body: { metadata: { name: 'c' } } });
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (
        await core.listNamespacedConfigMap({
          namespace: 'select',
          ...(labelSelector ? { labelSelector } : {}),
          ...(fieldSelector ? { fieldSelector } : {}),
        })
      ).items.map((i) => i.metadata?.name);
    expect(await names('tier=front')).toEqual(['a']);
    expect(await names('env=prod,tier!=front')).toEqual(['b']);
    expect(await names('tier in (front,back)')).toEqual(['a', 'b']);
    expect(await names('!tier')).toEqual(['c']);
    expect(await names(undefined, 'metadata.name=b')).toEqual(['b']);
  });

  it('deletes with background propagation and collects the owned ReplicaSets and Pods', async () => {
    await createNamespace(harness, 'cascade');
    await apply(harness, deployment('web', 'cascade'), 'test');
    const core = harness.kubeconfig.makeApiClient(CoreV1Api);
    const apps = harness.kubeconfig.makeApiClient(AppsV1Api);
    await expect
      .poll(async () => (await core.listNamespacedPod({ namespace: 'cascade' })).items.length, {
        timeout: 15_000,
      })
      .toBe(2);
    const status = await apps.deleteNamespacedDeployment({ name: 'web', namespace: 'cascade' });
    expect(status).toMatchObject({
      status: 'Success',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
    });
    await expect
      .poll(async () => (await apps.listNamespacedReplicaSet({ namespace: 'cascade' })).items.length, {
        timeout: 15_000,
      })
      .toBe(0);
    await expect
      .poll(async () => (await core.listNamespacedPod({ namespace: 'cascade' })).items.length, {
        timeout: 15_000,
      })
      .toBe(0);
  });

  it('deletes in the foreground: the owner stays marked until its dependents are gone', async () => {
    await createNamespace(harness, 'foreground');
    await apply(harness, deployment('web', 'foreground'), 'test');
    const apps = harness.kubeconfig.makeApiClient(AppsV1Api);
    await expect
      .poll(async () => (await apps.listNamespacedReplicaSet({ namespace: 'foreground' })).items.length, {
        timeout: 15_000,
      })
      .toBe(1);
    const response = await rawRequest(harness, {
      method: 'DELETE',
      path: '/apis/apps/v1/namespaces/foreground/deployments/web?propagationPolicy=Foreground',
    });
    const marked = JSON.parse(response.body) as Manifest;
    expect(marked.metadata?.finalizers).toContain('foregroundDeletion');
    expect(marked.metadata?.deletionTimestamp).toBeDefined();
    await expect
      .poll(async () => (await apps.listNamespacedDeployment({ namespace: 'foreground' })).items.length, {
        timeout: 15_000,
      })
      .toBe(0);
    expect((await apps.listNamespacedReplicaSet({ namespace: 'foreground' })).items).toHaveLength(0);
  });

  it('orphans dependents when asked to', async () => {
    await createNamespace(harness, 'orphan');
    await apply(harness, deployment('web', 'orphan'), 'test');
    const apps = harness.kubeconfig.makeApiClient(AppsV1Api);
    await expect
      .poll(async () => (await apps.listNamespacedReplicaSet({ namespace: 'orphan' })).items.length, {
        timeout: 15_000,
      })
      .toBe(1);
    await apps.deleteNamespacedDeployment({ name: 'web', namespace: 'orphan', propagationPolicy: 'Orphan' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const left = await apps.listNamespacedReplicaSet({ namespace: 'orphan' });
    expect(left.items).toHaveLength(1);
    expect(left.items[0]?.metadata?.ownerReferences).toBeUndefined();
  });

  it('takes the contents of a deleted namespace with it', async () => {
    await createNamespace(harness, 'doomed');
    const core = harness.kubeconfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'x' } } });
    await core.deleteNamespace({ name: 'doomed' });
    await expect
      .poll(async () => (await core.listNamespace()).items.some((n) => n.metadata?.name === 'doomed'), {
        timeout: 15_000,
      })
      .toBe(false);
    expect(
      (await core.listConfigMapForAllNamespaces()).items.some((c) => c.metadata?.namespace === 'doomed'),
    ).toBe(false);
  });

  it('refuses new objects in a terminating namespace with Forbidden', async () => {
    const slow = await startHarness({ rolloutStepMs: 500 });
    try {
      await createNamespace(slow, 'leaving');
      const core = slow.kubeconfig.makeApiClient(CoreV1Api);
      const terminating = await core.deleteNamespace({ name: 'leaving' });
      expect((terminating as { status?: { phase?: string } }).status?.phase).toBe('Terminating');
      const status = await failure(
        core.createNamespacedConfigMap({ namespace: 'leaving', body: { metadata: { name: 'late' } } }),
      );
      expect(status).toMatchObject({
        httpCode: 403,
        reason: 'Forbidden',
        message:
          'configmaps "late" is forbidden: unable to create new content in namespace leaving because it is being terminated',
      });
    } finally {
      await slow.sim.stop();
    }
  });

  it('writes status only through the status subresource', async () => {
    await createNamespace(harness, 'status');
    const apps = harness.kubeconfig.makeApiClient(AppsV1Api);
    await apply(harness, { ...deployment('web', 'status', { replicas: 0 }) }, 'test');
    const current = await apps.readNamespacedDeployment({ name: 'web', namespace: 'status' });
    const replaced = await apps.replaceNamespacedDeployment({
      name: 'web',
      namespace: 'status',
      body: { ...current, status: { replicas: 99 } },
    });
    expect(replaced.status?.replicas).not.toBe(99);
    const viaStatus = await apps.replaceNamespacedDeploymentStatus({
      name: 'web',
      namespace: 'status',
      body: { ...replaced, status: { ...replaced.status, observedGeneration: 42 } },
    });
    expect(viaStatus.status?.observedGeneration).toBe(42);
  });

  it('applies to the status subresource as a manager of its own', async () => {
    await createNamespace(harness, 'status-apply');
    await apply(harness, deployment('web', 'status-apply', { replicas: 0 }), 'test');
    const response = await rawRequest(harness, {
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/status-apply/deployments/web/status?fieldManager=status-writer&force=true',
      body: JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        status: { observedGeneration: 7 },
      }),
      contentType: 'application/apply-patch+yaml',
    });
    expect(response.status).toBe(200);
    const object = JSON.parse(response.body) as Manifest;
    expect((object.status as { observedGeneration: number }).observedGeneration).toBe(7);
    const entry = object.metadata?.managedFields?.find((e) => e.manager === 'status-writer');
    expect(entry).toMatchObject({
      operation: 'Apply',
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:observedGeneration': {} } },
    });
  });

  it('deletes a collection by label', async () => {
    await createNamespace(harness, 'collection');
    const core = harness.kubeconfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: 'collection',
      body: { metadata: { name: 'a', labels: { release: 'r1' } } },
    });
    await core.createNamespacedConfigMap({
      namespace: 'collection',
      body: { metadata: { name: 'b', labels: { release: 'r2' } } },
    });
    await core.deleteCollectionNamespacedConfigMap({ namespace: 'collection', labelSelector: 'release=r1' });
    expect(
      (await core.listNamespacedConfigMap({ namespace: 'collection' })).items.map((c) => c.metadata?.name),
    ).toEqual(['b']);
  });

  it('applies merge, JSON and strategic merge patches', async () => {
    await createNamespace(harness, 'patches');
    const apps = harness.kubeconfig.makeApiClient(AppsV1Api);
    await apply(harness, deployment('web', 'patches'), 'test');
    const { setHeaderOptions, PatchStrategy } = await import('@kubernetes/client-node');
    const merged = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'patches', body: { metadata: { labels: { a: 'b' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.metadata?.labels).toEqual({ a: 'b' });
    const jsonPatched = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'patches', body: [{ op: 'replace', path: '/spec/replicas', value: 4 }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(jsonPatched.spec?.replicas).toBe(4);
    const strategic = await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'patches',
        body: { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox:1.36' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(strategic.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['web', 'sidecar']);
  });

  it('answers kubectl-style Table requests with the columns kubectl prints', async () => {
    await createNamespace(harness, 'table');
    await apply(harness, deployment('web', 'table'), 'test');
    const response = await rawRequest(harness, {
      method: 'GET',
      path: '/apis/apps/v1/namespaces/table/deployments',
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    const table = JSON.parse(response.body);
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
    ]);
    expect(table.rows[0].cells[0]).toBe('web');
    expect(table.rows[0].object.kind).toBe('PartialObjectMetadata');
  });

  it('serves the scale subresource', async () => {
    await createNamespace(harness, 'scale');
    const apps = harness.kubeconfig.makeApiClient(AppsV1Api);
    await apply(harness, deployment('web', 'scale'), 'test');
    const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'scale' });
    expect(scale.spec?.replicas).toBe(2);
    const { setHeaderOptions, PatchStrategy } = await import('@kubernetes/client-node');
    await apps.patchNamespacedDeploymentScale(
      { name: 'web', namespace: 'scale', body: { spec: { replicas: 5 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect((await apps.readNamespacedDeployment({ name: 'web', namespace: 'scale' })).spec?.replicas).toBe(5);
  });
});
