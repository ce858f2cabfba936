import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ManualClock, type ReleaseId, type Revision } from '../../lib/domain/index.ts';
import { DynamoDbDriver } from '../../lib/store/dynamodb.ts';
import { LOCAL_CLIENT_CONFIG } from '../../lib/store/dynamodb-local.ts';
import { ensureReleaseTable } from '../../lib/store/dynamodb-table.ts';
import {
  MemoryDriver,
  ReleaseExistsInStoreError,
  ReleaseStore,
  type StoreDriver,
} from '../../lib/store/index.ts';
import { beginInput, blog, body } from '../fixtures/store.ts';

const T0 = Date.UTC(2026, 0, 1);
let counter = 0;
const uniqueRelease = (): ReleaseId => ({ ...blog, namespace: `imp-${process.pid}-${++counter}` });

/** Helm's kept history of a release: revisions 3..7 (helm pruned 1 and 2), 6 a failed upgrade. */
function helmHistory(release: ReleaseId, manifestBytes = 40): Revision[] {
  return [3, 4, 5, 6, 7].map((n) => ({
    release,
    revision: n,
    status: n === 7 ? 'deployed' : n === 6 ? 'failed' : 'superseded',
    description:
      n === 6 ? 'Upgrade "blog" failed: timed out' : n === 7 ? 'Rollback to 5' : 'Upgrade complete',
    action: n === 7 ? 'rollback' : 'upgrade',
    chart: { name: 'ghost', version: `1.24.${n}`, appVersion: `1.24.${n}` },
    requestId: `helm:tools/blog.v${n}`,
    requestedBy: { principal: 'helm', channel: 'helm' },
    ...(n === 7 ? { rollbackTo: 5 } : {}),
    firstDeployed: new Date(T0).toISOString(),
    lastDeployed: new Date(T0 + n * 60_000).toISOString(),
    startedAt: new Date(T0 + n * 60_000).toISOString(),
    finishedAt: new Date(T0 + n * 60_000).toISOString(),
    // Random text, so that gzip cannot shrink it: its size is what the test asks for.
    body: body(`revision ${n}\n${randomBytes(manifestBytes).toString('base64')}\n`, { image: `ghost:${n}` }),
  }));
}

