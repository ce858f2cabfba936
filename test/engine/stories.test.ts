import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { diffRevisions, readHistory, readManifest, readValues } from '../../lib/engine/index.ts';
import {
  DynamoDbDriver,
  ensureReleaseTable,
  LOCAL_CLIENT_CONFIG,
  MemoryDriver,
  type StoreDriver,
} from '../../lib/store/index.ts';
import { exampleChart, live, release, repoRoot, request, startWorld, type World } from './world.ts';

const scenarios = join(repoRoot, '..', 'shared', 'scenarios');
const valuesFile = (name: string) =>
  parse(readFileSync(join(scenarios, 'my-nginx', name), 'utf8')) as Record<string, unknown>;
const TIMEOUT = { timeoutMs: 30_000 };

const dynamo = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: inject('dynamoEndpoint') });
const stores: Array<[string, () => Promise<StoreDriver>]> = [
  ['memory', async () => new MemoryDriver()],
  [
    'DynamoDB Local',
    async () => {
      const tableName = `stories-${process.pid}`;
      await ensureReleaseTable(dynamo, tableName);
      return new DynamoDbDriver({ tableName, client: dynamo });
    },
  ],
];
afterAll(() => dynamo.destroy());

describe.each(stores)('the release stories on the simulator, store: %s', (_name, makeDriver) => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ driver: await makeDriver() });
  });
  afterAll(() => world.stop());

  it('story 2: guestbook-demo — a rollback brings back removed objects without re-typing values', async () => {
    const guestbook = release('guestbook-demo');
    await world.engine.install(
      { release: guestbook, chart: exampleChart('guestbook'), options: TIMEOUT },
      request(),
    );
    const frontend = await live(world.connection, '/api/v1/namespaces/default/services/guestbook-demo');
    expect(frontend?.spec.type).toBe('LoadBalancer');
    expect(
      (await live(world.connection, '/apis/apps/v1/namespaces/default/deployments/guestbook-demo'))?.spec
        .replicas,
    ).toBe(2);

    const upgraded = await world.engine.upgrade(
      {
        release: guestbook,
        chart: exampleChart('guestbook'),
        values: { redisSlave: { enabled: false }, frontend: { service: { type: 'ClusterIP' } } },
        options: TIMEOUT,
      },
      request(),
    );
    expect(
      upgraded.objects
        .filter((o) => o.action === 'deleted')
        .map((o) => `${o.kind}/${o.name}`)
        .sort(),
    ).toEqual(['Deployment/redis-slave', 'Service/redis-slave']);
    expect(
      await live(world.connection, '/apis/apps/v1/namespaces/default/deployments/redis-slave'),
    ).toBeUndefined();
    expect(
      (await live(world.connection, '/api/v1/namespaces/default/services/guestbook-demo'))?.spec.type,
    ).toBe('ClusterIP');

    const rolledBack = await world.engine.rollback(
      { release: guestbook, revision: 1, options: TIMEOUT },
      request(),
    );
    expect(rolledBack).toMatchObject({ status: 'deployed', revision: 3, description: 'Rollback to 1' });
    expect(
      await live(world.connection, '/apis/apps/v1/namespaces/default/deployments/redis-slave'),
    ).toBeDefined();
    expect(
      (await live(world.connection, '/api/v1/namespaces/default/services/guestbook-demo'))?.spec.type,
    ).toBe('LoadBalancer');
    expect(await readValues(world.store, guestbook, { revision: 3 })).toEqual({});
  });

  it('story 3: kubernetes-bootcamp — a broken image fails fast with the reason and keeps the old version', async () => {
    const bootcamp = release('kubernetes-bootcamp');
    const chart = exampleChart('kubernetes-bootcamp');
    await world.engine.install({ release: bootcamp, chart, options: TIMEOUT }, request());
    const v2 = await world.engine.upgrade(
      { release: bootcamp, chart, values: { image: 'jocatalin/kubernetes-bootcamp:v2' }, options: TIMEOUT },
      request(),
    );
    expect(v2).toMatchObject({ status: 'deployed', revision: 2 });

    const started = Date.now();
    const broken = await world.engine.upgrade(
      {
        release: bootcamp,
        chart,
        values: { image: 'gcr.io/google-samples/kubernetes-bootcamp:v10' },
        options: TIMEOUT,
      },
      request(),
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(broken.status).toBe('failed');
    expect(broken.description).toMatch(
      /^Upgrade "kubernetes-bootcamp" failed: .*(ErrImagePull|ImagePullBackOff)/,
    );
    expect(broken.description).toContain('gcr.io/google-samples/kubernetes-bootcamp:v10');
    expect((await world.store.getRelease(bootcamp))?.deployedRevision).toBe(2);

    const manual = await world.engine.rollback({ release: bootcamp, options: TIMEOUT }, request());
    expect(manual).toMatchObject({ status: 'deployed', revision: 4, description: 'Rollback to 2' });
    const deployment = await live(
      world.connection,
      '/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp',
    );
    expect(deployment?.spec.template.spec.containers[0].image).toBe('jocatalin/kubernetes-bootcamp:v2');
  });

  it('story 3 with atomic: the failed upgrade is followed by an automatic rollback revision', async () => {
    const bootcamp = release('bootcamp-atomic');
    const chart = exampleChart('kubernetes-bootcamp');
    await world.engine.install(
      { release: bootcamp, chart, values: { image: 'jocatalin/kubernetes-bootcamp:v2' }, options: TIMEOUT },
      request(),
    );
    const broken = await world.engine.upgrade(
      {
        release: bootcamp,
        chart,
        values: { image: 'gcr.io/google-samples/kubernetes-bootcamp:v10' },
        options: { ...TIMEOUT, atomic: true },
      },
      request(),
    );
    expect(broken).toMatchObject({ status: 'failed', revision: 2 });
    expect(broken.rollback).toMatchObject({ status: 'deployed', revision: 3, description: 'Rollback to 1' });
    const history = await readHistory(world.store, bootcamp);
    expect(history.map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'failed'],
      [3, 'deployed'],
    ]);
    const deployment = await live(
      world.connection,
      '/apis/apps/v1/namespaces/default/deployments/bootcamp-atomic',
    );
    expect(deployment?.spec.template.spec.containers[0].image).toBe('jocatalin/kubernetes-bootcamp:v2');
  });

  it('story 4: my-nginx — values-v1, values-v2, rollback 1 leaves no node port behind', async () => {
    const nginx = release('my-nginx');
    const chart = exampleChart('my-nginx');
    await world.engine.install(
      { release: nginx, chart, values: valuesFile('values-v1.yaml'), options: TIMEOUT },
      request(),
    );
    const v1Service = await live(world.connection, '/api/v1/namespaces/default/services/my-nginx');
    expect(v1Service?.spec.type).toBe('ClusterIP');

    const dry = await world.engine.upgrade(
      { release: nginx, chart, values: valuesFile('values-v2.yaml'), options: { ...TIMEOUT, dryRun: true } },
      request(),
    );
    expect(dry.status).toBe('dry-run');
    expect(dry.diff?.diff).toContain('nodePort: 30080');
    expect((await world.store.getRelease(nginx))?.lastRevision).toBe(1);

    await world.engine.upgrade(
      {
        release: nginx,
        chart,
        values: { ...valuesFile('values-v2.yaml'), replicaCount: 5 },
        options: TIMEOUT,
      },
      request(),
    );
    const v2Deployment = await live(
      world.connection,
      '/apis/apps/v1/namespaces/default/deployments/my-nginx',
    );
    expect(v2Deployment?.spec.replicas).toBe(5);
    expect(v2Deployment?.metadata.labels.version).toBe('v2');
    expect(v2Deployment?.spec.template.spec.containers[0].resources.limits).toEqual({
      cpu: '200m',
      memory: '256Mi',
    });
    const v2Service = await live(world.connection, '/api/v1/namespaces/default/services/my-nginx');
    expect(v2Service?.spec.type).toBe('NodePort');
    expect(v2Service?.spec.ports[0].nodePort).toBe(30080);
    expect(await readManifest(world.store, nginx, 2)).toContain('/api/health');
    expect(await diffRevisions(world.store, nginx, 1, 2)).toMatch(/-\s+version: v1\n\+\s+version: v2/);

    const back = await world.engine.rollback({ release: nginx, revision: 1, options: TIMEOUT }, request());
    expect(back).toMatchObject({ revision: 3, status: 'deployed', description: 'Rollback to 1' });
    const service = await live(world.connection, '/api/v1/namespaces/default/services/my-nginx');
    expect(service?.spec.type).toBe('ClusterIP');
    expect(service?.spec.ports[0].nodePort).toBeUndefined();
    const deployment = await live(world.connection, '/apis/apps/v1/namespaces/default/deployments/my-nginx');
    expect(deployment?.spec.replicas).toBe(1);
    expect(deployment?.metadata.labels.version).toBe('v1');
    expect(await readValues(world.store, nginx, { revision: 1 })).toMatchObject({ replicaCount: 1 });
    expect(await readValues(world.store, nginx, { revision: 1, all: true })).toMatchObject({
      image: 'nginx:1.25.3',
    });
    expect(await readManifest(world.store, nginx, 3)).toBe(await readManifest(world.store, nginx, 1));
  });
});
