import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClusterConfigError,
  type ClusterRegistry,
  kubeconfigFileFallback,
  registryConnections,
  SecretKubeconfigReader,
  StoreClusterRegistry,
  UnknownClusterError,
} from '../../lib/clusters/index.ts';
import { ManualClock } from '../../lib/domain/index.ts';
import { ReleaseEngine } from '../../lib/engine/index.ts';
import { MemoryPublisher } from '../../lib/events/index.ts';
import { type SecretsManagerStub, startSecretsManagerStub } from '../../lib/local/secrets-manager.ts';
import { processBatch } from '../../lib/requests/index.ts';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';
import { MemoryDriver, ReleaseStore } from '../../lib/store/index.ts';
import { createExecutor } from '../../lib/worker/index.ts';
import { realClock, repoRoot } from '../engine/world.ts';

const version = {
  method: 'GET',
  path: '/version',
  ref: { apiVersion: 'v1', kind: 'Version', name: '' },
} as const;

describe('connections to the registered clusters', () => {
  let sim: Simulator;
  let dir: string;
  let kubeconfig: string;
  let secrets: SecretsManagerStub;
  let sm: SecretsManagerClient;

  beforeAll(async () => {
    sim = await startSimulator();
    dir = mkdtempSync(join(tmpdir(), 'quayside-clusters-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sim.kubeconfig);
    secrets = await startSecretsManagerStub();
    sm = new SecretsManagerClient({
      endpoint: secrets.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  afterAll(async () => {
    sm.destroy();
    await secrets.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const setup = (clock = new ManualClock(Date.now())) => {
    const registry = new StoreClusterRegistry({ driver: new MemoryDriver(), clock });
    const reader = new SecretKubeconfigReader({ client: () => sm, clock });
    return { registry, reader, clock };
  };

  it('reaches a registered kube context, the connection named after the registry entry', async () => {
    const { registry, clock } = setup();
    await registry.add({ name: 'dev', kind: 'context', context: 'quayside-sim', kubeconfig });
    const connections = registryConnections({ registry, clock, contexts: {} });
    const [a, b] = await Promise.all([connections.connect('dev'), connections.connect('dev')]);
    expect(a).toBe(b);
    expect(a.cluster).toBe('dev');
    expect((await a.send(version)).status).toBe(200);
    a.close();
  });

  it('reads a kubeconfig kept in Secrets Manager once per cache period and keeps the connection while it is unchanged', async () => {
    const { registry, reader, clock } = setup();
    secrets.put('quayside/edge', sim.kubeconfig);
    await registry.add({
      name: 'edge',
      kind: 'kubeconfig',
      secretId: 'quayside/edge',
      context: 'quayside-sim',
    });
    const connections = registryConnections({ registry, clock, secrets: reader });
    const before = secrets.reads.length;
    const first = await connections.connect('edge');
    expect((await first.send(version)).status).toBe(200);
    expect(await connections.connect('edge')).toBe(first);
    expect(secrets.reads.length - before).toBe(1);

    clock.advance(5 * 60_000);
    expect(await connections.connect('edge')).toBe(first);
    expect(secrets.reads.length - before).toBe(2);

    // Rotated: the next read after the cache period brings a new connection.
    secrets.put('quayside/edge', `${sim.kubeconfig}# rotated\n`);
    clock.advance(5 * 60_000);
    const rotated = await connections.connect('edge');
    expect(rotated).not.toBe(first);
    expect((await rotated.send(version)).status).toBe(200);
    rotated.close();
  });

  it('says which secret cannot be read, and that the worker may not read it, without retrying a missing one', async () => {
    const { registry, reader, clock } = setup();
    await registry.add({ name: 'lost', kind: 'kubeconfig', secretId: 'quayside/none' });
    const connecting = registryConnections({ registry, clock, secrets: reader }).connect('lost');
    await expect(connecting).rejects.toBeInstanceOf(ClusterConfigError);
    await expect(connecting).rejects.toMatchObject({ retryable: false, serviceFault: true });
    await expect(connecting).rejects.toThrow(
      'cannot read the kubeconfig secret "quayside/none" from Secrets Manager (ResourceNotFoundException)',
    );
  });

  it('refuses a cluster nobody registered, naming the registered ones and how to add one', async () => {
    const { registry, clock } = setup();
    await registry.add({ name: 'prod', kind: 'eks', clusterName: 'prod', region: 'eu-west-1' });
    await registry.add({ name: 'staging', kind: 'eks', clusterName: 'staging', region: 'eu-west-1' });
    const connecting = registryConnections({ registry, clock }).connect('prdo');
    await expect(connecting).rejects.toBeInstanceOf(UnknownClusterError);
    await expect(connecting).rejects.toThrow(
      'release.cluster: cluster "prdo" is not registered (registered clusters: "prod", "staging"); add it with "quayside cluster add prdo --eks CLUSTER --region REGION"',
    );
  });

  it("falls back to the worker's own kubeconfig for names the registry lacks, and lists its contexts when refusing", async () => {
    const { registry, clock } = setup();
    const fallback = kubeconfigFileFallback(kubeconfig);
    const connections = registryConnections({ registry, clock, fallback });
    const connection = await connections.connect('quayside-sim');
    expect((await connection.send(version)).status).toBe(200);
    await expect(connections.connect('elsewhere')).rejects.toThrow(
      `cluster "elsewhere" is not registered (no cluster is registered; the worker's kubeconfig also has the contexts "quayside-sim")`,
    );
    connection.close();
  });

  it("reads the registry once per cache period for a name the worker's own kubeconfig serves, and sees it registered after", async () => {
    const { registry, clock } = setup();
    let reads = 0;
    const counted: ClusterRegistry = {
      get: (name) => {
        reads += 1;
        return registry.get(name);
      },
      list: () => registry.list(),
      add: (entry, options) => registry.add(entry, options),
      remove: (name) => registry.remove(name),
    };
    const connections = registryConnections({
      registry: counted,
      clock,
      fallback: kubeconfigFileFallback(kubeconfig),
      contexts: {},
      entryCacheMs: 30_000,
    });
    for (let i = 0; i < 3; i++) (await connections.connect('quayside-sim')).close();
    expect(reads).toBe(1);
    // An unknown name is never remembered as unknown: registering it works at once.
    await expect(connections.connect('fresh')).rejects.toBeInstanceOf(UnknownClusterError);
    await registry.add({ name: 'fresh', kind: 'context', context: 'quayside-sim', kubeconfig });
    (await connections.connect('fresh')).close();
    // A registered entry for the fallback's name takes over once the period has passed.
    await registry.add({ name: 'quayside-sim', kind: 'context', context: 'quayside-sim', kubeconfig });
    clock.advance(30_000);
    const registered = await connections.connect('quayside-sim');
    expect(reads).toBe(4);
    registered.close();
  });

  it('refuses a kube context entry where no kubeconfig file may be read, as in Lambda', async () => {
    const { registry, clock } = setup();
    await registry.add({ name: 'laptop', kind: 'context', context: 'quayside-sim', kubeconfig });
    const connecting = registryConnections({ registry, clock }).connect('laptop');
    await expect(connecting).rejects.toMatchObject({ serviceFault: true });
    await expect(connecting).rejects.toThrow('register it as --eks or --kubeconfig-secret');
  });

  it('sees a changed entry once its cache period has passed', async () => {
    const { registry, clock } = setup();
    await registry.add({ name: 'moving', kind: 'context', context: 'quayside-sim', kubeconfig });
    const connections = registryConnections({ registry, clock, contexts: {}, entryCacheMs: 30_000 });
    const first = await connections.connect('moving');
    await registry.remove('moving');
    expect(await connections.connect('moving')).toBe(first);
    clock.advance(30_000);
    await expect(connections.connect('moving')).rejects.toBeInstanceOf(UnknownClusterError);
    first.close();
  });

  it('rejects a request for an unknown cluster once, with a Request Rejected event naming the clusters', async () => {
    const { registry, clock } = setup();
    await registry.add({ name: 'dev', kind: 'context', context: 'quayside-sim', kubeconfig });
    const store = new ReleaseStore(new MemoryDriver());
    const engine = new ReleaseEngine({
      store,
      connections: registryConnections({ registry, clock, contexts: {} }),
      clock: realClock,
    });
    const publisher = new MemoryPublisher();
    const body = {
      version: 'v1',
      requestId: `unknown-cluster-${process.pid}`,
      action: 'install',
      chart: { path: 'examples/charts/kubernetes-bootcamp' },
      release: { cluster: 'nowhere', namespace: 'default', name: 'web' },
      requestedBy: { principal: 'ci:test', channel: 'ci' },
      requestedAt: new Date().toISOString(),
    };
    const [outcome] = await processBatch(
      [{ messageId: 'm-1', body: JSON.stringify(body), receiveCount: 1 }],
      {
        execute: createExecutor({ engine, publisher, localChartRoots: [repoRoot] }),
        publish: (event) => publisher.publish([event]),
        clock: realClock,
      },
    );
    expect(outcome).toMatchObject({ outcome: 'rejected' });
    expect(publisher.events.map((e) => e.detailType)).toEqual(['Request Rejected']);
    expect(JSON.stringify(publisher.events[0]?.detail)).toContain('registered clusters: \\"dev\\"');
  });
});
