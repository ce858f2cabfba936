import { formatReleaseId, type RevisionMeta, toIso } from '../domain/index.ts';
import { bodyWrites } from './body-writes.ts';
import { decodeRevisionMeta, dropUndefined, encodeRevisionMeta } from './codec.ts';
import type { StoreContext } from './context.ts';
import type { AttributeValue, WriteOp } from './driver.ts';
import { LeaseLostError, StoreCorruptionError, TransactionConflictError } from './errors.ts';
import { decodeHead, LEASE_ATTRIBUTES } from './head.ts';
import { ATTENTION_PK, failedAttentionSk, headKey, revisionKey } from './keys.ts';
import type { FinishInput } from './types.ts';

/**
 * Records an operation's final state in one transaction: the revision's status
 * and body, the previously deployed revision superseded, the head updated and
 * the lease released. No crash can leave two deployed revisions.
 * @throws LeaseLostError when the lease expired and another operation took it.
 * @throws RevisionTooLargeError when the body does not fit one transaction.
 */
export async function finishOperation(ctx: StoreContext, input: FinishInput): Promise<RevisionMeta> {
  const { lease } = input;
  const now = ctx.clock.now();
  const key = revisionKey(lease.release, lease.revision);
  const item = await ctx.driver.get(key, { consistent: true });
  if (item === undefined)
    throw new LeaseLostError({ release: formatReleaseId(lease.release), owner: lease.owner });
  const current = decodeRevisionMeta(lease.release, item);
  const deployed = input.status === 'deployed';
  const meta: RevisionMeta = dropUndefined({
    ...current.meta,
    status: input.status,
    description: input.description,
    chart: input.chart ?? current.meta.chart,
    firstDeployed: deployed ? (current.meta.firstDeployed ?? toIso(now)) : current.meta.firstDeployed,
    lastDeployed: deployed ? toIso(now) : current.meta.lastDeployed,
    finishedAt: toIso(now),
  });

  const ops: WriteOp[] = [];
  let chunks = current.bodyChunks;
  let digest = current.bodySha256;
  if (input.body !== undefined) {
    const writes = bodyWrites(ctx, { lease, body: input.body, currentChunks: current.bodyChunks });
    ops.push(...writes.ops);
    chunks = writes.chunks;
    digest = writes.sha256;
  }
  ops.push({
    type: 'put',
    item: encodeRevisionMeta(meta, { chunks, ...(digest === undefined ? {} : { sha256: digest }) }),
    condition: { op: 'eq', name: 'status', value: current.meta.status },
  });

  // The revision that was deployed stops being so when this one is deployed or the release is uninstalled.
  const previous = lease.deployedAtStart;
  const replacesDeployed = deployed || input.status === 'uninstalled' || lease.action === 'uninstall';
  if (replacesDeployed && previous !== undefined && previous !== lease.revision) {
    ops.push({
      type: 'update',
      key: revisionKey(lease.release, previous),
      set: { status: 'superseded' },
      condition: { op: 'eq', name: 'status', value: 'deployed' },
    });
  }
  ops.unshift(headUpdate(input, meta, now));

  try {
    await ctx.driver.transact(ops);
  } catch (error) {
    if (error instanceof TransactionConflictError) throw await explainConflict(ctx, input, error);
    throw error;
  }
  return meta;
}

function headUpdate(input: FinishInput, meta: RevisionMeta, now: number): WriteOp {
  const { lease } = input;
  const set: Record<string, AttributeValue> = {
    latestRevision: meta.revision,
    status: meta.status,
    description: meta.description,
    chartName: meta.chart.name,
    chartVersion: meta.chart.version,
    updatedAt: toIso(now),
  };
  const remove: string[] = [...LEASE_ATTRIBUTES];
  if (meta.chart.appVersion === undefined) remove.push('appVersion');
  else set.appVersion = meta.chart.appVersion;
  if (meta.status === 'deployed') {
    set.deployedRevision = meta.revision;
    if (meta.firstDeployed !== undefined) set.firstDeployed = meta.firstDeployed;
  } else if (meta.status === 'uninstalled' || lease.action === 'uninstall') {
    remove.push('deployedRevision');
  }
  if (meta.status === 'failed') {
    set.gsi2pk = ATTENTION_PK;
    set.gsi2sk = failedAttentionSk(lease.release);
  } else {
    remove.push('gsi2pk', 'gsi2sk');
  }
  return {
    type: 'update',
    key: headKey(lease.release),
    set,
    remove,
    condition: { op: 'eq', name: 'leaseOwner', value: lease.owner },
  };
}

/** A failed finish means the lease was lost, or the stored state is not what the lease promised. */
async function explainConflict(
  ctx: StoreContext,
  input: FinishInput,
  error: TransactionConflictError,
): Promise<Error> {
  const { lease } = input;
  const item = await ctx.driver.get(headKey(lease.release), { consistent: true });
  const head = item === undefined ? undefined : decodeHead(item);
  if (head?.leaseOwner !== lease.owner) {
    return new LeaseLostError({ release: formatReleaseId(lease.release), owner: lease.owner });
  }
  return new StoreCorruptionError({
    key: `${headKey(lease.release).pk} revision ${lease.revision}`,
    reason: 'the revisions changed under a held lease',
    cause: error,
  });
}
