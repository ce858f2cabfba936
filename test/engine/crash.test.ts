import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuaysideError, type ReleaseId } from '../../lib/domain/index.ts';
import { type ActionResult, ReleaseEngine, readHistory } from '../../lib/engine/index.ts';
import { kubeconfigConnectionProvider } from '../../lib/kube/index.ts';
import { MemoryDriver, ReleaseStore } from '../../lib/store/index.ts';
import { SimulatedCrash } from '../fixtures/store.ts';
import { CrashPlan, JumpClock } from './ports.ts';
import { exampleChart, live, release, request, startWorld, type World } from './world.ts';

const chart = exampleChart('kubernetes-bootcamp');
const OPTIONS = { timeoutMs: 20_000 };

describe('the engine under crashes, redelivery and concurrency', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.stop());

  function engineOver(driver: MemoryDriver, clock: JumpClock, plan?: CrashPlan) {
    const connections = kubeconfigConnectionProvider({ yaml: world.sim.kubeconfig });
    const store = new ReleaseStore(plan ? plan.driver(driver) : driver, { clock });
    return new ReleaseEngine({
      store,
      connections: plan ? plan.connections(connections) : connections,
      clock,
      poll: { initialMs: 20, maxMs: 100 },
    });
  }

  async function checkInvariants(store: ReleaseStore, id: ReleaseId, upgradeRequest: string, label: string) {
    const history = await readHistory(store, id);
    const numbers = history.map((r) => r.revision);
    expect(numbers, label).toEqual(numbers.map((_, i) => i + 1));
    expect(
      history.filter((r) => r.status === 'deployed'),
      label,
    ).toHaveLength(1);
    expect(
      history.some((r) => r.status.startsWith('pending') || r.status === 'uninstalling'),
      label,
    ).toBe(false);
    expect(
      history.filter((r) => r.requestId === upgradeRequest),
      label,
    ).toHaveLength(1);
    const deployed = history.find((r) => r.status === 'deployed');
    expect(deployed?.requestId, label).toBe(upgradeRequest);
    expect((await store.getRelease(id))?.lease, label).toBeUndefined();
  }

  it('converges with invariants 1-4 whichever port call the upgrade is killed at', async () => {
    // A probe run counts the port calls of one upgrade.
    const probeClock = new JumpClock();
    const probeDriver = new MemoryDriver();
    const probe = new CrashPlan(0, 'before');
    const probeRelease = release('crash-probe');
    await engineOver(probeDriver, probeClock).install(
      { release: probeRelease, chart, values: { replicas: 1 }, options: OPTIONS },
      request(),
    );
    await engineOver(probeDriver, probeClock, probe).upgrade(
      { release: probeRelease, chart, values: { replicas: 2 }, options: OPTIONS },
      request(),
    );
    expect(probe.calls).toBeGreaterThan(10);

    for (let crashAt = 1; crashAt <= probe.calls; crashAt++) {
      for (const when of ['before', 'after'] as const) {
        const label = `killed ${when} call ${crashAt} of ${probe.calls}`;
        const clock = new JumpClock();
        const driver = new MemoryDriver();
        const id = release(`crash-${crashAt}-${when}`);
        await engineOver(driver, clock).install(
          { release: id, chart, values: { replicas: 1 }, options: OPTIONS },
          request(),
        );
        const upgrade = request();
        const input = { release: id, chart, values: { replicas: 2 }, options: OPTIONS };
        const plan = new CrashPlan(crashAt, when);
        const first = await engineOver(driver, clock, plan)
          .upgrade(input, upgrade)
          .catch((error: unknown) => error);
        if (!plan.dead) {
          expect(first, label).toMatchObject({ status: 'deployed' });
        } else {
          expect(first, label).toBeInstanceOf(SimulatedCrash);
          // The queue redelivers after the visibility timeout, long past the lease.
          clock.jump(5 * 60_000);
          const second = (await engineOver(driver, clock).upgrade(input, upgrade)) as ActionResult;
          expect(['deployed'], label).toContain(second.status);
        }
        const store = new ReleaseStore(driver, { clock });
        await checkInvariants(store, id, upgrade.requestId, label);
        const deployment = await live(
          world.connection,
          `/apis/apps/v1/namespaces/default/deployments/${id.name}`,
        );
        expect(deployment?.spec.replicas, label).toBe(2);
      }
    }
  }, 600_000);

  it('makes one revision of a request delivered five times, one after another and at once', async () => {
    const id = release('dedup');
    await world.engine.install({ release: id, chart, values: { replicas: 1 }, options: OPTIONS }, request());
    const upgrade = request();
    const input = { release: id, chart, values: { replicas: 2 }, options: OPTIONS };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => world.engine.upgrade(input, upgrade).catch((error: unknown) => error)),
    );
    // Deliveries racing the first run are told to retry; none makes a revision of its own.
    for (const result of results) {
      if (result instanceof Error) expect((result as QuaysideError).retryable).toBe(true);
    }
    for (let i = 0; i < 5; i++) {
      const again = await world.engine.upgrade(input, upgrade);
      expect(again).toMatchObject({ duplicate: true, revision: 2, status: 'deployed' });
    }
    expect((await readHistory(world.store, id)).map((r) => r.revision)).toEqual([1, 2]);
  });

  it('serializes ten parallel requests for one release with no lost update', async () => {
    const id = release('parallel');
    await world.engine.install({ release: id, chart, values: { replicas: 1 }, options: OPTIONS }, request());
    const runs = Array.from({ length: 10 }, async (_, i) => {
      const ask = request();
      for (;;) {
        try {
          return await world.engine.upgrade(
            { release: id, chart, values: { replicas: 1 + (i % 3) }, options: { ...OPTIONS, historyMax: 0 } },
            ask,
          );
        } catch (error) {
          // What the queue would do: the lease is held, try again after the visibility timeout.
          if (!(error instanceof QuaysideError && error.retryable)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 50));
        }
      }
    });
    const results = await Promise.all(runs);
    expect(results.every((r) => r.status === 'deployed')).toBe(true);
    const history = await readHistory(world.store, id, 100);
    expect(history.map((r) => r.revision)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(history.filter((r) => r.status === 'deployed')).toHaveLength(1);
    expect(new Set(history.map((r) => r.requestId)).size).toBe(11);
  });
});
