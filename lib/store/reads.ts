import { type ReleaseId, type Revision, type RevisionMeta, RevisionNotFoundError } from '../domain/index.ts';
import { decodeBody, decodeRevisionMeta } from './codec.ts';
import type { StoreContext } from './context.ts';
import { decodeHead, headRelease, summarizeHead } from './head.ts';
import {
  ATTENTION_PK,
  BODY_PREFIX,
  clusterIndexPk,
  FAILED_PREFIX,
  headKey,
  PENDING_PREFIX,
  REVISION_PREFIX,
  releasePk,
  revisionKey,
  timeKey,
} from './keys.ts';
import type { AttentionEntry, HistoryPage, ListPage, ReleaseSummary } from './types.ts';

export async function readRelease(
  ctx: StoreContext,
  release: ReleaseId,
): Promise<ReleaseSummary | undefined> {
  const item = await ctx.driver.get(headKey(release), { consistent: true });
  return item === undefined ? undefined : summarizeHead(decodeHead(item));
}

/** @throws RevisionNotFoundError when the revision does not exist (or was pruned). */
export async function readRevisionMeta(
  ctx: StoreContext,
  release: ReleaseId,
  revision: number,
): Promise<RevisionMeta> {
  const item = await ctx.driver.get(revisionKey(release, revision), { consistent: true });
  if (item === undefined) throw new RevisionNotFoundError({ name: release.name, revision });
  return decodeRevisionMeta(release, item).meta;
}

/**
 * The revision with its body: one GetItem and one Query for the chunks.
 * @throws RevisionNotFoundError when the revision does not exist (or was pruned).
 * @throws StoreCorruptionError when the body is damaged.
 */
export async function readRevision(
  ctx: StoreContext,
  release: ReleaseId,
  revision: number,
): Promise<Revision> {
  const item = await ctx.driver.get(revisionKey(release, revision), { consistent: true });
  if (item === undefined) throw new RevisionNotFoundError({ name: release.name, revision });
  const decoded = decodeRevisionMeta(release, item);
  const prefix = `${BODY_PREFIX}${revisionKey(release, revision).sk.slice(REVISION_PREFIX.length)}#`;
  const chunks = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.driver.query({
      pk: releasePk(release),
      sk: { beginsWith: prefix },
      consistent: true,
      ...(cursor === undefined ? {} : { cursor }),
    });
    chunks.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined);
  const body = decodeBody({
    release,
    revision,
    items: chunks,
    expectedChunks: decoded.bodyChunks,
    sha256: decoded.bodySha256,
  });
  return { ...decoded.meta, body };
}

/** Newest first by default; one Query per page, reading only metadata items. */
export async function readHistory(
  ctx: StoreContext,
  release: ReleaseId,
  options: { limit?: number; cursor?: string; oldestFirst?: boolean } = {},
): Promise<HistoryPage> {
  const page = await ctx.driver.query({
    pk: releasePk(release),
    sk: { beginsWith: REVISION_PREFIX },
    descending: !(options.oldestFirst ?? false),
    limit: options.limit ?? 256,
    consistent: true,
    ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
  });
  const revisions = page.items.map((item) => decodeRevisionMeta(release, item).meta);
  return page.cursor === undefined ? { revisions } : { revisions, cursor: page.cursor };
}

/** Releases of a cluster, in one namespace or all, by namespace then name; one index Query per page. */
export async function readReleases(
  ctx: StoreContext,
  input: { cluster: string; namespace?: string; limit?: number; cursor?: string },
): Promise<ListPage> {
  const page = await ctx.driver.query({
    index: 'byNamespace',
    pk: clusterIndexPk(input.cluster),
    ...(input.namespace === undefined ? {} : { sk: { beginsWith: `${input.namespace}#` } }),
    limit: input.limit ?? 256,
    ...(input.cursor === undefined ? {} : { cursor: input.cursor }),
  });
  const releases = page.items.map((item) => summarizeHead(decodeHead(item)));
  return page.cursor === undefined ? { releases } : { releases, cursor: page.cursor };
}

/**
 * Releases whose latest revision failed, and releases left pending by a lease
 * that has expired: two Queries on the sparse attention index.
 */
export async function readAttention(
  ctx: StoreContext,
  input: { cluster?: string; limit?: number } = {},
): Promise<AttentionEntry[]> {
  const limit = input.limit ?? 100;
  const failed = await ctx.driver.query({
    index: 'attention',
    pk: ATTENTION_PK,
    sk: { beginsWith: input.cluster === undefined ? FAILED_PREFIX : `${FAILED_PREFIX}${input.cluster}#` },
    limit,
  });
  const expired = await ctx.driver.query({
    index: 'attention',
    pk: ATTENTION_PK,
    sk: { between: [PENDING_PREFIX, `${PENDING_PREFIX}${timeKey(ctx.clock.now())}`] },
    limit,
  });
  const entries: AttentionEntry[] = failed.items.map((item) => ({
    release: headRelease(decodeHead(item)),
    reason: 'failed',
  }));
  for (const item of expired.items) {
    const head = decodeHead(item);
    if (input.cluster !== undefined && head.cluster !== input.cluster) continue;
    entries.push({
      release: headRelease(head),
      reason: 'lease-expired',
      leaseExpiredAt: head.leaseExpiresAt ?? 0,
    });
  }
  return entries;
}
