import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lazyEksEndpoints, registryConnections, StoreClusterRegistry } from '../../lib/clusters/index.ts';
import { systemClock } from '../../lib/domain/index.ts';
import { ReleaseEngine } from '../../lib/engine/index.ts';
import { KubeUnauthorizedError } from '../../lib/kube/index.ts';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';
import { MemoryDriver, ReleaseStore } from '../../lib/store/index.ts';
import { exampleChart, realClock, request } from '../engine/world.ts';
import {
  ACCOUNT,
  type AwsStubs,
  DEPLOYER_ROLE,
  EXTERNAL_ID,
  OTHER_ACCOUNT,
  startAwsStubs,
  WORKER_ROLE,
} from '../fixtures/aws-stubs.ts';

const OPTIONS = { timeoutMs: 20_000 };
const chart = exampleChart('kubernetes-bootcamp');

describe('deploying to EKS clusters through the registry, with EKS tokens made in-process', () => {
  let stubs: AwsStubs;
  let prod: Simulator;
  let partner: Simulator;
  let engine: ReleaseEngine;
  let store: ReleaseStore;

  beforeAll(async () => {
    stubs = await startAwsStubs();
    const eksMode = (clusterName: string, access: Record<string, 'cluster' | { namespaces: string[] }>) => ({
      clusterName,
      stsHosts: [stubs.sts.host],
      stsCa: stubs.caPem,
      access,
    });
    [prod, partner] = await Promise.all([
      startSimulator({
        rolloutStepMs: 20,
        eks: eksMode('prod', { [WORKER_ROLE]: { namespaces: ['team-a'] } }),
      }),
      startSimulator({ rolloutStepMs: 20, eks: eksMode('partner', { [DEPLOYER_ROLE]: 'cluster' }) }),
    ]);
    stubs.eks.addCluster({
      name: 'prod',
      region: 'eu-west-1',
      account: ACCOUNT,
      endpoint: prod.url,
      caPem: prod.caPem,
    });
    stubs.eks.addCluster({
      name: 'partner',
      region: 'eu-west-1',
      account: OTHER_ACCOUNT,
      endpoint: partner.url,
      caPem: partner.caPem,
    });
    const registry = new StoreClusterRegistry({ driver: new MemoryDriver() });
    await registry.add({ name: 'prod', kind: 'eks', clusterName: 'prod', region: 'eu-west-1' });
    await registry.add({
      name: 'partner',
      kind: 'eks',
      clusterName: 'partner',
      region: 'eu-west-1',
      roleArn: DEPLOYER_ROLE,
      externalId: EXTERNAL_ID,
    });
    // The partner cluster, pinned and reached with the worker's own role, which has no access entry there.
    await registry.add({
      name: 'partner-direct',
      kind: 'eks',
      clusterName: 'partner',
      region: 'eu-west-1',
      endpoint: partner.url,
      caData: Buffer.from(partner.caPem).toString('base64'),
    });
    for (const [sim, ns] of [
      [prod, 'team-a'],
      [prod, 'team-b'],
      [partner, 'shop'],
    ] as const) {
      await fetchAsAdmin(sim, ns);
    }
    store = new ReleaseStore(new MemoryDriver());
    engine = new ReleaseEngine({
      store,
      connections: registryConnections({
        registry,
        eks: lazyEksEndpoints({
          clock: systemClock,
          clients: stubs.clients,
          stsUrl: () => stubs.sts.endpoint,
        }),
      }),
      clock: realClock,
      poll: { initialMs: 20, maxMs: 100 },
    });
  });
  afterAll(async () => {
    await Promise.all([prod.stop(), partner.stop()]);
    await stubs.close();
  });

  it("deploys with the worker's own role into the namespace its access policy covers", async () => {
    const result = await engine.install(
      {
        release: { cluster: 'prod', namespace: 'team-a', name: 'web' },
        chart,
        values: { replicas: 1 },
        options: OPTIONS,
      },
      request(),
    );
    expect(result).toMatchObject({ status: 'deployed', description: 'Install complete' });
    expect(prod.authFailures).toEqual([]);
  });

  it('deploys to a cluster in another account through the role it names, assumed once', async () => {
    const assumed = () => stubs.sts.calls.filter((c) => c.action === 'AssumeRole' && c.status === 200).length;
    const before = assumed();
    for (const name of ['cart', 'checkout']) {
      const result = await engine.install(
        {
          release: { cluster: 'partner', namespace: 'shop', name },
          chart,
          values: { replicas: 1 },
          options: OPTIONS,
        },
        request(),
      );
      expect(result.status).toBe('deployed');
    }
    expect(assumed() - before).toBe(1);
    expect(stubs.eks.calls.filter((c) => c.cluster === 'partner' && c.status === 200).at(-1)?.caller).toBe(
      `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/quayside-deployer/quayside`,
    );
  });

  it('fails the revision naming cluster, verb, resource and namespace on a 403, without retrying it', async () => {
    const before = prod.requests.length;
    const result = await engine.install(
      {
        release: { cluster: 'prod', namespace: 'team-b', name: 'web' },
        chart,
        values: { replicas: 1 },
        options: OPTIONS,
      },
      request(),
    );
    expect(result.status).toBe('failed');
    expect(result.description).toMatch(
      /^Release "web" failed: cluster "prod" forbids (get|list|patch) on (deployments\.apps|services) in namespace "team-b" \(.*User "arn:aws:sts::111111111111:assumed-role\/quayside-worker\/quayside-worker" cannot .* in the namespace "team-b"\); the identity quayside uses there needs RBAC \(a Role and RoleBinding\) or an EKS access policy that allows it/,
    );
    const refused = prod.requests.slice(before).filter((r) => r.status === 403);
    expect(refused.length).toBeGreaterThan(0);
    const attempts = new Map<string, number>();
    for (const r of refused)
      attempts.set(`${r.method} ${r.path}`, (attempts.get(`${r.method} ${r.path}`) ?? 0) + 1);
    expect([...attempts.values()].every((count) => count === 1)).toBe(true);
  });

  it('refuses on a 401 after one fresh token, saying the role needs an access entry, and records nothing', async () => {
    const before = partner.requests.length;
    const release = { cluster: 'partner-direct', namespace: 'shop', name: 'web' };
    // The cluster's version and API groups are read before anything is recorded (as helm install
    // does): a cluster that refuses quayside refuses the request, which the worker rejects once.
    const refused = await engine
      .install({ release, chart, values: { replicas: 1 }, options: OPTIONS }, request())
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(KubeUnauthorizedError);
    expect((refused as KubeUnauthorizedError).retryable).toBe(false);
    expect((refused as Error).message).toContain(
      `cluster "partner-direct" does not accept quayside's credentials, even freshly made (401: Unauthorized); on EKS the worker's role (or the role the cluster entry names) needs an access entry on the cluster`,
    );
    expect(await store.getRelease(release)).toBeUndefined();
    expect(partner.authFailures.at(-1)).toBe(`no access entry for "${WORKER_ROLE}"`);
    // Each refused call was tried twice at most: once, and once with a fresh token.
    const calls = partner.requests.slice(before);
    const perPath = new Map<string, number>();
    for (const r of calls)
      perPath.set(`${r.method} ${r.path}`, (perPath.get(`${r.method} ${r.path}`) ?? 0) + 1);
    expect(Math.max(...perPath.values())).toBe(2);
  });
});

/** Creates a namespace with the simulator's administrator token. */
async function fetchAsAdmin(sim: Simulator, namespace: string): Promise<void> {
  const { request: httpsRequest } = await import('node:https');
  await new Promise<void>((resolve, reject) => {
    const call = httpsRequest(
      `${sim.url}/api/v1/namespaces`,
      {
        method: 'POST',
        ca: sim.caPem,
        headers: { Authorization: `Bearer ${sim.token}`, 'Content-Type': 'application/json' },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve());
      },
    );
    call.on('error', reject);
    call.end(JSON.stringify({ metadata: { name: namespace } }));
  });
}
