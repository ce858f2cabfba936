import { formatReleaseId, type ReleaseId, type Revision, type RevisionMeta, toIso } from '../domain/index.ts';
import { dropUndefined, encodeBody, encodeRevisionMeta } from './codec.ts';
import type { StoreContext } from './context.ts';
import {
  type AttributeValue,
  type Item,
  MAX_TRANSACTION_BYTES,
  MAX_TRANSACTION_OPS,
  type WriteOp,
} from './driver.ts';
import { ReleaseExistsInStoreError, RevisionTooLargeError } from './errors.ts';
import { decodeHead, LEASE_ATTRIBUTES } from './head.ts';
import {
  ATTENTION_PK,
  clusterIndexPk,
  failedAttentionSk,
  headKey,
  namespaceIndexSk,
  requestKey,
  revisionKey,
} from './keys.ts';

/** A whole history made elsewhere (by helm), recorded as it is: same numbers, statuses, times. */
export interface ImportInput {
  readonly release: ReleaseId;
  /** Oldest first; numbers as the other tool gave them (gaps where it pruned). */
  readonly revisions: readonly Revision[];
  /** The import's own request id: importing again under it answers as the first time did. */
  readonly requestId: string;
  /** How long the placeholder lease of an import that needs several transactions lasts. */
  readonly leaseMs?: number;
}

export type ImportResult =
  | { readonly kind: 'imported'; readonly head: RevisionMeta; readonly revisions: readonly number[] }
  | { readonly kind: 'duplicate'; readonly head: RevisionMeta | undefined }
  /** The store had the release; helm's revisions past its last were added, and statuses taken from helm's. */
  | { readonly kind: 'continued'; readonly head: RevisionMeta; readonly revisions: readonly number[] }
  /** The store had the release and helm has nothing it lacks. */
  | { readonly kind: 'up-to-date'; readonly head: RevisionMeta | undefined };

const DEFAULT_IMPORT_LEASE_MS = 5 * 60_000;
// Room for the head, the request record and DynamoDB's per-item overhead in one transaction.
const RESERVED_OPS = 2;
const RESERVED_BYTES = 64 * 1024;

/**
 * Records an imported history. When the store has the release already, helm's revisions past its
 * last one are added (see continueHistory). Otherwise, when it fits one transaction it is written
 * in one, with the head; otherwise a placeholder head is written first, holding a lease
 * and already naming the last revision number, so that no operation can take a number the import
 * is writing; the revisions follow, then the head in its final state. An import cut short is
 * finished by importing again with the same request id; an operation on the release after its
 * lease expired starts after the imported numbers.
 * @throws ReleaseExistsInStoreError when the store holds the release and cannot take helm's newer revisions.
 * @throws RevisionTooLargeError when one revision's body is larger than a transaction.
 */
export async function importHistory(
  ctx: StoreContext,
  input: ImportInput,
  owner: string,
): Promise<ImportResult> {
  const { release, revisions, requestId } = input;
  const latest = revisions.at(-1);
  if (latest === undefined) throw new RangeError('an import needs at least one revision');
  const headItem = await ctx.driver.get(headKey(release), { consistent: true });
  const head = headItem === undefined ? undefined : decodeHead(headItem);
  const resuming = head !== undefined && head.leaseRequestId === requestId;
  if (head !== undefined && !resuming) {
    const request = await ctx.driver.get(requestKey(requestId), { consistent: true });
    if (request !== undefined && request.releaseKey === headKey(release).pk)
      return { kind: 'duplicate', head: undefined };
    return continueHistory(ctx, input, head);
  }

  const now = ctx.clock.now();
  const writes = revisions.map((revision) => revisionWrites(ctx, revision));
  const finalHead = headWrite(input, now);
  const request = requestWrite(ctx, input, now);
  const all = writes.flat();
  if (!resuming && fitsOneTransaction([...all, finalHead, request])) {
    await ctx.driver.transact([{ ...finalHead, condition: { op: 'itemAbsent' } }, request, ...all]);
    return { kind: 'imported', head: latest, revisions: revisions.map((r) => r.revision) };
  }

  const leaseOwner = resuming ? (head?.leaseOwner ?? owner) : owner;
  if (!resuming) {
    await ctx.driver.transact([placeholderHead(input, now, leaseOwner), request]);
  }
  const holdsLease = { op: 'eq' as const, name: 'leaseOwner', value: leaseOwner };
  for (const batch of batches(writes)) {
    await ctx.driver.transact([{ type: 'check', key: headKey(release), condition: holdsLease }, ...batch]);
  }
  await ctx.driver.transact([{ ...finalHead, condition: holdsLease }]);
  return { kind: 'imported', head: latest, revisions: revisions.map((r) => r.revision) };
}

