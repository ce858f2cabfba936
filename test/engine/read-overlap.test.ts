/**
 * Install and upgrade read the cluster, the store, the chart and helm's records side by side
 * (lib/engine/upgrade.ts, helm-records.ts). What they answer must not depend on which read finishes
 * first: the store's verdict comes before the chart's, the chart's before the cluster's, and none of
 * them waits on a cluster that does not answer. The objects are read from the cluster while the
 * revision is recorded as pending, unless a hook runs before the apply; nothing is written to the
 * cluster before the record. After the apply, nothing more is asked of the cluster unless helm's
 * records are kept.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChartError } from '../../lib/chart/index.ts';
import { ReleaseNotFoundError } from '../../lib/domain/index.ts';
import { ReleaseEngine, ReleaseExistsError } from '../../lib/engine/index.ts';
import { MemoryDriver, ReleaseStore } from '../../lib/store/index.ts';
import { configMapChart, realClock, release, repoRoot, request, startWorld, type World } from './world.ts';

const OPTIONS = { timeoutMs: 20_000 };

/** A chart of one Service (a kind helm's records are never looked for in), with a pre-install hook if asked. */
function serviceChart(options: { preInstallHook: boolean }): { kind: 'directory'; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'quayside-service-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: service\nversion: 1.0.0\n');
  writeFileSync(
    join(dir, 'templates', 'service.yaml'),
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  ports: [{port: 80}]\n',
  );
  if (options.preInstallHook) {
    writeFileSync(
      join(dir, 'templates', 'hook.yaml'),
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Release.Name }}-before',
        '  annotations:',
        '    helm.sh/hook: pre-install',
        '    helm.sh/hook-delete-policy: before-hook-creation',
        'data: {}',
        '',
      ].join('\n'),
    );
  }
  return { kind: 'directory', path: dir };
}

/** An engine on the world's cluster connection with a store of its own. */
function engineOn(world: World, store: ReleaseStore, options: { keepHelmRecords?: boolean } = {}) {
  return new ReleaseEngine({
    store,
    connections: { connect: () => Promise.resolve(world.connection) },
    clock: realClock,
    ...options,
  });
}

/**
 * Installs `name` (serviceChart) with a store whose `begin` (recording the revision as pending) first
 * waits until `until` says so (at most 3 s). Returns the result and the requests the cluster had had
 * by then, as `METHOD path` lines.
 */
async function installWatchingBegin(
  world: World,
  name: string,
  options: { preInstallHook: boolean; until: (seen: string[]) => boolean },
) {
  const store = new ReleaseStore(new MemoryDriver());
  let atBegin: string[] | undefined;
  const begin = store.begin.bind(store);
  const seen = () => world.sim.requests.map((r) => `${r.method} ${r.path}`);
  store.begin = async (input) => {
    const giveUpAt = Date.now() + 3000;
    while (!options.until(seen()) && Date.now() < giveUpAt) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    atBegin = seen();
    return begin(input);
  };
  world.sim.requests.length = 0;
  const result = await engineOn(world, store).install(
    { release: release(name), chart: serviceChart(options), options: OPTIONS },
    request(),
  );
  return { result, atBegin };
}
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
      // helm's records are looked for first thing, beside the action's own reads; on a connection of
      // their own, that list can still arrive after a quick apply. Nothing else may.
      const afterApply = world.sim.requests
        .slice(lastApply + 1)
        .filter((r) => !r.query.includes(encodeURIComponent('owner=helm')))
        .map((r) => `${r.verb} ${r.path}`);
      expect(
        afterApply.filter((v) => /(secrets|configmaps)$/.test(v)),
        `${action}:\n${verbs.join('\n')}`,
      ).toEqual([]);
    }
  }, 60_000);

  it('read the objects while the revision is recorded as pending, writing nothing before it', async () => {
    // One object of its kind: read on its own, not listed.
    const serviceRead = 'GET /api/v1/namespaces/default/services/overlap-early';
    const { result, atBegin } = await installWatchingBegin(world, 'overlap-early', {
      preInstallHook: false,
      until: (seen) => seen.includes(serviceRead),
    });
    expect(result.status).toBe('deployed');
    expect(atBegin).toContain(serviceRead);
    expect(atBegin?.filter((line) => !line.startsWith('GET '))).toEqual([]);
    expect(result.objects.map((o) => `${o.kind}/${o.name} ${o.action}`)).toEqual([
      'Service/overlap-early created',
    ]);
  }, 30_000);

  it('read the objects only after a hook that runs before the apply', async () => {
    // Given time to, an early read would show here; the hook might change what it reads.
    let waited = 0;
    const { result, atBegin } = await installWatchingBegin(world, 'overlap-hooked', {
      preInstallHook: true,
      until: () => ++waited > 40,
    });
    expect(result.status).toBe('deployed');
    expect(atBegin?.filter((line) => line.includes('/services'))).toEqual([]);
    const verbs = world.sim.requests.map((r) => `${r.method} ${r.path}`);
    const hookWrite = verbs.findIndex((v) => v.includes('/configmaps/overlap-hooked-before'));
    const servicesRead = verbs.indexOf('GET /api/v1/namespaces/default/services/overlap-hooked');
    expect(hookWrite, verbs.join('\n')).toBeGreaterThanOrEqual(0);
    expect(servicesRead, verbs.join('\n')).toBeGreaterThan(hookWrite);
  }, 30_000);

  it("still writes helm's records after the apply when they are kept", async () => {
    const store = new ReleaseStore(new MemoryDriver());
    const keeping = engineOn(world, store, { keepHelmRecords: true });
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