function importContract(name: string, makeDriver: () => Promise<StoreDriver>) {
  describe(`importing helm's history (${name})`, () => {
    it('keeps the numbers, statuses, descriptions and bodies, and the next revision follows the last', async () => {
      const store = new ReleaseStore(await makeDriver(), { clock: new ManualClock(T0 + 3_600_000) });
      const release = uniqueRelease();
      const imported = await store.importHistory({
        release,
        revisions: helmHistory(release),
        requestId: `import-${counter}`,
      });
      expect(imported.kind).toBe('imported');
      const history = await store.history(release, { limit: 20, oldestFirst: true });
      expect(history.revisions.map((r) => [r.revision, r.status, r.description])).toEqual([
        [3, 'superseded', 'Upgrade complete'],
        [4, 'superseded', 'Upgrade complete'],
        [5, 'superseded', 'Upgrade complete'],
        [6, 'failed', 'Upgrade "blog" failed: timed out'],
        [7, 'deployed', 'Rollback to 5'],
      ]);
      expect((await store.getRevision(release, 4)).body.config).toEqual({ image: 'ghost:4' });
      const summary = await store.getRelease(release);
      expect(summary).toMatchObject({ lastRevision: 7, deployedRevision: 7, status: 'deployed' });

      const next = await store.begin(
        beginInput({ release, requestId: `after-${counter}`, leaseExpiresAt: T0 + 4_000_000 }),
      );
      expect(next.kind === 'started' && next.lease.revision).toBe(8);
    });

    it('answers an import delivered twice as the first time, and takes nothing more from the same history', async () => {
      const store = new ReleaseStore(await makeDriver(), { clock: new ManualClock(T0) });
      const release = uniqueRelease();
      const requestId = `import-${counter}`;
      await store.importHistory({ release, revisions: helmHistory(release), requestId });
      expect((await store.importHistory({ release, revisions: helmHistory(release), requestId })).kind).toBe(
        'duplicate',
      );
      const again = await store.importHistory({
        release,
        revisions: helmHistory(release),
        requestId: `again-${counter}`,
      });
      expect(again.kind).toBe('up-to-date');
    });

    it("takes the revisions helm made after the store's last one, with the statuses helm gave", async () => {
      const store = new ReleaseStore(await makeDriver(), { clock: new ManualClock(T0) });
      const release = uniqueRelease();
      const history = helmHistory(release);
      await store.importHistory({ release, revisions: history, requestId: `first-${counter}` });
      // Helm went on: revision 7 superseded by its own upgrade 8.
      const [last] = helmHistory(release).slice(-1) as [Revision];
      const later = [
        ...history.slice(0, -1),
        { ...last, status: 'superseded' as const },
        {
          ...last,
          revision: 8,
          status: 'deployed' as const,
          description: 'Upgrade complete',
          action: 'upgrade' as const,
        },
      ];
      const continued = await store.importHistory({
        release,
        revisions: later,
        requestId: `second-${counter}`,
      });
      expect(continued).toMatchObject({ kind: 'continued', revisions: [8] });
      const revisions = (await store.history(release, { limit: 20, oldestFirst: true })).revisions;
      expect(revisions.slice(-2).map((r) => [r.revision, r.status])).toEqual([
        [7, 'superseded'],
        [8, 'deployed'],
      ]);
      expect(await store.getRelease(release)).toMatchObject({ lastRevision: 8, deployedRevision: 8 });
    });

    it('refuses to take helm revisions while an operation holds the release', async () => {
      const clock = new ManualClock(T0);
      const store = new ReleaseStore(await makeDriver(), { clock });
      const release = uniqueRelease();
      await store.importHistory({ release, revisions: helmHistory(release), requestId: `first-${counter}` });
      await store.begin(beginInput({ release, requestId: `op-${counter}`, leaseExpiresAt: T0 + 60_000 }));
      const [last] = helmHistory(release).slice(-1) as [Revision];
      await expect(
        store.importHistory({
          release,
          revisions: [{ ...last, revision: 9 }],
          requestId: `second-${counter}`,
        }),
      ).rejects.toBeInstanceOf(ReleaseExistsInStoreError);
    });

    it('imports a history too large for one transaction, behind a lease that keeps the numbers taken', async () => {
      // Small chunks make each revision many items: the import needs several transactions.
      const store = new ReleaseStore(await makeDriver(), { clock: new ManualClock(T0), chunkBytes: 64 });
      const release = uniqueRelease();
      const revisions = helmHistory(release, 6000);
      const transactions = countTransactions(store.driver);
      const imported = await store.importHistory({ release, revisions, requestId: `import-${counter}` });
      expect(imported.kind).toBe('imported');
      expect(transactions()).toBeGreaterThan(2);
      const summary = await store.getRelease(release);
      expect(summary?.lease).toBeUndefined();
      expect(summary).toMatchObject({ lastRevision: 7, revisionCount: 5 });
      expect((await store.getRevision(release, 3)).body.manifest).toContain('revision 3');
    });
  });
}

/** Counts the driver's transactions from now on. */
function countTransactions(driver: StoreDriver): () => number {
  let count = 0;
  const transact = driver.transact.bind(driver);
  driver.transact = (ops) => {
    count++;
    return transact(ops);
  };
  return () => count;
}

importContract('the memory driver', async () => new MemoryDriver());

const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: inject('dynamoEndpoint') });
afterAll(() => client.destroy());
let tables = 0;
importContract('DynamoDB Local', async () => {
  const tableName = `import-${process.pid}-${++tables}`;
  await ensureReleaseTable(client, tableName);
  return new DynamoDbDriver({ tableName, client });
});