/**
 * The store has the release already (imported before, or quayside's own). helm may have gone on
 * with it since (a team went back to helm for a while): its revisions past the store's last are
 * added, and the statuses helm gave to the store's revisions (one it superseded) are taken. The
 * store must not be in the middle of an operation. Nothing else in the store changes.
 * @throws ReleaseExistsInStoreError when helm's history does not go on from the store's (helm has
 *   nothing past the store's last revision while disagreeing about it), or an operation holds the lease.
 */
async function continueHistory(
  ctx: StoreContext,
  input: ImportInput,
  head: ReturnType<typeof decodeHead>,
): Promise<ImportResult> {
  const { release, revisions } = input;
  if (head.leaseOwner !== undefined && (head.leaseExpiresAt ?? 0) > ctx.clock.now()) {
    throw new ReleaseExistsInStoreError(formatReleaseId(release));
  }
  const newer = revisions.filter((r) => r.revision > head.lastRevision);
  if (newer.length === 0) return { kind: 'up-to-date', head: undefined };
  const known = revisions.filter((r) => r.revision <= head.lastRevision);
  const writes = newer.flatMap((revision) => revisionWrites(ctx, revision));
  const statusUpdates: WriteOp[] = [];
  for (const revision of known) {
    const item = await ctx.driver.get(revisionKey(release, revision.revision), { consistent: true });
    if (item === undefined) continue;
    if (item.status !== revision.status || item.description !== revision.description) {
      statusUpdates.push({
        type: 'update',
        key: revisionKey(release, revision.revision),
        set: { status: revision.status, description: revision.description },
      });
    }
  }
  const now = ctx.clock.now();
  const all = [
    ...revisions.filter((r) => r.revision <= head.lastRevision && r.status === 'deployed'),
    ...newer,
  ];
  const latest = newer.at(-1) as Revision;
  const deployed = all.filter((r) => r.status === 'deployed').at(-1);
  const set = dropUndefined<Record<string, AttributeValue | undefined>>({
    lastRevision: latest.revision,
    revisionCount: head.revisionCount + newer.length,
    latestRevision: latest.revision,
    status: latest.status,
    description: latest.description,
    chartName: latest.chart.name,
    chartVersion: latest.chart.version,
    appVersion: latest.chart.appVersion,
    updatedAt: latest.lastDeployed ?? latest.finishedAt ?? toIso(now),
    deployedRevision: deployed?.revision,
    ...(latest.status === 'failed' ? { gsi2pk: ATTENTION_PK, gsi2sk: failedAttentionSk(release) } : {}),
  }) as Record<string, AttributeValue>;
  const remove = [
    ...LEASE_ATTRIBUTES,
    ...(latest.chart.appVersion === undefined ? ['appVersion'] : []),
    ...(deployed === undefined ? ['deployedRevision'] : []),
    ...(latest.status === 'failed' ? [] : ['gsi2pk', 'gsi2sk']),
  ];
  const headUpdate: WriteOp = {
    type: 'update',
    key: headKey(release),
    set,
    remove,
    condition: { op: 'eq', name: 'lastRevision', value: head.lastRevision },
  };
  const ops = [headUpdate, requestWrite(ctx, input, now), ...statusUpdates, ...writes];
  if (!fitsOneTransaction(ops)) throw new ReleaseExistsInStoreError(formatReleaseId(release));
  await ctx.driver.transact(ops);
  return { kind: 'continued', head: latest, revisions: newer.map((r) => r.revision) };
}

function revisionWrites(ctx: StoreContext, revision: Revision): WriteOp[] {
  const { body: content, ...meta } = revision;
  const body = encodeBody({
    release: revision.release,
    revision: revision.revision,
    body: content,
    chunkBytes: ctx.chunkBytes,
  });
  if (body.compressedBytes > ctx.maxBodyBytes) {
    throw new RevisionTooLargeError({
      release: formatReleaseId(revision.release),
      revision: revision.revision,
      bytes: body.compressedBytes,
      limit: ctx.maxBodyBytes,
    });
  }
  return [
    { type: 'put', item: encodeRevisionMeta(meta, { chunks: body.items.length, sha256: body.sha256 }) },
    ...body.items.map((item): WriteOp => ({ type: 'put', item })),
  ];
}

