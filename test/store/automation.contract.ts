import { describe, expect, it } from 'vitest';
import { ManualClock, type ReleaseId } from '../../lib/domain/index.ts';
import { AutomationRecords, ReleaseStore, type StoreDriver } from '../../lib/store/index.ts';
import { beginInput, blog, body } from '../fixtures/store.ts';

let counter = 0;
function uniqueRelease(): ReleaseId {
  counter++;
  return { ...blog, namespace: `bake-${process.pid}-${counter}` };
}

async function deploy(store: ReleaseStore, release: ReleaseId, requestId: string, clock: ManualClock) {
  const begun = await store.begin(
    beginInput({ release, requestId, leaseExpiresAt: clock.now() + 60_000, historyMax: 3 }),
  );
  if (begun.kind === 'duplicate') throw new Error('unexpected duplicate');
  return store.finish({
    lease: begun.lease,
    status: 'deployed',
    description: 'Upgrade complete',
    body: body(),
  });
}

const bakeOf = (release: ReleaseId, revision: number, startedAt: number) => ({
  release,
  revision,
  requestId: `r${revision}`,
  action: 'upgrade' as const,
  chart: { name: 'ghost', version: '1.0.0' },
  startedAt,
  forMs: 15 * 60_000,
  alarms: ['blog-5xx'],
  health: true,
});

/** The automation's records, on every driver: bakes, the one claim per revision, the pause switch. */
export function automationRecordsContract(name: string, makeDriver: () => Promise<StoreDriver>): void {
  describe(`the automation's records on ${name}`, () => {
    const open = async () => {
      const driver = await makeDriver();
      const clock = new ManualClock();
      return { store: new ReleaseStore(driver, { clock }), records: new AutomationRecords(driver), clock };
    };
    const mine = async (records: AutomationRecords, release: ReleaseId) =>
      (await records.activeBakes()).filter((b) => b.release.namespace === release.namespace);

    it('opens a bake only for the deployed revision, once, and lists it as baking', async () => {
      const { store, records, clock } = await open();
      const release = uniqueRelease();
      await deploy(store, release, 'one', clock);
      await deploy(store, release, 'two', clock);
      expect(await records.startBake(bakeOf(release, 1, clock.now()))).toBe('not-deployed');
      expect(await records.startBake(bakeOf(release, 2, clock.now()))).toBe('started');
      expect(await records.startBake(bakeOf(release, 2, clock.now()))).toBe('exists');
      expect(await mine(records, release)).toEqual([
        { release, revision: 2, endsAt: clock.now() + 15 * 60_000, alarms: ['blog-5xx'], health: true },
      ]);
      expect((await records.getBake(release, 2))?.state).toBe('baking');
    });

    it('ends an open bake unverified when the next revision starts its own', async () => {
      const { store, records, clock } = await open();
      const release = uniqueRelease();
      await deploy(store, release, 'one', clock);
      await records.startBake(bakeOf(release, 1, clock.now()));
      await deploy(store, release, 'two', clock);
      expect(await records.startBake(bakeOf(release, 2, clock.now()))).toBe('started');
      expect(await records.getBake(release, 1)).toMatchObject({
        state: 'ended',
        reason: 'revision 2 was deployed before the bake ended',
      });
      expect((await mine(records, release)).map((b) => b.revision)).toEqual([2]);
    });

    it('lets exactly one of two claims have the revision’s automatic rollback', async () => {
      const { store, records, clock } = await open();
      const release = uniqueRelease();
      await deploy(store, release, 'one', clock);
      await records.startBake(bakeOf(release, 1, clock.now()));
      const claim = (alarm: string) =>
        records.claimRollback(release, 1, {
          at: clock.now(),
          reason: `alarm "${alarm}" fired during bake of revision 1`,
          cause: 'alarm',
          alarm,
        });
      const [a, b] = await Promise.all([claim('blog-5xx'), claim('blog-latency')]);
      expect([a.claimed, b.claimed].filter(Boolean)).toHaveLength(1);
      expect(a.record?.state).toBe('failed');
      expect(await mine(records, release)).toEqual([]);
      expect(await records.closeBake(release, 1, { state: 'verified', at: clock.now() })).toBe(false);
    });

    it('verifies a bake once, and no claim comes after', async () => {
      const { store, records, clock } = await open();
      const release = uniqueRelease();
      await deploy(store, release, 'one', clock);
      await records.startBake(bakeOf(release, 1, clock.now()));
      expect(await records.closeBake(release, 1, { state: 'verified', at: clock.now() })).toBe(true);
      const late = await records.claimRollback(release, 1, {
        at: clock.now(),
        reason: 'late',
        cause: 'health',
      });
      expect(late.claimed).toBe(false);
      expect(late.record?.state).toBe('verified');
    });

    it('says trouble seen while paused once, and keeps the pause switch', async () => {
      const { store, records, clock } = await open();
      const release = uniqueRelease();
      expect(await records.getPause(release)).toBeUndefined();
      await records.setPaused(release, { paused: true, by: 'alice', at: '2026-01-01T00:00:00.000Z' });
      expect(await records.getPause(release)).toEqual({
        paused: true,
        by: 'alice',
        at: '2026-01-01T00:00:00.000Z',
      });
      await deploy(store, release, 'one', clock);
      await records.startBake(bakeOf(release, 1, clock.now()));
      expect(await records.noteIgnored(release, 1, 'alarm "a"')).toBe(true);
      expect(await records.noteIgnored(release, 1, 'alarm "b"')).toBe(false);
      expect((await records.getBake(release, 1))?.ignored).toBe('alarm "a"');
    });

    it('deletes the bake record of a revision that history-max prunes', async () => {
      const { store, records, clock } = await open();
      const release = uniqueRelease();
      await deploy(store, release, 'one', clock);
      await records.startBake(bakeOf(release, 1, clock.now()));
      for (const id of ['two', 'three', 'four']) await deploy(store, release, id, clock);
      expect((await store.history(release)).revisions.map((r) => r.revision)).toEqual([4, 3, 2]);
      expect(await records.listBakes(release)).toEqual([]);
    });
  });
}
