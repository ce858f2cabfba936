import { describe, expect, it } from 'vitest';
import {
  ManualClock,
  QuaysideError,
  type ReleaseId,
  ReleaseNotFoundError,
  RevisionNotFoundError,
} from '../../lib/domain/index.ts';
import {
  LeaseLostError,
  OperationInProgressError,
  ReleaseStore,
  type ReleaseStoreOptions,
  RequestIdReusedError,
  StoreCorruptionError,
  type StoreDriver,
} from '../../lib/store/index.ts';
import { beginInput, blog, body, CrashingDriver, largeManifest, SimulatedCrash } from '../fixtures/store.ts';

/** A fresh, empty table for each test. */
export type DriverFactory = () => Promise<StoreDriver>;

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

let counter = 0;
/** Release names unique per test, so tests can share one table. */
function uniqueRelease(name = 'blog'): ReleaseId {
  counter++;
  return { ...blog, namespace: `ns-${process.pid}-${counter}`, name };
}

async function deploy(
  store: ReleaseStore,
  input: {
    release: ReleaseId;
    requestId: string;
    clock: ManualClock;
    action?: 'install' | 'upgrade';
    manifest?: string;
  },
) {
  const started = await store.begin(
    beginInput({
      release: input.release,
      requestId: input.requestId,
      action: input.action ?? 'upgrade',
      leaseExpiresAt: input.clock.now() + 5 * MINUTE,
    }),
  );
  if (started.kind === 'duplicate') throw new Error('unexpected duplicate');
  return store.finish({
    lease: started.lease,
    status: 'deployed',
    description: input.action === 'install' ? 'Install complete' : 'Upgrade complete',
    body: body(input.manifest ?? `revision of ${input.requestId}\n`),
  });
}