function headAttributes(input: ImportInput, now: number): Record<string, AttributeValue | undefined> {
  const { release, revisions } = input;
  const latest = revisions.at(-1) as Revision;
  const deployed = revisions.filter((r) => r.status === 'deployed').at(-1);
  const first = revisions.find((r) => r.firstDeployed !== undefined)?.firstDeployed;
  return dropUndefined<Record<string, AttributeValue | undefined>>({
    cluster: release.cluster,
    namespace: release.namespace,
    name: release.name,
    lastRevision: latest.revision,
    revisionCount: revisions.length,
    latestRevision: latest.revision,
    status: latest.status,
    description: latest.description,
    chartName: latest.chart.name,
    chartVersion: latest.chart.version,
    appVersion: latest.chart.appVersion,
    updatedAt: latest.lastDeployed ?? latest.finishedAt ?? toIso(now),
    firstDeployed: first,
    deployedRevision: deployed?.revision,
    gsi1pk: clusterIndexPk(release.cluster),
    gsi1sk: namespaceIndexSk(release),
  });
}

function headWrite(input: ImportInput, now: number): Extract<WriteOp, { type: 'put' }> {
  const latest = input.revisions.at(-1) as Revision;
  const attention =
    latest.status === 'failed' ? { gsi2pk: ATTENTION_PK, gsi2sk: failedAttentionSk(input.release) } : {};
  const item: Item = { ...headKey(input.release), ...headAttributes(input, now), ...attention };
  return { type: 'put', item };
}

/** The head while a large import is being written: leased, and already past every imported number. */
function placeholderHead(input: ImportInput, now: number, owner: string): WriteOp {
  const latest = input.revisions.at(-1) as Revision;
  const item: Item = {
    ...headKey(input.release),
    ...headAttributes(input, now),
    leaseOwner: owner,
    leaseRequestId: input.requestId,
    leaseExpiresAt: now + (input.leaseMs ?? DEFAULT_IMPORT_LEASE_MS),
    leaseAction: 'install',
    leaseBodyChunks: 0,
    latestRevision: latest.revision,
  };
  return { type: 'put', item, condition: { op: 'itemAbsent' } };
}

function requestWrite(ctx: StoreContext, input: ImportInput, now: number): WriteOp {
  const latest = input.revisions.at(-1) as Revision;
  return {
    type: 'put',
    item: {
      ...requestKey(input.requestId),
      type: 'request',
      releaseKey: headKey(input.release).pk,
      revision: latest.revision,
      action: 'import',
      createdAt: toIso(now),
      ttl: Math.floor(now / 1000) + ctx.requestTtlSeconds,
    },
    condition: { op: 'itemAbsent' },
  };
}

function opBytes(op: WriteOp): number {
  if (op.type !== 'put') return 1024;
  let bytes = 0;
  for (const value of Object.values(op.item)) {
    bytes += value instanceof Uint8Array ? value.byteLength : JSON.stringify(value ?? null).length;
  }
  return bytes + 256;
}

function fitsOneTransaction(ops: readonly WriteOp[]): boolean {
  return (
    ops.length <= MAX_TRANSACTION_OPS &&
    ops.reduce((sum, op) => sum + opBytes(op), 0) <= MAX_TRANSACTION_BYTES - RESERVED_BYTES
  );
}

/** Whole revisions per transaction, within DynamoDB's limits (one op left for the lease check). */
function batches(writes: readonly WriteOp[][]): WriteOp[][] {
  const out: WriteOp[][] = [];
  let current: WriteOp[] = [];
  let bytes = 0;
  for (const revision of writes) {
    const size = revision.reduce((sum, op) => sum + opBytes(op), 0);
    const full =
      current.length + revision.length > MAX_TRANSACTION_OPS - RESERVED_OPS ||
      bytes + size > MAX_TRANSACTION_BYTES - RESERVED_BYTES;
    if (full && current.length > 0) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(...revision);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
