import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../lib/engine/index.ts';
import { bumpedChart, exampleChart, live, release, request, startWorld, type World } from './world.ts';

describe('story 1: blog — upgrade a StatefulSet, roll back by number', () => {
  let world: World;
  const blog = release('blog', 'tools');

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.stop());

  it('installs, upgrades, rolls back to 1, and shows Helm history', async () => {
    const installed = await world.engine.install(
      { release: blog, chart: exampleChart('ghost'), options: { createNamespace: true, timeoutMs: 30_000 } },
      request(),
    );
    expect(installed).toMatchObject({ status: 'deployed', revision: 1, description: 'Install complete' });
    const pod = await live(world.connection, '/api/v1/namespaces/tools/pods/blog-0');
    expect(pod?.spec.containers[0].image).toBe('ghost:1.24.8-alpine');

    const upgraded = await world.engine.upgrade(
      { release: blog, chart: bumpedChart('ghost', '1.24.9'), options: { timeoutMs: 30_000 } },
      request(),
    );
    expect(upgraded).toMatchObject({
      status: 'deployed',
      revision: 2,
      description: 'Upgrade complete',
      previousRevision: 1,
    });
    const replaced = await live(world.connection, '/api/v1/namespaces/tools/pods/blog-0');
    expect(replaced?.spec.containers[0].image).toBe('ghost:1.24.9-alpine');
    expect(replaced?.metadata.uid).not.toBe(pod?.metadata.uid);

    const rolledBack = await world.engine.rollback(
      { release: blog, revision: 1, options: { timeoutMs: 30_000 } },
      request(),
    );
    expect(rolledBack).toMatchObject({ status: 'deployed', revision: 3, description: 'Rollback to 1' });
    const statefulSet = await live(world.connection, '/apis/apps/v1/namespaces/tools/statefulsets/blog');
    expect(statefulSet?.spec.template.spec.containers[0].image).toBe('ghost:1.24.8-alpine');

    const history = await readHistory(world.store, blog);
    expect(
      history.map((r) => [
        r.revision,
        r.status,
        `${r.chart.name}-${r.chart.version}`,
        r.chart.appVersion,
        r.description,
      ]),
    ).toEqual([
      [1, 'superseded', 'ghost-1.24.8', '1.24.8', 'Install complete'],
      [2, 'superseded', 'ghost-1.24.9', '1.24.9', 'Upgrade complete'],
      [3, 'deployed', 'ghost-1.24.8', '1.24.8', 'Rollback to 1'],
    ]);

    const removed = await world.engine.uninstall({ release: blog }, request());
    expect(removed.status).toBe('uninstalled');
    for (const path of [
      '/apis/apps/v1/namespaces/tools/statefulsets/blog',
      '/api/v1/namespaces/tools/services/blog',
      '/apis/networking.k8s.io/v1/namespaces/tools/ingresses/blog',
    ]) {
      expect(await live(world.connection, path), path).toBeUndefined();
    }
    expect(await world.store.getRelease(blog)).toBeUndefined();
  });
});
