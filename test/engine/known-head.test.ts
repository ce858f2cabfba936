/**
 * The worker reads a release's head before anything else (to wait for a release held by a live
 * operation without rendering) and hands it to the engine in the request's context: install and
 * upgrade take it instead of reading the head again. A head that is out of date by then still ends
 * in a correct revision, because the pending record is written under the store's own read.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configMapChart, release, request, startWorld, type World } from './world.ts';

describe('a head the caller has read', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world?.stop());

  it('is taken instead of a second read of the head', async () => {
    const id = release('known-head');
    const reads = vi.spyOn(world.store, 'getRelease');
    await world.engine.install({ release: id, chart: configMapChart() }, request({ head: null }));
    expect(reads).not.toHaveBeenCalled();
    const head = await world.store.getRelease(id);
    reads.mockClear();
    const upgraded = await world.engine.upgrade(
      { release: id, chart: configMapChart(), values: { n: 2 } },
      request({ head: head ?? null }),
    );
    expect(reads).not.toHaveBeenCalled();
    expect(upgraded).toMatchObject({ status: 'deployed', revision: 2, previousRevision: 1 });
    reads.mockRestore();
  });

  it('out of date (taken before another revision was made) still makes the next revision', async () => {
    const id = release('stale-head');
    await world.engine.install({ release: id, chart: configMapChart() }, request());
    const stale = await world.store.getRelease(id);
    await world.engine.upgrade({ release: id, chart: configMapChart(), values: { n: 2 } }, request());
    const third = await world.engine.upgrade(
      { release: id, chart: configMapChart(), values: { n: 3 } },
      request({ head: stale ?? null }),
    );
    expect(third).toMatchObject({ status: 'deployed', revision: 3 });
    const history = await world.store.history(id, { oldestFirst: true });
    expect(history.revisions.map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'deployed'],
    ]);
  });
});
