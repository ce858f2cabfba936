import { type ReleaseId, type RevisionMeta, toIso } from '../domain/index.ts';
import { interruptExpired } from './begin.ts';
import type { StoreContext } from './context.ts';
import type { WriteOp } from './driver.ts';
import { TransactionConflictError } from './errors.ts';
import { decodeHead, LEASE_ATTRIBUTES } from './head.ts';
import { ATTENTION_PK, failedAttentionSk, headKey } from './keys.ts';

/**
 * Ends an operation whose holder died: when the release's lease has run out, its
 * pending revision is recorded failed (`… interrupted`) and the lease released,
 * in one transaction that fails if the holder renewed the lease meanwhile.
 * Returns the interrupted revision, or undefined when there was nothing to do
 * (no lease, a live lease, or another process got there first).
 */
export async function interruptRelease(
  ctx: StoreContext,
  release: ReleaseId,
): Promise<RevisionMeta | undefined> {
  const item = await ctx.driver.get(headKey(release), { consistent: true });
  if (item === undefined) return undefined;
  const head = decodeHead(item);
  const now = ctx.clock.now();
  if (head.leaseOwner === undefined || (head.leaseExpiresAt ?? 0) > now) return undefined;
  const ops: WriteOp[] = [];
  const interrupted = await interruptExpired(ctx, { release, head, now }, ops);
  ops.unshift({
    type: 'update',
    key: headKey(release),
    set: {
      updatedAt: toIso(now),
      ...(interrupted === undefined
        ? {}
        : {
            status: interrupted.status,
            description: interrupted.description,
            latestRevision: interrupted.revision,
            gsi2pk: ATTENTION_PK,
            gsi2sk: failedAttentionSk(release),
          }),
    },
    remove: interrupted === undefined ? [...LEASE_ATTRIBUTES, 'gsi2pk', 'gsi2sk'] : [...LEASE_ATTRIBUTES],
    condition: {
      op: 'and',
      of: [
        { op: 'eq', name: 'leaseOwner', value: head.leaseOwner },
        { op: 'eq', name: 'leaseExpiresAt', value: head.leaseExpiresAt ?? 0 },
      ],
    },
  });
  try {
    await ctx.driver.transact(ops);
  } catch (error) {
    if (error instanceof TransactionConflictError) return undefined;
    throw error;
  }
  return interrupted;
}
