/**
 * Install and upgrade read the cluster, the store, the chart and helm's records side by side
 * (lib/engine/upgrade.ts, helm-records.ts). What they answer must not depend on which read finishes
 * first: the store's verdict comes before the chart's, the chart's before the cluster's, and none of
 * them waits on a cluster that does not answer. After the apply, nothing more is asked of the cluster
 * unless helm's records are kept.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChartError } from '../../lib/chart/index.ts';
import { ReleaseNotFoundError } from '../../lib/domain/index.ts';
import { ReleaseEngine, ReleaseExistsError } from '../../lib/engine/index.ts';
import { MemoryDriver, ReleaseStore } from '../../lib/store/index.ts';
import { configMapChart, realClock, release, repoRoot, request, startWorld, type World } from './world.ts';

const OPTIONS = { timeoutMs: 20_000 };
const missingChart = { kind: 'directory' as const, path: join(repoRoot, 'test', 'no-such-chart') };

describe('install and upgrade, reading side by side', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.stop());

  it("answer with the store's verdict, then the chart's, never waiting on a cluster that does not answer", async () => {
    const existing = release('overlap-existing');
    await world.engine.install({ release: existing, chart: configMapChart(), options: OPTIONS }, request());
    // The same store, and a cluster whose connection never opens: were any answer to wait for it,
    // the test would time out.
    const silent = new ReleaseEngine({
      store: world.store,
      connections: { connect: () => new Promise(() => {}) },
      clock: realClock,
    });
    await expect(
      silent.install({ release: existing, chart: missingChart, options: OPTIONS }, request()),
    ).rejects.toBeInstanceOf(ReleaseExistsError);
    await expect(
      silent.upgrade(
        { release: release('overlap-unknown'), chart: missingChart, options: OPTIONS },
        request(),
      ),
    ).rejects.toBeInstanceOf(ReleaseNotFoundError);
    await expect(
      silent.install({ release: release('overlap-new'), chart: missingChart, options: OPTIONS }, request()),
    ).rejects.toBeInstanceOf(ChartError);
  }, 30_000);

  it('send nothing to the cluster after the apply when helm keeps no records of the release', async () => {
    const id = release('overlap-quiet');
    for (const action of ['install', 'upgrade'] as const) {
      world.sim.requests.length = 0;
      const result = await world.engine[action](
        {
          release: id,
          chart: configMapChart(),
          values: { count: action === 'install' ? 3 : 4 },
          options: OPTIONS,
        },
        request(),
      );
      expect(result.status).toBe('deployed');
      const verbs = world.sim.requests.map((r) => `${r.verb} ${r.path}`);
      const lastApply = verbs.findLastIndex((v) => v.startsWith('patch '));
      expect(lastApply, verbs.join('\n')).toBeGreaterThan(0);
      // helm's records were looked for (a Secret and a ConfigMap list), before the apply.
      expect(verbs.slice(0, lastApply).filter((v) => /^list .*\/(secrets|configmaps)$/.test(v))).not.toEqual(
        [],
      );
      // After the apply come only the wait's reads of the applied objects.
      expect(
        verbs.slice(lastApply + 1).filter((v) => !v.startsWith('get ') && !v.startsWith('list ')),
        action,
      ).toEqual([]);
      expect(
        verbs.slice(lastApply + 1).filter((v) => /(secrets|configmaps)$/.test(v)),
        action,
      ).toEqual([]);
    }
  }, 60_000);

  it("still writes helm's records after the apply when they are kept", async () => {
    const store = new ReleaseStore(new MemoryDriver());
    const keeping = new ReleaseEngine({
      store,
      connections: { connect: () => Promise.resolve(world.connection) },
      clock: realClock,
      keepHelmRecords: true,
    });
    const id = release('overlap-kept');
    world.sim.requests.length = 0;
    const result = await keeping.install(
      { release: id, chart: configMapChart(), options: OPTIONS },
      request(),
    );
    expect(result.status).toBe('deployed');
    const verbs = world.sim.requests.map((r) => `${r.verb} ${r.path}`);
    const recordWrite = verbs.findIndex((v) =>
      v.startsWith('patch /api/v1/namespaces/default/secrets/sh.helm.release.v1.overlap-kept.v1'),
    );
    expect(recordWrite, verbs.join('\n')).toBeGreaterThan(
      verbs.findIndex((v) => v.includes('/configmaps/overlap-kept-0')),
    );
  }, 60_000);
});
