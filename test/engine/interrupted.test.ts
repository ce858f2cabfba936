import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseId } from '../../lib/domain/index.ts';
import { ReleaseEngine } from '../../lib/engine/index.ts';
import { kubeconfigConnectionProvider } from '../../lib/kube/index.ts';
import { MemoryDriver, ReleaseStore } from '../../lib/store/index.ts';
import { SimulatedCrash } from '../fixtures/store.ts';
import { CrashPlan, JumpClock, KillAfterRequests } from './ports.ts';
import { configMapChart, live, release, request, startWorld, type World } from './world.ts';

const OPTIONS = { timeoutMs: 20_000, wait: false };
/** Past any lease the runs above take: what the queue's redelivery or the next request sees. */
const LATER = 10 * 60_000;

const isApply = (r: { method: string }) => r.method === 'PATCH';

describe('prune, rollback and uninstall after a run killed mid-apply', () => {
  let world: World;
  const chart = configMapChart();
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.stop());

  function engineOver(driver: MemoryDriver, clock: JumpClock, plan?: CrashPlan | KillAfterRequests) {
    const connections = kubeconfigConnectionProvider({ yaml: world.sim.kubeconfig });
    const store = new ReleaseStore(plan ? plan.driver(driver) : driver, { clock });
    return new ReleaseEngine({
      store,
      connections: plan ? plan.connections(connections) : connections,
      clock,
      poll: { initialMs: 20, maxMs: 100 },
    });
  }

  /** The indexes of the release's ConfigMaps on the cluster, sorted. */
  async function configMapsOf(id: ReleaseId): Promise<number[]> {
    const list = await live(world.connection, `/api/v1/namespaces/${id.namespace}/configmaps`);
    const names: string[] = (list?.items ?? []).map(
      (item: { metadata: { name: string } }) => item.metadata.name,
    );
    return names
      .filter((name) => name.startsWith(`${id.name}-`))
      .map((name) => Number(name.slice(id.name.length + 1)))
      .sort((a, b) => a - b);
  }

  const range = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('uninstalls every object of an install killed after applying some of them', async () => {
    const clock = new JumpClock();
    const driver = new MemoryDriver();
    const id = release('killed-install');
    const kill = new KillAfterRequests(15, isApply);
    const install = engineOver(driver, clock, kill).install(
      { release: id, chart, values: { count: 40 }, options: OPTIONS },
      request(),
    );
    await expect(install).rejects.toBeInstanceOf(SimulatedCrash);
    const applied = await configMapsOf(id);
    expect(applied.length).toBeGreaterThanOrEqual(15);
    expect(applied.length).toBeLessThan(40);

    clock.jump(LATER);
    const result = await engineOver(driver, clock).uninstall({ release: id }, request());
    expect(result.status).toBe('uninstalled');
    expect(result.objects).toHaveLength(40);
    expect(result.objects.every((o) => o.action === 'deleted')).toBe(true);
    expect(await configMapsOf(id)).toEqual([]);
  });

  it('prunes what an interrupted upgrade created when the next upgrade drops it', async () => {
    const clock = new JumpClock();
    const driver = new MemoryDriver();
    const id = release('killed-upgrade');
    await engineOver(driver, clock).install(
      { release: id, chart, values: { count: 5 }, options: OPTIONS },
      request(),
    );
    const kill = new KillAfterRequests(20, isApply);
    await expect(
      engineOver(driver, clock, kill).upgrade(
        { release: id, chart, values: { count: 30 }, options: OPTIONS },
        request(),
      ),
    ).rejects.toBeInstanceOf(SimulatedCrash);
    expect((await configMapsOf(id)).length).toBeGreaterThan(5);

    clock.jump(LATER);
    const next = await engineOver(driver, clock).upgrade(
      { release: id, chart, values: { count: 3 }, options: OPTIONS },
      request(),
    );
    expect(next).toMatchObject({ status: 'deployed', revision: 3 });
    expect(await configMapsOf(id)).toEqual(range(3));
    const interrupted = await new ReleaseStore(driver, { clock }).getRevision(id, 2);
    expect(interrupted.status).toBe('failed');
    expect(interrupted.body.manifest).toContain(`name: ${id.name}-29`);
  });

  it('rolls back over an interrupted upgrade, removing the objects it created', async () => {
    const clock = new JumpClock();
    const driver = new MemoryDriver();
    const id = release('killed-before-rollback');
    await engineOver(driver, clock).install(
      { release: id, chart, values: { count: 5 }, options: OPTIONS },
      request(),
    );
    const kill = new KillAfterRequests(12, isApply);
    await expect(
      engineOver(driver, clock, kill).upgrade(
        { release: id, chart, values: { count: 30 }, options: OPTIONS },
        request(),
      ),
    ).rejects.toBeInstanceOf(SimulatedCrash);

    clock.jump(LATER);
    const rolledBack = await engineOver(driver, clock).rollback({ release: id, revision: 1 }, request());
    expect(rolledBack).toMatchObject({ status: 'deployed', revision: 3 });
    expect(await configMapsOf(id)).toEqual(range(5));
  });

  it('leaves nothing of the release behind, whichever port call an install is killed at, once uninstalled', async () => {
    const probe = new CrashPlan(0, 'before');
    await engineOver(new MemoryDriver(), new JumpClock(), probe).install(
      { release: release('probe-install'), chart, values: { count: 4 }, options: OPTIONS },
      request(),
    );
    expect(probe.calls).toBeGreaterThan(8);
    for (let crashAt = 1; crashAt <= probe.calls; crashAt++) {
      for (const when of ['before', 'after'] as const) {
        const label = `killed ${when} call ${crashAt} of ${probe.calls}`;
        const clock = new JumpClock();
        const driver = new MemoryDriver();
        const id = release(`sweep-${crashAt}-${when}`);
        const plan = new CrashPlan(crashAt, when);
        await engineOver(driver, clock, plan)
          .install({ release: id, chart, values: { count: 4 }, options: OPTIONS }, request())
          .catch((error: unknown) => {
            if (!(error instanceof SimulatedCrash)) throw error;
          });
        clock.jump(LATER);
        const store = new ReleaseStore(driver, { clock });
        if ((await store.getRelease(id)) !== undefined) {
          await engineOver(driver, clock).uninstall({ release: id }, request());
        }
        expect(await configMapsOf(id), label).toEqual([]);
      }
    }
  }, 300_000);
});
