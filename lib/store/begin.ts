import {
  type Action,
  descriptions,
  formatReleaseId,
  isPending,
  type ReleaseId,
  ReleaseNotFoundError,
  type ReleaseStatus,
  type RevisionMeta,
  toIso,
} from '../domain/index.ts';
import { decodeRevisionMeta, dropUndefined, encodeBody, encodeRevisionMeta } from './codec.ts';
import type { StoreContext } from './context.ts';
import type { AttributeValue, Condition, WriteOp } from './driver.ts';
import {
  OperationInProgressError,
  RevisionTooLargeError,
  StoreError,
  StoreUnavailableError,
  TransactionConflictError,
} from './errors.ts';
import { decodeHead, type HeadItem } from './head.ts';
import {
  ATTENTION_PK,
  clusterIndexPk,
  headKey,
  namespaceIndexSk,
  pendingAttentionSk,
  requestKey,
  revisionKey,
} from './keys.ts';
import { checkRequestRecord } from './request-record.ts';
import type { BeginInput, BeginResult, Lease } from './types.ts';

const PENDING_STATUS: Record<Action, ReleaseStatus> = {
  install: 'pending-install',
  upgrade: 'pending-upgrade',
  rollback: 'pending-rollback',
  uninstall: 'uninstalling',
};

function pendingDescription(input: BeginInput): string {
  if (input.description !== undefined) return input.description;
  switch (input.action) {
    case 'install':
      return descriptions.installPending();
    case 'upgrade':
      return descriptions.upgradePending();
    case 'rollback':
      return descriptions.rollbackPending(input.rollbackTo ?? 0);
    case 'uninstall':
      return descriptions.uninstallPending();
  }
}

/**
 * Takes the release's lease and records the operation's pending revision, in
 * one transaction with the request record that makes the request idempotent.
 * @throws OperationInProgressError while another live operation holds the lease.
 * @throws RequestIdReusedError when the request id belongs to another release.
 * @throws ReleaseNotFoundError for an uninstall of a release the store does not have.
 */
export async function beginOperation(
  ctx: StoreContext,
  input: BeginInput,
  owner: string,
  hints: { requestSeenAbsent?: boolean } = {},
): Promise<BeginResult> {
  for (let attempt = 0; attempt <= ctx.maxConflictRetries; attempt++) {
    // The caller read the request record a moment ago and found none: the transaction below writes
    // it only if it is still absent, and a conflict comes back here to read it after all.
    const previous =
      attempt === 0 && hints.requestSeenAbsent ? undefined : await findPreviousRun(ctx, input, owner);
    if (previous !== undefined) return previous;
    const headItem = await ctx.driver.get(headKey(input.release), { consistent: true });
    const head = headItem === undefined ? undefined : decodeHead(headItem);
    const now = ctx.clock.now();
    if (head?.leaseOwner !== undefined && (head.leaseExpiresAt ?? 0) > now) throw inProgress(input, head);
    try {
      return await startOperation(ctx, { input, owner, head, now });
    } catch (error) {
      // Somebody else changed the release between our read and our write: read again.
      if (!(error instanceof TransactionConflictError)) throw error;
    }
  }
  throw new StoreUnavailableError(
    `gave up taking the lease on ${formatReleaseId(input.release)} after ${ctx.maxConflictRetries + 1} conflicting writes`,
  );
}

/** The outcome for a request id already recorded, or undefined for a new request. */
async function findPreviousRun(
  ctx: StoreContext,
  input: BeginInput,
  owner: string,
): Promise<BeginResult | undefined> {
  const record = await ctx.driver.get(requestKey(input.requestId), { consistent: true });
  if (record === undefined) return undefined;
  checkRequestRecord(record, {
    release: input.release,
    requestId: input.requestId,
    digest: input.requestDigest,
  });
  const revisionNumber = Number(record.revision);
  const revisionItem = await ctx.driver.get(revisionKey(input.release, revisionNumber), { consistent: true });
  const revision =
    revisionItem === undefined ? undefined : decodeRevisionMeta(input.release, revisionItem).meta;
  const headItem = await ctx.driver.get(headKey(input.release), { consistent: true });
  const head = headItem === undefined ? undefined : decodeHead(headItem);
  if (head?.leaseRequestId !== input.requestId || revision === undefined || !isPending(revision.status)) {
    return revision === undefined ? { kind: 'duplicate' } : { kind: 'duplicate', revision };
  }
  const now = ctx.clock.now();
  // The same request is still being worked on by a live run (a duplicate delivery racing the first).
  if ((head.leaseExpiresAt ?? 0) > now) throw inProgress(input, head);
  const lease = leaseFrom({ head, owner, requestId: input.requestId, expiresAt: input.leaseExpiresAt });
  await ctx.driver.transact([
    {
      type: 'update',
      key: headKey(input.release),
      set: {
        leaseOwner: owner,
        leaseExpiresAt: input.leaseExpiresAt,
        ...(input.renewUntil === undefined ? {} : { leaseDeadline: input.renewUntil }),
        gsi2pk: ATTENTION_PK,
        gsi2sk: pendingAttentionSk(input.release, input.leaseExpiresAt),
      },
      condition: { op: 'eq', name: 'leaseOwner', value: head.leaseOwner ?? '' },
    },
  ]);
  return { kind: 'resumed', lease, revision };
}

