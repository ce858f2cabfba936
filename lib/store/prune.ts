import { isPending, type ReleaseId } from '../domain/index.ts';
import { decodeRevisionMeta } from './codec.ts';
import type { StoreContext } from './context.ts';
import { MAX_TRANSACTION_OPS, type WriteOp } from './driver.ts';
import { TransactionConflictError } from './errors.ts';
import { decodeHead } from './head.ts';
import { bakeKey, bodyKey, headKey, REVISION_PREFIX, releasePk, revisionKey, revisionSk } from './keys.ts';
import type { Lease } from './types.ts';

/**
 * Deletes the oldest revisions beyond `historyMax`, never the deployed one nor
 * one in progress. Revision numbers are never reused: the head keeps the last.
 * Safe to repeat; a crash part way leaves a consistent, merely longer, history.
 * @returns how many revisions were deleted.
 */
export async function pruneHistory(
  ctx: StoreContext,
  release: ReleaseId,
  historyMax: number,
): Promise<number> {
  if (historyMax <= 0) return 0;
  const item = await ctx.driver.get(headKey(release), { consistent: true });
  if (item === undefined) return 0;
  const head = decodeHead(item);
  const excess = head.revisionCount - historyMax;
  if (excess <= 0) return 0;

  const doomed: Array<{ revision: number; status: string; chunks: number }> = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.driver.query({
      pk: releasePk(release),
      sk: { beginsWith: REVISION_PREFIX },
      limit: excess + 2,
      consistent: true,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const revisionItem of page.items) {
      const { meta, bodyChunks } = decodeRevisionMeta(release, revisionItem);
      if (meta.status === 'deployed' || isPending(meta.status)) continue;
      if (doomed.length < excess)
        doomed.push({ revision: meta.revision, status: meta.status, chunks: bodyChunks });
    }
    cursor = page.cursor;
  } while (cursor !== undefined && doomed.length < excess);

  let deleted = 0;
  let batch: WriteOp[] = [];
  let batchRevisions = 0;
  const flush = async (): Promise<void> => {
    if (batchRevisions === 0) return;
    batch.push({
      type: 'update',
      key: headKey(release),
      add: { revisionCount: -batchRevisions },
      condition: { op: 'itemExists' },
    });
    try {
      await ctx.driver.transact(batch);
      deleted += batchRevisions;
    } catch (error) {
      // A revision changed status meanwhile (a rollback is reading it, say): leave it for the next prune.
      if (!(error instanceof TransactionConflictError)) throw error;
    }
    batch = [];
    batchRevisions = 0;
  };
  for (const victim of doomed) {
    if (batch.length + victim.chunks + 3 > MAX_TRANSACTION_OPS) await flush();
    batch.push({
      type: 'delete',
      key: revisionKey(release, victim.revision),
      condition: { op: 'eq', name: 'status', value: victim.status },
    });
    for (let chunk = 0; chunk < victim.chunks; chunk++) {
      batch.push({ type: 'delete', key: bodyKey(release, victim.revision, chunk) });
    }
    // The automation's bake record of the revision, if it had one, goes with it.
    batch.push({ type: 'delete', key: bakeKey(release, victim.revision) });
    batchRevisions++;
  }
  await flush();
  return deleted;
}

/**
 * Deletes every item of a release (uninstall without --keep-history), under
 * its lease. The leased revision and the head go last, in one transaction, so
 * a crash part way leaves a release that the redelivered request can finish.
 * @throws TransactionConflictError when the lease was lost.
 */
export async function purgeRelease(ctx: StoreContext, lease: Lease): Promise<void> {
  const pk = releasePk(lease.release);
  const leaseCheck: WriteOp = {
    type: 'check',
    key: headKey(lease.release),
    condition: { op: 'eq', name: 'leaseOwner', value: lease.owner },
  };
  const lastKeys = new Set([headKey(lease.release).sk, revisionSk(lease.revision)]);
  let cursor: string | undefined;
  do {
    const page = await ctx.driver.query({
      pk,
      limit: MAX_TRANSACTION_OPS - 1,
      consistent: true,
      ...(cursor === undefined ? {} : { cursor }),
    });
    const deletable = page.items.filter((item) => !lastKeys.has(item.sk));
    if (deletable.length > 0) {
      await ctx.driver.transact([
        leaseCheck,
        ...deletable.map((item): WriteOp => ({ type: 'delete', key: { pk: item.pk, sk: item.sk } })),
      ]);
    }
    // After deleting, the next page starts again from the top; only the kept items can remain there.
    cursor = deletable.length > 0 ? undefined : page.cursor;
  } while (cursor !== undefined || (await hasDeletable(ctx, pk, lastKeys)));
  await ctx.driver.transact([
    { type: 'delete', key: revisionKey(lease.release, lease.revision) },
    {
      type: 'delete',
      key: headKey(lease.release),
      condition: { op: 'eq', name: 'leaseOwner', value: lease.owner },
    },
  ]);
}

async function hasDeletable(ctx: StoreContext, pk: string, kept: ReadonlySet<string>): Promise<boolean> {
  const page = await ctx.driver.query({ pk, limit: kept.size + 1, consistent: true });
  return page.items.some((item) => !kept.has(item.sk));
}
