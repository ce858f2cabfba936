import { formatReleaseId, isPending, type RevisionBody } from '../domain/index.ts';
import { decodeRevisionMeta, encodeBody, encodeRevisionMeta } from './codec.ts';
import type { StoreContext } from './context.ts';
import type { WriteOp } from './driver.ts';
import { LeaseLostError, RevisionTooLargeError, TransactionConflictError } from './errors.ts';
import { bodyKey, headKey, revisionKey } from './keys.ts';
import type { Lease } from './types.ts';

/**
 * The writes that replace a revision's body: its chunks, and deletes for the chunks the old body had
 * beyond the new one's count.
 * @throws RevisionTooLargeError when the body does not fit one transaction.
 */
export function bodyWrites(
  ctx: StoreContext,
  input: { lease: Lease; body: RevisionBody; currentChunks: number },
): { ops: WriteOp[]; chunks: number; sha256: string } {
  const { lease } = input;
  const body = encodeBody({
    release: lease.release,
    revision: lease.revision,
    body: input.body,
    chunkBytes: ctx.chunkBytes,
  });
  if (body.compressedBytes > ctx.maxBodyBytes) {
    throw new RevisionTooLargeError({
      release: formatReleaseId(lease.release),
      revision: lease.revision,
      bytes: body.compressedBytes,
      limit: ctx.maxBodyBytes,
    });
  }
  const ops: WriteOp[] = body.items.map((item) => ({ type: 'put', item }));
  for (let stale = body.items.length; stale < input.currentChunks; stale++) {
    ops.push({ type: 'delete', key: bodyKey(lease.release, lease.revision, stale) });
  }
  return { ops, chunks: body.items.length, sha256: body.sha256 };
}

/**
 * Replaces the body of the leased, still pending revision: what the operation is about to apply is
 * on record before it is applied, so whoever takes over an interrupted run (prune, rollback,
 * uninstall) knows every object it may have created.
 * @throws LeaseLostError when the lease was taken over or the revision is no longer pending.
 * @throws RevisionTooLargeError when the body does not fit one transaction.
 */
export async function recordPendingBody(ctx: StoreContext, lease: Lease, body: RevisionBody): Promise<Lease> {
  const item = await ctx.driver.get(revisionKey(lease.release, lease.revision), { consistent: true });
  const lost = () => new LeaseLostError({ release: formatReleaseId(lease.release), owner: lease.owner });
  if (item === undefined) throw lost();
  const current = decodeRevisionMeta(lease.release, item);
  if (!isPending(current.meta.status)) throw lost();
  const writes = bodyWrites(ctx, { lease, body, currentChunks: current.bodyChunks });
  try {
    await ctx.driver.transact([
      {
        type: 'update',
        key: headKey(lease.release),
        set: { leaseBodyChunks: writes.chunks },
        condition: { op: 'eq', name: 'leaseOwner', value: lease.owner },
      },
      ...writes.ops,
      {
        type: 'put',
        item: encodeRevisionMeta(current.meta, { chunks: writes.chunks, sha256: writes.sha256 }),
        condition: { op: 'eq', name: 'status', value: current.meta.status },
      },
    ]);
  } catch (error) {
    if (error instanceof TransactionConflictError) throw lost();
    throw error;
  }
  return { ...lease, bodyChunks: writes.chunks };
}