async function allRevisions(store: ReleaseStore, release: ReleaseId) {
  const revisions = [];
  let cursor: string | undefined;
  do {
    const page = await store.history(release, { oldestFirst: true, limit: 7, ...(cursor ? { cursor } : {}) });
    revisions.push(...page.revisions);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return revisions;
}

export function releaseStoreContract(name: string, makeDriver: DriverFactory): void {
  describe(`ReleaseStore on ${name}`, () => {
    async function open(options: ReleaseStoreOptions = {}) {
      const clock = new ManualClock(T0);
      const driver = await makeDriver();
      return { clock, driver, store: new ReleaseStore(driver, { clock, ...options }) };
    }

    it('records an install as revision 1, pending until finished, then deployed', async () => {
      const { store, clock } = await open();
      const release = uniqueRelease();
      const started = await store.begin(
        beginInput({ release, requestId: 'r1', action: 'install', leaseExpiresAt: clock.now() + MINUTE }),
      );
      expect(started.kind).toBe('started');
      if (started.kind !== 'started') return;
      expect(started.revision).toMatchObject({
        revision: 1,
        status: 'pending-install',
        description: 'Initial install underway',
      });
      const done = await store.finish({
        lease: started.lease,
        status: 'deployed',
        description: 'Install complete',
        body: body(),
      });
      expect(done).toMatchObject({ revision: 1, status: 'deployed', description: 'Install complete' });
      expect(done.firstDeployed).toBe(new Date(T0).toISOString());
      const summary = await store.getRelease(release);
      expect(summary).toMatchObject({
        status: 'deployed',
        deployedRevision: 1,
        lastRevision: 1,
        revisionCount: 1,
      });
      expect(summary?.lease).toBeUndefined();
    });

    it('supersedes the deployed revision when an upgrade deploys, leaving exactly one deployed', async () => {
      const { store, clock } = await open();
      const release = uniqueRelease();
      await deploy(store, { release, requestId: 'a', clock, action: 'install' });
      clock.advance(MINUTE);
      await deploy(store, { release, requestId: 'b', clock });
      const revisions = await allRevisions(store, release);
      expect(revisions.map((r) => [r.revision, r.status, r.description])).toEqual([
        [1, 'superseded', 'Install complete'],
        [2, 'deployed', 'Upgrade complete'],
      ]);
      expect(revisions[1]?.firstDeployed).toBe(revisions[0]?.firstDeployed);
    });

    it('marks a failed upgrade failed and keeps the previous revision deployed', async () => {
      const { store, clock } = await open();
      const release = uniqueRelease();
      await deploy(store, { release, requestId: 'a', clock, action: 'install' });
      const started = await store.begin(
        beginInput({ release, requestId: 'b', leaseExpiresAt: clock.now() + MINUTE }),
      );
      if (started.kind !== 'started') throw new Error('expected started');
      await store.finish({
        lease: started.lease,
        status: 'failed',
        description: 'Upgrade "blog" failed: ImagePullBackOff',
      });
      const revisions = await allRevisions(store, release);
      expect(revisions.map((r) => r.status)).toEqual(['deployed', 'failed']);
      expect((await store.getRelease(release))?.deployedRevision).toBe(1);
      const attention = await store.needingAttention({ cluster: release.cluster });
      expect(attention).toContainEqual({ release, reason: 'failed' });
    });

    it('stores a rollback as a new revision carrying the target revision body', async () => {
      const { store, clock } = await open();
      const release = uniqueRelease();
      await deploy(store, { release, requestId: 'a', clock, action: 'install', manifest: 'v1\n' });
      await deploy(store, { release, requestId: 'b', clock, manifest: 'v2\n' });
      const target = await store.getRevision(release, 1);
      const started = await store.begin(
        beginInput({
          release,
          requestId: 'c',
          action: 'rollback',
          rollbackTo: 1,
          chart: target.chart,
          body: target.body,
          leaseExpiresAt: clock.now() + MINUTE,
        }),
      );
      if (started.kind !== 'started') throw new Error('expected started');
      expect(started.revision).toMatchObject({
        revision: 3,
        status: 'pending-rollback',
        description: 'Rollback to 1',
      });
      await store.finish({ lease: started.lease, status: 'deployed', description: 'Rollback to 1' });
      const third = await store.getRevision(release, 3);
      expect(third.body.manifest).toBe('v1\n');
      expect(third.rollbackTo).toBe(1);
      expect((await allRevisions(store, release)).map((r) => r.status)).toEqual([
        'superseded',
        'superseded',
        'deployed',
      ]);
    });

    it('refuses a second operation while the lease is live, naming the holder and expiry', async () => {
      const { store, clock } = await open();
      const release = uniqueRelease();
      const expiry = clock.now() + 10 * MINUTE;
      await store.begin(beginInput({ release, requestId: 'first', leaseExpiresAt: expiry }));
      const error = await store.begin(beginInput({ release, requestId: 'second' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OperationInProgressError);
      expect(error).toMatchObject({ requestId: 'first', expiresAt: new Date(expiry).toISOString() });
      expect((error as Error).message).toContain('request first');
    });

    describe('heartbeat leases (30 s leases on a clock moved by hand)', () => {
      const TTL = 30_000;
      async function openTimed() {
        const clock = new ManualClock(T0);
        const driver = await makeDriver();
        return { clock, store: new ReleaseStore(driver, { clock, timers: clock }) };
      }
      /** Moves the clock in heartbeat-sized steps, letting each renewal finish before the next. */
      async function pass(clock: ManualClock, store: ReleaseStore, ms: number) {
        for (let moved = 0; moved < ms; moved += TTL / 3) {
          clock.advance(Math.min(TTL / 3, ms - moved));
          await store.renewalsSettled();
        }
      }

      it('keeps the short lease of a live holder renewed past its first expiry, and tells waiters which revision they wait for', async () => {
        const { clock, store } = await openTimed();
        const release = uniqueRelease();
        const begun = await store.begin(
          beginInput({
            release,
            requestId: 'holder',
            action: 'install',
            leaseExpiresAt: clock.now() + TTL,
            renewUntil: clock.now() + 10 * MINUTE,
          }),
        );
        if (begun.kind !== 'started') throw new Error('expected started');
        await pass(clock, store, 2 * MINUTE);
        const error = await store
          .begin(beginInput({ release, requestId: 'waiter' }))
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(OperationInProgressError);
        expect(error).toMatchObject({ requestId: 'holder', revision: 1, deadline: T0 + 10 * MINUTE });
        expect((error as Error).message).toBe(
          `waiting for revision 1 of release "${release.cluster}/${release.namespace}/${release.name}" (held by request holder)`,
        );
        expect(store.leaseSignal(begun.lease)?.aborted).toBe(false);
        await store.finish({
          lease: begun.lease,
          status: 'deployed',
          description: 'Install complete',
          body: body(),
        });
        expect((await store.getRelease(release))?.lease).toBeUndefined();
      });

      it('lets the lease of a dead holder lapse within one lease, and the next request marks its revision interrupted', async () => {
        const { clock, store } = await openTimed();
        const release = uniqueRelease();
        const begun = await store.begin(
          beginInput({
            release,
            requestId: 'dies',
            action: 'install',
            leaseExpiresAt: clock.now() + TTL,
            renewUntil: clock.now() + 10 * MINUTE,
          }),
        );
        if (begun.kind !== 'started') throw new Error('expected started');
        await pass(clock, store, 20_000);
        // The holder's process dies: nothing renews the lease any more.
        await store.stopRenewing(begun.lease);
        clock.advance(TTL + 1);
        const next = await store.begin(
          beginInput({ release, requestId: 'next', action: 'install', leaseExpiresAt: clock.now() + TTL }),
        );
        if (next.kind !== 'started') throw new Error('expected started');
        expect(next.interrupted).toMatchObject({ revision: 1, status: 'failed' });
        expect(next.revision.revision).toBe(2);
      });

      it('stops renewing at the deadline of the holder, so a stuck holder cannot keep the release forever', async () => {
        const { clock, store } = await openTimed();
        const release = uniqueRelease();
        const begun = await store.begin(
          beginInput({
            release,
            requestId: 'stuck',
            action: 'install',
            leaseExpiresAt: clock.now() + TTL,
            renewUntil: clock.now() + TTL,
          }),
        );
        if (begun.kind !== 'started') throw new Error('expected started');
        await pass(clock, store, 3 * TTL);
        expect(await store.interrupt(release)).toMatchObject({ revision: 1, status: 'failed' });
        await expect(
          store.finish({ lease: begun.lease, status: 'deployed', description: 'Install complete' }),
        ).rejects.toBeInstanceOf(LeaseLostError);
      });

      it('aborts the signal of a holder when another holder took the lease over', async () => {
        const { clock, store } = await openTimed();
        const release = uniqueRelease();
        const begun = await store.begin(
          beginInput({
            release,
            requestId: 'slow',
            action: 'install',
            leaseExpiresAt: clock.now() + TTL,
            renewUntil: clock.now() + 10 * MINUTE,
          }),
        );
        if (begun.kind !== 'started') throw new Error('expected started');
        // Another process sees the lease as expired (its clock runs ahead) and takes it.
        const ahead = new ManualClock(T0 + 10 * MINUTE);
        const other = new ReleaseStore(store.driver, { clock: ahead, timers: ahead });
        await other.begin(
          beginInput({ release, requestId: 'taker', action: 'install', leaseExpiresAt: ahead.now() + TTL }),
        );
        await pass(clock, store, TTL / 3);
        expect(store.leaseSignal(begun.lease)?.aborted).toBe(true);
        await store.stopRenewing(begun.lease);
      });
    });

    it('interrupts an expired operation for the sweeper, and leaves a live one alone', async () => {
      const { store, clock } = await open();
      const release = uniqueRelease();
      await deploy(store, { release, requestId: 'a', clock, action: 'install' });
      await store.begin(beginInput({ release, requestId: 'killed', leaseExpiresAt: clock.now() + MINUTE }));
      expect(await store.interrupt(release)).toBeUndefined();
      clock.advance(2 * MINUTE);
      const interrupted = await store.interrupt(release);
      expect(interrupted).toMatchObject({ revision: 2, status: 'failed' });
      expect(interrupted?.description).toMatch(/^Upgrade interrupted/);
      const head = await store.getRelease(release);
      expect(head).toMatchObject({ status: 'failed', deployedRevision: 1, latestRevision: 2 });
      expect(head?.lease).toBeUndefined();
      expect(await store.interrupt(release)).toBeUndefined();
      expect(await store.needingAttention()).toContainEqual(
        expect.objectContaining({ release, reason: 'failed' }),
      );
      // The release carries on: the next upgrade is revision 3.
      const next = await store.begin(
        beginInput({ release, requestId: 'after', leaseExpiresAt: clock.now() + MINUTE }),
      );
      expect(next.kind === 'started' && next.revision.revision).toBe(3);
    });

    it('takes over an expired lease and marks the interrupted revision failed', async () => {
      const { store, clock } = await open();
      const release = uniqueRelease();
      await deploy(store, { release, requestId: 'a', clock, action: 'install' });
      await store.begin(beginInput({ release, requestId: 'crashed', leaseExpiresAt: clock.now() + MINUTE }));
      clock.advance(2 * MINUTE);
      expect(await store.needingAttention()).toContainEqual(
        expect.objectContaining({ release, reason: 'lease-expired' }),
      );
      const next = await store.begin(
        beginInput({ release, requestId: 'next', leaseExpiresAt: clock.now() + MINUTE }),
      );
      if (next.kind !== 'started') throw new Error('expected started');
      expect(next.revision.revision).toBe(3);
      expect(next.interrupted).toMatchObject({ revision: 2, status: 'failed' });
      expect(next.interrupted?.description).toMatch(
        /^Upgrade interrupted: the operation's lease held by .* expired at/,
      );
      const stored = await store.getRevisionMeta(release, 2);
      expect(stored.status).toBe('failed');
    });

    it('keeps the body recorded before applying on a revision whose run was interrupted', async () => {
      const { store, clock } = await open({ chunkBytes: 64 * 1024 });
      const release = uniqueRelease();
      await deploy(store, { release, requestId: 'a', clock, action: 'install' });
      const begun = await store.begin(
        beginInput({
          release,
          requestId: 'crashed',
          body: body('small: manifest\n'),
          leaseExpiresAt: clock.now() + MINUTE,
        }),
      );
      if (begun.kind !== 'started') throw new Error('expected started');
      // Rendered again for another revision number: a larger body replaces the one given to begin.
      const manifest = largeManifest(500_000);
      const lease = await store.recordBody(begun.lease, body(manifest));
      expect(lease.bodyChunks).toBeGreaterThan(1);
      await store.recordBody(lease, body('smaller: again\n'));
      clock.advance(2 * MINUTE);
      await store.begin(beginInput({ release, requestId: 'next', leaseExpiresAt: clock.now() + MINUTE }));
      const interrupted = await store.getRevision(release, 2);
      expect(interrupted.status).toBe('failed');
      expect(interrupted.body.manifest).toBe('smaller: again\n');
      await expect(store.recordBody(lease, body('late\n'))).rejects.toBeInstanceOf(LeaseLostError);
    });

    it('returns the existing revision for a request id it has already recorded', async () => {
      const { store, clock } = await open();
      const release = uniqueRelease();
      const first = await deploy(store, { release, requestId: 'same', clock, action: 'install' });
      const again = await store.begin(
        beginInput({ release, requestId: 'same', leaseExpiresAt: clock.now() + MINUTE }),
      );
      expect(again).toEqual({ kind: 'duplicate', revision: first });
      expect(await allRevisions(store, release)).toHaveLength(1);
    });

    it('answers a duplicate delivery that raced in between findRequest and begin as the first run holds it', async () => {
      const { store, clock, driver } = await open();
      const other = new ReleaseStore(driver, { clock });
      const release = uniqueRelease();
      // This worker finds the request new (and remembers so, to skip the read in begin)…
      expect(await store.findRequest(release, 'raced')).toBeUndefined();
      // …while another delivery of it begins first.
      const first = await other.begin(
        beginInput({ release, requestId: 'raced', action: 'install', leaseExpiresAt: clock.now() + MINUTE }),
      );
      expect(first.kind).toBe('started');
      await expect(
        store.begin(
          beginInput({
            release,
            requestId: 'raced',
            action: 'install',
            leaseExpiresAt: clock.now() + MINUTE,
          }),
        ),
      ).rejects.toBeInstanceOf(OperationInProgressError);
      expect(await allRevisions(store, release)).toHaveLength(1);
      // Once the first run finished, the same delivery is a duplicate with its revision.
      if (first.kind !== 'started') return;
      const done = await other.finish({
        lease: first.lease,
        status: 'deployed',
        description: 'Install complete',
      });
      expect(await store.findRequest(release, 'raced')).toEqual({ revision: done });
    });

    it('answers a duplicate whose first run finished in between findRequest and begin, writing nothing', async () => {
      const { store, clock, driver } = await open();
      const other = new ReleaseStore(driver, { clock });
      const release = uniqueRelease();
      expect(await store.findRequest(release, 'raced-done')).toBeUndefined();
      const done = await deploy(other, { release, requestId: 'raced-done', clock, action: 'install' });
      // The release is free, so only the request record's own condition stops a second revision.
      const again = await store.begin(
        beginInput({
          release,
          requestId: 'raced-done',
          action: 'install',
          leaseExpiresAt: clock.now() + MINUTE,
        }),
      );
      expect(again).toEqual({ kind: 'duplicate', revision: done });
      expect(await allRevisions(store, release)).toHaveLength(1);
    });

    it('resumes the same revision when a request is redelivered after its run died', async () => {
      const { store, clock } = await open();
      const release = uniqueRelease();
      const first = await store.begin(
        beginInput({ release, requestId: 'r', action: 'install', leaseExpiresAt: clock.now() + MINUTE }),
      );
      clock.advance(2 * MINUTE);
      const again = await store.begin(
        beginInput({ release, requestId: 'r', action: 'install', leaseExpiresAt: clock.now() + MINUTE }),
      );
      expect(again.kind).toBe('resumed');
      if (again.kind !== 'resumed' || first.kind !== 'started') return;
      expect(again.revision.revision).toBe(1);
      expect(again.lease.owner).not.toBe(first.lease.owner);
      await expect(
        store.finish({ lease: first.lease, status: 'deployed', description: 'x' }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      await store.finish({ lease: again.lease, status: 'deployed', description: 'Install complete' });
      expect((await allRevisions(store, release)).map((r) => r.status)).toEqual(['deployed']);
    });

    it('refuses a request id recorded with another content digest, in begin and findRequest', async () => {
      const { store, clock } = await open();
      const release = uniqueRelease();
      const begun = await store.begin(
        beginInput({
          release,
          requestId: 'digested',
          requestDigest: 'aaa',
          leaseExpiresAt: clock.now() + MINUTE,
        }),
      );
      if (begun.kind !== 'started') throw new Error('expected started');
      await store.finish({ lease: begun.lease, status: 'deployed', description: 'Upgrade complete' });
      expect(await store.findRequest(release, 'digested', { digest: 'aaa' })).toMatchObject({
        revision: { revision: 1 },
      });
      await expect(store.findRequest(release, 'digested', { digest: 'bbb' })).rejects.toBeInstanceOf(
        RequestIdReusedError,
      );
      await expect(
        store.begin(
          beginInput({
            release,
            requestId: 'digested',
            requestDigest: 'bbb',
            leaseExpiresAt: clock.now() + MINUTE,
          }),
        ),
      ).rejects.toThrow('was already used for a request with different content');
      // Without a digest to compare (an older record, or a caller that has none), the id matches as before.
      expect(
        await store.begin(
          beginInput({ release, requestId: 'digested', leaseExpiresAt: clock.now() + MINUTE }),
        ),
      ).toMatchObject({
        kind: 'duplicate',
      });
    });

    it('refuses a request id that was already used for another release', async () => {
      const { store, clock } = await open();
      const release = uniqueRelease();
      await deploy(store, { release, requestId: 'shared-id', clock, action: 'install' });
      const other = uniqueRelease('other');
      await expect(
        store.begin(beginInput({ release: other, requestId: 'shared-id' })),
      ).rejects.toBeInstanceOf(RequestIdReusedError);
    });

    it('pages history newest first and lists releases by namespace and cluster', async () => {
      const { store, clock } = await open({ historyMax: 0 });
      const release = uniqueRelease();
      for (let i = 1; i <= 5; i++)
        await deploy(store, { release, requestId: `h${i}`, clock, action: i === 1 ? 'install' : 'upgrade' });
      const first = await store.history(release, { limit: 2 });
      expect(first.revisions.map((r) => r.revision)).toEqual([5, 4]);
      const second = await store.history(release, { limit: 2, cursor: first.cursor as string });
      expect(second.revisions.map((r) => r.revision)).toEqual([3, 2]);
      const sibling = { ...release, name: 'api' };
      await deploy(store, {
        release: sibling,
        requestId: `${release.namespace}-api`,
        clock,
        action: 'install',
      });
      const inNamespace = await store.list({ cluster: release.cluster, namespace: release.namespace });
      expect(inNamespace.releases.map((r) => r.release.name)).toEqual(['api', 'blog']);
      const everywhere = await store.list({ cluster: release.cluster });
      expect(everywhere.releases.map((r) => r.release)).toEqual(expect.arrayContaining([release, sibling]));
    });

    it('prunes the oldest revisions beyond history-max but never the deployed one or a number', async () => {
      const { store, clock } = await open({ historyMax: 3 });
      const release = uniqueRelease();
      await deploy(store, { release, requestId: 'p1', clock, action: 'install' });
      // Revisions 2..5 fail: revision 1 stays deployed and must survive pruning.
      for (let i = 2; i <= 5; i++) {
        const started = await store.begin(
          beginInput({ release, requestId: `p${i}`, leaseExpiresAt: clock.now() + MINUTE }),
        );
        if (started.kind !== 'started') throw new Error('expected started');
        await store.finish({ lease: started.lease, status: 'failed', description: 'failed' });
      }
      // As helm: every new revision trims the history, failed ones too, around the deployed one.
      expect((await allRevisions(store, release)).map((r) => [r.revision, r.status])).toEqual([
        [1, 'deployed'],
        [4, 'failed'],
        [5, 'failed'],
      ]);
      await deploy(store, { release, requestId: 'p6', clock });
      const kept = await allRevisions(store, release);
      expect(kept.map((r) => [r.revision, r.status])).toEqual([
        [1, 'superseded'],
        [5, 'failed'],
        [6, 'deployed'],
      ]);
      await expect(store.getRevision(release, 4)).rejects.toBeInstanceOf(RevisionNotFoundError);
      const next = await deploy(store, { release, requestId: 'p7', clock });
      expect(next.revision).toBe(7);
      expect((await allRevisions(store, release)).map((r) => r.revision)).toEqual([5, 6, 7]);
      expect((await store.getRelease(release))?.revisionCount).toBe(3);
    });

    it('trims to the history-max a request asks for, whatever the store default', async () => {
      const { store, clock } = await open({ historyMax: 0 });
      const release = uniqueRelease();
      for (let i = 1; i <= 6; i++) await deploy(store, { release, requestId: `m${i}`, clock });
      const started = await store.begin(
        beginInput({ release, requestId: 'm7', historyMax: 2, leaseExpiresAt: clock.now() + MINUTE }),
      );
      if (started.kind !== 'started') throw new Error('expected started');
      expect((await allRevisions(store, release)).map((r) => [r.revision, r.status])).toEqual([
        [6, 'deployed'],
        [7, 'pending-upgrade'],
      ]);
    });

    it('keeps the deployed revision even when it is the oldest beyond history-max', async () => {
      const { store, clock } = await open({ historyMax: 0 });
      const release = uniqueRelease();
      await deploy(store, { release, requestId: 'k1', clock, action: 'install' });
      for (let i = 2; i <= 4; i++) {
        const started = await store.begin(
          beginInput({ release, requestId: `k${i}`, leaseExpiresAt: clock.now() + MINUTE }),
        );
        if (started.kind !== 'started') throw new Error('expected started');
        await store.finish({ lease: started.lease, status: 'failed', description: 'failed' });
      }
      await store.prune(release, 2);
      expect((await allRevisions(store, release)).map((r) => [r.revision, r.status])).toEqual([
        [1, 'deployed'],
        [4, 'failed'],
      ]);
    });

    it('uninstalls with keep-history as status uninstalled, and purges without it', async () => {
      const { store, clock } = await open();
      const release = uniqueRelease();
      await deploy(store, { release, requestId: 'u1', clock, action: 'install' });
      const keep = await store.begin(
        beginInput({ release, requestId: 'u2', action: 'uninstall', leaseExpiresAt: clock.now() + MINUTE }),
      );
      if (keep.kind !== 'started') throw new Error('expected started');
      expect(keep.revision).toMatchObject({ revision: 1, status: 'uninstalling' });
      await store.finish({
        lease: keep.lease,
        status: 'uninstalled',
        description: 'Uninstallation complete',
      });
      const summary = await store.getRelease(release);
      expect(summary).toMatchObject({ status: 'uninstalled', latestRevision: 1 });
      expect(summary).not.toHaveProperty('deployedRevision');

      const other = uniqueRelease();
      await deploy(store, {
        release: other,
        requestId: `${other.namespace}-1`,
        clock,
        action: 'install',
        manifest: largeManifest(900_000),
      });
      await deploy(store, { release: other, requestId: `${other.namespace}-2`, clock });
      const purge = await store.begin(
        beginInput({
          release: other,
          requestId: `${other.namespace}-3`,
          action: 'uninstall',
          leaseExpiresAt: clock.now() + MINUTE,
        }),
      );
      if (purge.kind !== 'started') throw new Error('expected started');
      await store.purge(purge.lease);
      expect(await store.getRelease(other)).toBeUndefined();
      expect((await store.history(other)).revisions).toEqual([]);
      await expect(
        store.begin(beginInput({ release: other, requestId: 'u9', action: 'uninstall' })),
      ).rejects.toBeInstanceOf(ReleaseNotFoundError);
    });

    it('round-trips a 5 MB rendered manifest byte for byte', async () => {
      const { store, clock } = await open();
      const release = uniqueRelease();
      const manifest = largeManifest(5 * 1024 * 1024);
      await deploy(store, { release, requestId: 'big', clock, action: 'install', manifest });
      const read = await store.getRevision(release, 1);
      expect(read.body.manifest.length).toBe(manifest.length);
      expect(read.body.manifest === manifest).toBe(true);
    });

    it('reports a corrupt revision item as a typed error naming the item', async () => {
      const { store, clock, driver } = await open();
      const release = uniqueRelease();
      await deploy(store, { release, requestId: 'c1', clock, action: 'install' });
      const pk = `R#${release.cluster}#${release.namespace}#${release.name}`;
      await driver.transact([
        {
          type: 'update',
          key: { pk, sk: 'REV#0000000001' },
          set: { status: 'exploded' },
          remove: ['requestId'],
        },
      ]);
      const error = await store.getRevisionMeta(release, 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreCorruptionError);
      expect((error as Error).message).toContain('REV#0000000001');
      expect((error as Error).message).toContain('status');
    });

    it('reports a damaged body as a typed error', async () => {
      const { store, clock, driver } = await open();
      const release = uniqueRelease();
      await deploy(store, { release, requestId: 'c2', clock, action: 'install' });
      const pk = `R#${release.cluster}#${release.namespace}#${release.name}`;
      await driver.transact([
        { type: 'update', key: { pk, sk: 'BODY#0000000001#0000' }, set: { data: new Uint8Array([1, 2, 3]) } },
      ]);
      await expect(store.getRevision(release, 1)).rejects.toBeInstanceOf(StoreCorruptionError);
    });

    it('gives 20 concurrent writers contiguous revisions and exactly one deployed', async () => {
      const { store, clock } = await open({ historyMax: 0 });
      const release = uniqueRelease();
      const writers = Array.from({ length: 20 }, async (_, i) => {
        for (;;) {
          try {
            return await deploy(store, { release, requestId: `w${i}`, clock, action: 'upgrade' });
          } catch (error) {
            // A live lease, or a lost race for it: both say "try again shortly".
            if (!(error instanceof QuaysideError && error.retryable)) throw error;
            await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 5));
          }
        }
      });
      await Promise.all(writers);
      const revisions = await allRevisions(store, release);
      expect(revisions.map((r) => r.revision)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(revisions.filter((r) => r.status === 'deployed')).toHaveLength(1);
      expect(new Set(revisions.map((r) => r.requestId)).size).toBe(20);
    });

    it('keeps invariants 1-4 when an upgrade crashes at any point and is redelivered', async () => {
      const probe = await open({ historyMax: 2 });
      const probeRelease = uniqueRelease();
      await deploy(probe.store, {
        release: probeRelease,
        requestId: 'seed',
        clock: probe.clock,
        action: 'install',
      });
      await deploy(probe.store, { release: probeRelease, requestId: 'seed2', clock: probe.clock });
      const counting = new CrashingDriver(probe.driver, 0, 'before');
      await deploy(new ReleaseStore(counting, { clock: probe.clock, historyMax: 2 }), {
        release: probeRelease,
        requestId: 'count',
        clock: probe.clock,
      });
      const calls = counting.calls;
      expect(calls).toBeGreaterThan(4);

      for (let crashAt = 1; crashAt <= calls; crashAt++) {
        for (const when of ['before', 'after'] as const) {
          const { driver, clock } = await open();
          const release = uniqueRelease();
          const healthy = new ReleaseStore(driver, { clock, historyMax: 2 });
          await deploy(healthy, { release, requestId: 'i1', clock, action: 'install' });
          await deploy(healthy, { release, requestId: 'i2', clock });
          const crashing = new ReleaseStore(new CrashingDriver(driver, crashAt, when), {
            clock,
            historyMax: 2,
          });
          await expect(deploy(crashing, { release, requestId: 'upgrade', clock })).rejects.toBeInstanceOf(
            SimulatedCrash,
          );

          // The queue redelivers after the visibility timeout, well past the lease.
          clock.advance(10 * MINUTE);
          const retry = await healthy.begin(
            beginInput({ release, requestId: 'upgrade', leaseExpiresAt: clock.now() + MINUTE }),
          );
          if (retry.kind !== 'duplicate') {
            await healthy.finish({
              lease: retry.lease,
              status: 'deployed',
              description: 'Upgrade complete',
              body: body('upgraded\n'),
            });
          }
          await healthy.prune(release, 2);
          const revisions = await allRevisions(healthy, release);
          const label = `crash ${when} call ${crashAt}`;
          const numbers = revisions.map((r) => r.revision);
          expect(numbers, label).toEqual([...numbers].sort((a, b) => a - b));
          expect(new Set(numbers).size, label).toBe(numbers.length);
          const head = await healthy.getRelease(release);
          expect(head?.lastRevision, label).toBe(3);
          expect(head?.lease, label).toBeUndefined();
          expect(
            revisions.filter((r) => r.status === 'deployed').map((r) => r.requestId),
            label,
          ).toEqual(['upgrade']);
          expect(
            revisions.filter((r) => r.requestId === 'upgrade'),
            label,
          ).toHaveLength(1);
          expect(
            revisions.some((r) => r.status.startsWith('pending')),
            label,
          ).toBe(false);
          expect((await healthy.getRevision(release, 3)).body.manifest, label).toMatch(/upgrade/);
        }
      }
    });
  });
}
