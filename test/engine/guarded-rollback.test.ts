import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory, StaleGuardError } from '../../lib/engine/index.ts';
import { parseDeployRequest } from '../../lib/requests/index.ts';
import { exampleChart, release, request, startWorld, type World } from './world.ts';

const OPTIONS = { timeoutMs: 20_000 };

describe('a guarded rollback (a chat button, an automation)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world?.stop());

  it('rolls back while the revision it was made for is the latest', async () => {
    const id = release('guarded');
    const chart = exampleChart('kubernetes-bootcamp');
    await world.engine.install({ release: id, chart, values: { replicas: 1 }, options: OPTIONS }, request());
    await world.engine.upgrade({ release: id, chart, values: { replicas: 2 }, options: OPTIONS }, request());
    const result = await world.engine.rollback(
      { release: id, revision: 1, guard: 2, options: OPTIONS },
      request(),
    );
    expect(result).toMatchObject({
      status: 'deployed',
      revision: 3,
      rollbackTo: 1,
      description: 'Rollback to 1',
    });
  });

  it('never rolls back a newer deploy: refused, nothing recorded or applied', async () => {
    const id = release('stale-guard');
    const chart = exampleChart('kubernetes-bootcamp');
    await world.engine.install({ release: id, chart, values: { replicas: 1 }, options: OPTIONS }, request());
    await world.engine.upgrade({ release: id, chart, values: { replicas: 2 }, options: OPTIONS }, request());
    // The button was made for revision 2; revision 3 was deployed since.
    await world.engine.upgrade({ release: id, chart, values: { replicas: 3 }, options: OPTIONS }, request());
    const refused = world.engine.rollback(
      { release: id, revision: 1, guard: 2, options: OPTIONS },
      request(),
    );
    await expect(refused).rejects.toBeInstanceOf(StaleGuardError);
    await expect(refused).rejects.toThrow(
      'rollback of "stale-guard" was made for revision 2, but revision 3 is the latest now: nothing was rolled back',
    );
    expect((await readHistory(world.store, id)).map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'deployed'],
    ]);
  });

  it('is a rollback-only field of the DeployRequest', () => {
    const base = {
      version: 'v1',
      requestId: 'g-1',
      release: { cluster: 'c', namespace: 'n', name: 'blog' },
      requestedBy: { principal: 'slack:UALICE (alice)', channel: 'chatops' },
      requestedAt: '2026-11-23T03:00:00Z',
    };
    const rollback = parseDeployRequest({ ...base, action: 'rollback', revision: 1, guard: { revision: 4 } });
    expect(rollback.ok && rollback.request).toMatchObject({ action: 'rollback', guard: { revision: 4 } });
    const upgrade = parseDeployRequest({
      ...base,
      action: 'upgrade',
      chart: { oci: 'oci://r/c' },
      guard: { revision: 4 },
    });
    expect(upgrade.ok).toBe(false);
    expect(!upgrade.ok && upgrade.problems.map((p) => p.field)).toEqual(['guard']);
    expect(parseDeployRequest({ ...base, action: 'rollback', guard: { revision: 0 } }).ok).toBe(false);
  });
});