function leaseFrom(input: { head: HeadItem; owner: string; requestId: string; expiresAt: number }): Lease {
  const { head } = input;
  return dropUndefined({
    release: { cluster: head.cluster, namespace: head.namespace, name: head.name },
    owner: input.owner,
    requestId: input.requestId,
    action: head.leaseAction ?? 'upgrade',
    revision: head.leaseRevision ?? head.latestRevision,
    expiresAt: input.expiresAt,
    deployedAtStart: head.deployedRevision,
    bodyChunks: head.leaseBodyChunks ?? 0,
  });
}

function inProgress(input: BeginInput, head: HeadItem): OperationInProgressError {
  return new OperationInProgressError({
    release: formatReleaseId(input.release),
    owner: head.leaseOwner ?? 'unknown',
    requestId: head.leaseRequestId ?? 'unknown',
    expiresAt: toIso(head.leaseExpiresAt ?? 0),
    ...(head.leaseRevision === undefined ? {} : { revision: head.leaseRevision }),
    ...(head.leaseDeadline === undefined ? {} : { deadline: head.leaseDeadline }),
  });
}

interface StartInput {
  readonly input: BeginInput;
  readonly owner: string;
  readonly head: HeadItem | undefined;
  readonly now: number;
}

async function startOperation(ctx: StoreContext, start: StartInput): Promise<BeginResult> {
  const { input, head, now } = start;
  const ops: WriteOp[] = [];
  const interrupted = await interruptExpired(ctx, { release: input.release, head, now }, ops);
  const { meta: revision, bodyChunks } =
    input.action === 'uninstall' ? await uninstallTarget(ctx, start, ops) : newRevision(ctx, start, ops);
  ops.push({
    type: 'put',
    item: {
      ...requestKey(input.requestId),
      type: 'request',
      releaseKey: headKey(input.release).pk,
      revision: revision.revision,
      action: input.action,
      ...(input.requestDigest === undefined ? {} : { digest: input.requestDigest }),
      createdAt: toIso(now),
      ttl: Math.floor(now / 1000) + ctx.requestTtlSeconds,
    },
    condition: { op: 'itemAbsent' },
  });
  const headCondition: Condition =
    head === undefined
      ? { op: 'itemAbsent' }
      : {
          op: 'and',
          of: [
            { op: 'eq', name: 'lastRevision', value: head.lastRevision },
            head.leaseOwner === undefined
              ? { op: 'attrAbsent', name: 'leaseOwner' }
              : { op: 'eq', name: 'leaseOwner', value: head.leaseOwner },
          ],
        };
  ops.unshift({
    type: 'update',
    key: headKey(input.release),
    set: dropUndefined<Record<string, AttributeValue>>({
      cluster: input.release.cluster,
      namespace: input.release.namespace,
      name: input.release.name,
      lastRevision: input.action === 'uninstall' ? (head?.lastRevision ?? 0) : revision.revision,
      revisionCount: (head?.revisionCount ?? 0) + (input.action === 'uninstall' ? 0 : 1),
      latestRevision: revision.revision,
      status: revision.status,
      description: revision.description,
      chartName: revision.chart.name,
      chartVersion: revision.chart.version,
      ...(revision.chart.appVersion === undefined ? {} : { appVersion: revision.chart.appVersion }),
      updatedAt: toIso(now),
      leaseOwner: start.owner,
      leaseRequestId: input.requestId,
      leaseExpiresAt: input.leaseExpiresAt,
      ...(input.renewUntil === undefined ? {} : { leaseDeadline: input.renewUntil }),
      leaseRevision: revision.revision,
      leaseAction: input.action,
      leaseBodyChunks: bodyChunks,
      gsi1pk: clusterIndexPk(input.release.cluster),
      gsi1sk: namespaceIndexSk(input.release),
      gsi2pk: ATTENTION_PK,
      gsi2sk: pendingAttentionSk(input.release, input.leaseExpiresAt),
    }),
    remove: [
      ...(revision.chart.appVersion === undefined ? ['appVersion'] : []),
      ...(input.renewUntil === undefined ? ['leaseDeadline'] : []),
    ],
    condition: headCondition,
  });
  await ctx.driver.transact(ops);
  const lease: Lease = dropUndefined({
    release: input.release,
    owner: start.owner,
    requestId: input.requestId,
    action: input.action,
    revision: revision.revision,
    expiresAt: input.leaseExpiresAt,
    deployedAtStart: head?.deployedRevision,
    bodyChunks,
  });
  const revisionCount = (head?.revisionCount ?? 0) + (input.action === 'uninstall' ? 0 : 1);
  return interrupted === undefined
    ? { kind: 'started', lease, revision, revisionCount }
    : { kind: 'started', lease, revision, interrupted, revisionCount };
}

