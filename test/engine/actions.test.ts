import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChartError } from '../../lib/chart/index.ts';
import { ReleaseNotFoundError, RevisionNotFoundError } from '../../lib/domain/index.ts';
import { ReleaseExistsError, readHistory, readHooks } from '../../lib/engine/index.ts';
import { exampleChart, live, release, repoRoot, request, startWorld, type World } from './world.ts';

const hooked = { kind: 'directory' as const, path: join(repoRoot, 'test', 'fixtures', 'charts', 'hooked') };
const OPTIONS = { timeoutMs: 20_000 };

describe('engine actions on the simulator', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.stop());

  it('runs a pre-upgrade Job hook before applying and deletes it when it succeeds', async () => {
    const id = release('hooked');
    const installed = await world.engine.install({ release: id, chart: hooked, options: OPTIONS }, request());
    expect(installed.status).toBe('deployed');
    const hooks = await readHooks(world.store, id);
    const migrate = hooks.find((h) => h.name === 'hooked-migrate');
    expect(migrate?.lastRun?.phase).toBe('Succeeded');
    expect(
      await live(world.connection, '/apis/batch/v1/namespaces/default/jobs/hooked-migrate'),
    ).toBeUndefined();
    expect(
      (await live(world.connection, '/api/v1/namespaces/default/configmaps/hooked-config'))?.data.message,
    ).toBe('hello');
  });

  it('installs with --create-namespace into a namespace that already exists', async () => {
    const id = release('ns-exists');
    const result = await world.engine.install(
      {
        release: id,
        chart: exampleChart('kubernetes-bootcamp'),
        values: { replicas: 1 },
        options: { ...OPTIONS, createNamespace: true },
      },
      request(),
    );
    expect(result.status).toBe('deployed');
  });

  it('fails the revision, keeping the previous one deployed, when a hook fails', async () => {
    const id = release('hook-fails');
    await world.engine.install({ release: id, chart: hooked, options: OPTIONS }, request());
    const failed = await world.engine.upgrade(
      {
        release: id,
        chart: hooked,
        values: { migrationImage: 'registry.example/nonexistent:1' },
        options: OPTIONS,
      },
      request(),
    );
    expect(failed.status).toBe('failed');
    expect(failed.description).toMatch(
      /^Upgrade "hook-fails" failed: pre-upgrade hook Job\/hook-fails-migrate failed: /,
    );
    expect((await world.store.getRelease(id))?.deployedRevision).toBe(1);
  });

  it('rolls back sending only the objects that differ from the deployed revision, or whose live copy drifted', async () => {
    const id = release('fleet-rollback');
    const fleet = { kind: 'directory' as const, path: join(repoRoot, 'bench', 'charts', 'fleet') };
    const values = (logLevel: string) => ({ apps: 2, logLevel });
    expect(
      (
        await world.engine.install(
          { release: id, chart: fleet, values: values('info'), options: OPTIONS },
          request(),
        )
      ).status,
    ).toBe('deployed');
    await world.engine.upgrade(
      { release: id, chart: fleet, values: values('debug'), options: OPTIONS },
      request(),
    );
    // Someone deletes one app's ConfigMap by hand: the rollback must put it back too.
    await world.connection.send({
      method: 'DELETE',
      path: '/api/v1/namespaces/default/configmaps/fleet-rollback-app-1',
      ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'fleet-rollback-app-1' },
    });
    const logged = world.sim.requests.length;
    const rolled = await world.engine.rollback({ release: id, revision: 1, options: OPTIONS }, request());
    expect(rolled.status).toBe('deployed');
    // Two applies: the ConfigMap whose value differs and the one deleted, not the 11 objects (the
    // Secrets' stringData included, which the server keeps as data).
    const applies = world.sim.requests.slice(logged).filter((r) => r.verb === 'patch');
    expect(applies.map((r) => r.path).sort()).toEqual([
      '/api/v1/namespaces/default/configmaps/fleet-rollback-app-1',
      '/api/v1/namespaces/default/configmaps/fleet-rollback-settings',
    ]);
    const sent = rolled.objects
      .filter((o) => o.action !== 'unchanged')
      .map((o) => `${o.kind}/${o.name} ${o.action}`);
    expect(sent.sort()).toEqual([
      'ConfigMap/fleet-rollback-app-1 created',
      'ConfigMap/fleet-rollback-settings configured',
    ]);
    expect(rolled.objects).toHaveLength(11);
    const settings = await live(
      world.connection,
      '/api/v1/namespaces/default/configmaps/fleet-rollback-settings',
    );
    expect(settings?.data).toMatchObject({ logLevel: 'info' });
    const recreated = await live(
      world.connection,
      '/api/v1/namespaces/default/configmaps/fleet-rollback-app-1',
    );
    expect(recreated?.data).toMatchObject({ index: '1', mode: 'fast' });
  });

  it('runs the test hooks of the deployed revision and reports each', async () => {
    const id = release('tested');
    await world.engine.install({ release: id, chart: hooked, options: OPTIONS }, request());
    const outcome = await world.engine.test({ release: id, options: OPTIONS }, request());
    expect(outcome.passed).toBe(true);
    expect(outcome.tests.map((t) => [t.name, t.lastRun?.phase])).toEqual([['tested-test', 'Succeeded']]);
  });

  it('refuses bad requests before anything is stored or applied', async () => {
    const id = release('never');
    await expect(
      world.engine.install(
        { release: id, chart: { kind: 'directory', path: '/nonexistent/chart' } },
        request(),
      ),
    ).rejects.toBeInstanceOf(ChartError);
    await expect(
      world.engine.install({ release: id, chart: hooked, values: { message: 42 } }, request()),
    ).rejects.toBeInstanceOf(ChartError);
    await expect(world.engine.upgrade({ release: id, chart: hooked }, request())).rejects.toBeInstanceOf(
      ReleaseNotFoundError,
    );
    await expect(world.engine.rollback({ release: id, revision: 1 }, request())).rejects.toBeInstanceOf(
      ReleaseNotFoundError,
    );
    expect(await world.store.getRelease(id)).toBeUndefined();
    expect(
      await live(world.connection, '/api/v1/namespaces/default/configmaps/never-config'),
    ).toBeUndefined();

    const existing = release('exists');
    await world.engine.install(
      { release: existing, chart: exampleChart('guestbook'), options: OPTIONS },
      request(),
    );
    await expect(
      world.engine.install({ release: existing, chart: hooked }, request()),
    ).rejects.toBeInstanceOf(ReleaseExistsError);
    await expect(world.engine.rollback({ release: existing, revision: 7 }, request())).rejects.toBeInstanceOf(
      RevisionNotFoundError,
    );
    expect((await readHistory(world.store, existing)).map((r) => r.revision)).toEqual([1]);
  });

  it('upgrades over a release whose revisions all failed (no "has no deployed releases" trap)', async () => {
    const id = release('all-failed');
    const chart = exampleChart('kubernetes-bootcamp');
    const broken = await world.engine.install(
      { release: id, chart, values: { image: 'example/nonexistent:1', replicas: 1 }, options: OPTIONS },
      request(),
    );
    expect(broken.status).toBe('failed');
    const fixed = await world.engine.upgrade(
      { release: id, chart, values: { replicas: 1 }, options: OPTIONS },
      request(),
    );
    expect(fixed).toMatchObject({ status: 'deployed', revision: 2 });
  });

  it('shows a rollback as a server-side diff with --dry-run, changing nothing', async () => {
    const id = release('dry-rollback');
    const chart = exampleChart('kubernetes-bootcamp');
    await world.engine.install({ release: id, chart, values: { replicas: 1 }, options: OPTIONS }, request());
    await world.engine.upgrade({ release: id, chart, values: { replicas: 2 }, options: OPTIONS }, request());
    const dry = await world.engine.rollback(
      { release: id, revision: 1, options: { ...OPTIONS, dryRun: true } },
      request(),
    );
    expect(dry.status).toBe('dry-run');
    expect(dry.diff?.diff).toMatch(/-\s+replicas: 2\n\+\s+replicas: 1/);
    expect((await world.store.getRelease(id))?.lastRevision).toBe(2);
  });

  it('deletes what a failed upgrade created when cleanup-on-fail is set', async () => {
    // Its own namespace: the guestbook chart names its redis objects without the release name.
    const id = release('cleanup', 'cleanup');
    await world.engine.install(
      {
        release: id,
        chart: exampleChart('guestbook'),
        values: { redisSlave: { enabled: false } },
        options: { ...OPTIONS, createNamespace: true },
      },
      request(),
    );
    const failed = await world.engine.upgrade(
      {
        release: id,
        chart: exampleChart('guestbook'),
        values: { redisSlave: { enabled: true, image: 'example/nonexistent:1' } },
        options: { ...OPTIONS, cleanupOnFail: true },
      },
      request(),
    );
    expect(failed.status).toBe('failed');
    expect(
      await live(world.connection, '/apis/apps/v1/namespaces/cleanup/deployments/redis-slave'),
    ).toBeUndefined();
    expect(
      await live(world.connection, '/apis/apps/v1/namespaces/cleanup/deployments/redis-master'),
    ).toBeDefined();
  });
});

describe('deadlines', () => {
  it('records a revision that runs out of time as failed, naming what it waited for, and frees the release', async () => {
    // Rollouts that take far longer than the timeout.
    const slow = await startWorld({ rolloutStepMs: 5_000 });
    try {
      const id = release('slow');
      const started = Date.now();
      const result = await slow.engine.install(
        {
          release: id,
          chart: exampleChart('kubernetes-bootcamp'),
          values: { replicas: 2 },
          options: { timeoutMs: 2_000 },
        },
        request(),
      );
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(result.status).toBe('failed');
      expect(result.description).toMatch(/^Release "slow" failed: .*deployment\/slow/);
      const summary = await slow.store.getRelease(id);
      expect(summary?.lease).toBeUndefined();
      const retried = await slow.engine.upgrade(
        {
          release: id,
          chart: exampleChart('kubernetes-bootcamp'),
          values: { replicas: 2 },
          options: { wait: false },
        },
        request(),
      );
      expect(retried).toMatchObject({ status: 'deployed', revision: 2 });
    } finally {
      await slow.stop();
    }
  });
});
