import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/domain/index.ts';
import { readHistory } from '../../lib/engine/index.ts';
import { configMapChart, release, request, startWorld, type World } from './world.ts';

describe('history-max as helm applies it', () => {
  let world: World;
  const chart = configMapChart();
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.stop());

  it('keeps 10 revisions after 30 upgrades of which 10 failed, the deployed one among them', async () => {
    const id = release('history-max');
    const options = { historyMax: 10, wait: false, timeoutMs: 20_000 };
    await world.engine.install({ release: id, chart, values: { count: 1 }, options }, request());
    const statuses: string[] = [];
    for (let i = 1; i <= 30; i++) {
      // Every third upgrade names its ConfigMap with an underscore, which the API server refuses.
      const suffix = i % 3 === 0 ? '_bad' : '';
      const result = await world.engine.upgrade(
        { release: id, chart, values: { count: 1, suffix }, options },
        request(),
      );
      statuses.push(result.status);
    }
    expect(statuses.filter((s) => s === 'failed')).toHaveLength(10);
    const history = await readHistory(world.store, id);
    expect(history.map((r) => r.revision)).toEqual(Array.from({ length: 10 }, (_, i) => 22 + i));
    // Revision 31 (the 30th upgrade) failed; 30 is the deployed one and is kept.
    expect(history.filter((r) => r.status === 'deployed').map((r) => r.revision)).toEqual([30]);
  });

  it('never prunes the deployed revision, however many failures follow it', async () => {
    const id = release('history-max-deployed');
    const options = { historyMax: 3, wait: false, timeoutMs: 20_000 };
    await world.engine.install({ release: id, chart, values: { count: 1 }, options }, request());
    for (let i = 0; i < 5; i++) {
      const failed = await world.engine.upgrade(
        { release: id, chart, values: { count: 1, suffix: '_bad' }, options },
        request(),
      );
      expect(failed.status).toBe('failed');
    }
    const history = await readHistory(world.store, id);
    expect(history.map((r) => [r.revision, r.status])).toEqual([
      [1, 'deployed'],
      [5, 'failed'],
      [6, 'failed'],
    ]);
  });

  it('refuses to read a history of fewer than one revision, before asking the store', async () => {
    const id = release('history-max');
    await expect(readHistory(world.store, id, 0)).rejects.toBeInstanceOf(ValidationError);
    await expect(readHistory(world.store, id, 0)).rejects.toThrow(
      'max: must be a whole number of at least 1',
    );
  });
});