interface TargetRevision {
  readonly meta: RevisionMeta;
  readonly bodyChunks: number;
}

/** Marks the revision of an expired lease failed, so that nothing stays pending forever. */
export async function interruptExpired(
  ctx: StoreContext,
  expired: { release: ReleaseId; head: HeadItem | undefined; now: number },
  ops: WriteOp[],
): Promise<RevisionMeta | undefined> {
  const { head, release, now } = expired;
  if (head?.leaseOwner === undefined || head.leaseRevision === undefined) return undefined;
  const item = await ctx.driver.get(revisionKey(release, head.leaseRevision), { consistent: true });
  if (item === undefined) return undefined;
  const decoded = decodeRevisionMeta(release, item);
  if (!isPending(decoded.meta.status)) return undefined;
  const failed: RevisionMeta = {
    ...decoded.meta,
    status: 'failed',
    description: descriptions.interrupted({
      action: decoded.meta.action,
      owner: head.leaseOwner,
      expiredAt: toIso(head.leaseExpiresAt ?? 0),
    }),
    finishedAt: toIso(now),
  };
  ops.push({
    type: 'put',
    item: encodeRevisionMeta(failed, { chunks: decoded.bodyChunks, ...sha(decoded.bodySha256) }),
    condition: { op: 'eq', name: 'status', value: decoded.meta.status },
  });
  return failed;
}

const sha = (value: string | undefined): { sha256?: string } =>
  value === undefined ? {} : { sha256: value };

function newRevision(ctx: StoreContext, start: StartInput, ops: WriteOp[]): TargetRevision {
  const { input, head, now } = start;
  const number = (head?.lastRevision ?? 0) + 1;
  const meta: RevisionMeta = dropUndefined({
    release: input.release,
    revision: number,
    status: PENDING_STATUS[input.action],
    description: pendingDescription(input),
    action: input.action,
    chart: input.chart,
    requestId: input.requestId,
    requestedBy: input.requestedBy,
    rollbackTo: input.rollbackTo,
    firstDeployed: head?.firstDeployed,
    startedAt: toIso(now),
  });
  const body =
    input.body === undefined
      ? undefined
      : encodeBody({
          release: input.release,
          revision: number,
          body: input.body,
          chunkBytes: ctx.chunkBytes,
        });
  if (body !== undefined && body.compressedBytes > ctx.maxBodyBytes) {
    throw new RevisionTooLargeError({
      release: formatReleaseId(input.release),
      revision: number,
      bytes: body.compressedBytes,
      limit: ctx.maxBodyBytes,
    });
  }
  ops.push({
    type: 'put',
    item: encodeRevisionMeta(meta, { chunks: body?.items.length ?? 0, ...sha(body?.sha256) }),
    condition: { op: 'itemAbsent' },
  });
  for (const item of body?.items ?? []) ops.push({ type: 'put', item });
  return { meta, bodyChunks: body?.items.length ?? 0 };
}

/** Uninstall works on the latest revision instead of creating one. */
async function uninstallTarget(
  ctx: StoreContext,
  start: StartInput,
  ops: WriteOp[],
): Promise<TargetRevision> {
  const { input, head } = start;
  if (head === undefined || head.latestRevision === 0) throw new ReleaseNotFoundError(input.release);
  const key = revisionKey(input.release, head.latestRevision);
  const item = await ctx.driver.get(key, { consistent: true });
  if (item === undefined)
    throw new StoreError(`release ${formatReleaseId(input.release)} lost its latest revision`);
  const decoded = decodeRevisionMeta(input.release, item);
  // When the latest revision was just marked interrupted, this put replaces that one (same item, same condition).
  const earlier = ops.findIndex((op) => op.type === 'put' && op.item.sk === key.sk);
  const condition =
    earlier === -1
      ? { op: 'eq' as const, name: 'status', value: decoded.meta.status }
      : ops[earlier]?.condition;
  if (earlier !== -1) ops.splice(earlier, 1);
  const meta: RevisionMeta = {
    ...decoded.meta,
    status: 'uninstalling',
    description: pendingDescription(input),
  };
  ops.push({
    type: 'put',
    item: encodeRevisionMeta(meta, { chunks: decoded.bodyChunks, ...sha(decoded.bodySha256) }),
    ...(condition === undefined ? {} : { condition }),
  });
  return { meta, bodyChunks: decoded.bodyChunks };
}
