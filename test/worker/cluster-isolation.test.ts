import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lazyEksEndpoints, registryConnections, StoreClusterRegistry } from '../../lib/clusters/index.ts';
import { systemClock } from '../../lib/domain/index.ts';
import { ReleaseEngine } from '../../lib/engine/index.ts';
import { MemoryPublisher } from '../../lib/events/index.ts';
import { type MessageOutcome, processBatch } from '../../lib/requests/index.ts';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';
import { MemoryDriver, ReleaseStore } from '../../lib/store/index.ts';
import { createExecutor } from '../../lib/worker/index.ts';
import { realClock, repoRoot } from '../engine/world.ts';
import { ACCOUNT, type AwsStubs, startAwsStubs, WORKER_ROLE } from '../fixtures/aws-stubs.ts';

const CLUSTERS = ['alpha', 'beta', 'gamma'] as const;
const DOWN = 'gamma';
const PER_CLUSTER = 10;
const MAX_RECEIVES = 3;

describe('one cluster down among three', () => {
  let stubs: AwsStubs;
  const sims = new Map<string, Simulator>();
  let store: ReleaseStore;
  let outcomes: MessageOutcome[];
  let publisher: MemoryPublisher;
  const retried = new Set<string>();

  beforeAll(async () => {
    stubs = await startAwsStubs();
    const registry = new StoreClusterRegistry({ driver: new MemoryDriver() });
    for (const name of CLUSTERS) {
      const sim = await startSimulator({
        rolloutStepMs: 20,
        eks: {
          clusterName: name,
          stsHosts: [stubs.sts.host],
          stsCa: stubs.caPem,
          access: { [WORKER_ROLE]: 'cluster' },
        },
      });
      sims.set(name, sim);
      stubs.eks.addCluster({
        name,
        region: 'eu-west-1',
        account: ACCOUNT,
        endpoint: sim.url,
        caPem: sim.caPem,
      });
      await registry.add({ name, kind: 'eks', clusterName: name, region: 'eu-west-1' });
    }
    // Down: DescribeCluster still answers, its API server does not.
    await sims.get(DOWN)?.stop();

    store = new ReleaseStore(new MemoryDriver());
    const engine = new ReleaseEngine({
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
    publisher = new MemoryPublisher();
    // Thirty requests, the clusters interleaved, one message group per release, run as Lambda's
    // maximum concurrency (10) runs them.
    const messages = Array.from({ length: PER_CLUSTER * CLUSTERS.length }, (_, i) => {
      const cluster = CLUSTERS[i % CLUSTERS.length] as string;
      const name = `app-${Math.floor(i / CLUSTERS.length)}`;
      return {
        messageId: `m-${i}`,
        receiveCount: 1,
        body: JSON.stringify({
          version: 'v1',
          requestId: `isolation-${process.pid}-${i}`,
          action: 'install',
          release: { cluster, namespace: 'default', name },
          chart: { path: 'examples/charts/kubernetes-bootcamp' },
          values: { replicas: 1 },
          options: { timeout: '60s' },
          requestedBy: { principal: 'ci:test', channel: 'ci' },
          requestedAt: new Date().toISOString(),
        }),
      };
    });
    const deps = {
      execute: createExecutor({ engine, publisher, localChartRoots: [repoRoot] }),
      publish: (event: Parameters<MemoryPublisher['publish']>[0][number]) => publisher.publish([event]),
      clock: realClock,
      concurrency: 10,
      maxReceives: MAX_RECEIVES,
    };
    // Delivered as SQS delivers them: what is to be retried comes back with its receive count up.
    const final = new Map<string, MessageOutcome>();
    let pending: typeof messages = messages;
    while (pending.length > 0) {
      const round = await processBatch(pending, deps);
      for (const outcome of round) {
        final.set(outcome.messageId, outcome);
        if (outcome.outcome === 'retry') retried.add(outcome.messageId);
      }
      pending = pending
        .filter((_, i) => round[i]?.outcome === 'retry')
        .map((m) => ({ ...m, receiveCount: m.receiveCount + 1 }))
        .filter((m) => m.receiveCount <= MAX_RECEIVES);
    }
    outcomes = messages.map((m) => final.get(m.messageId) as MessageOutcome);
  }, 240_000);
  afterAll(async () => {
    for (const [name, sim] of sims) if (name !== DOWN) await sim.stop();
    await stubs.close();
  });

  const of = (cluster: string) => outcomes.filter((o) => o.request?.release.cluster === cluster);

  it('deploys every release of the clusters that answer, at the first delivery', () => {
    for (const cluster of ['alpha', 'beta']) {
      expect(of(cluster)).toHaveLength(PER_CLUSTER);
      for (const outcome of of(cluster)) {
        expect(outcome).toMatchObject({ outcome: 'done', result: { status: 'deployed', revision: 1 } });
        expect(retried.has(outcome.messageId)).toBe(false);
      }
    }
  });

  it("retries the unreachable cluster's requests, then gives each up once, naming the cause", () => {
    expect(of(DOWN)).toHaveLength(PER_CLUSTER);
    for (const outcome of of(DOWN)) {
      // Helm records nothing when the cluster cannot be reached, and neither does quayside: the
      // request goes to the dead-letter queue, to be redriven once the cluster answers.
      expect(outcome).toMatchObject({ outcome: 'dead-letter' });
      expect(outcome.reason).toMatch(
        /still failing on receive 3 \(.*cannot reach the API server: .*ECONNREFUSED/,
      );
      expect(retried.has(outcome.messageId)).toBe(true);
    }
    const rejected = publisher.events.filter((e) => e.detailType === 'Request Rejected');
    expect(rejected.map((e) => e.detail.release?.cluster)).toEqual(Array(PER_CLUSTER).fill(DOWN));
    for (const event of rejected) {
      expect(JSON.stringify(event.detail)).toMatch(/cannot reach the API server/);
    }
    expect(publisher.events.filter((e) => e.detail.release?.cluster === DOWN)).toHaveLength(PER_CLUSTER);
  });

  it('leaves nothing stuck: no release pending, no lease held', async () => {
    for (const cluster of CLUSTERS) {
      const { releases } = await store.list({ cluster });
      expect(releases).toHaveLength(cluster === DOWN ? 0 : PER_CLUSTER);
      for (const release of releases) {
        expect(release.lease).toBeUndefined();
        expect(release.status).toBe('deployed');
      }
    }
  });
});
