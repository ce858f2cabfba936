import type { ReleaseId } from '../domain/index.ts';
import type { Key } from './driver.ts';

/**
 * The single table's key formats. One partition per release holds its head
 * item, its revisions' metadata and their compressed bodies; request records
 * live in partitions of their own. See docs/store.md.
 */
const REVISION_DIGITS = 10;
const CHUNK_DIGITS = 4;
const TIME_DIGITS = 15;

export const releasePk = (id: ReleaseId): string => `R#${id.cluster}#${id.namespace}#${id.name}`;
export const headKey = (id: ReleaseId): Key => ({ pk: releasePk(id), sk: 'HEAD' });

export const REVISION_PREFIX = 'REV#';
export const revisionSk = (revision: number): string =>
  `${REVISION_PREFIX}${String(revision).padStart(REVISION_DIGITS, '0')}`;
export const revisionKey = (id: ReleaseId, revision: number): Key => ({
  pk: releasePk(id),
  sk: revisionSk(revision),
});

export const BODY_PREFIX = 'BODY#';
export const bodyKey = (id: ReleaseId, revision: number, chunk: number): Key => ({
  pk: releasePk(id),
  sk: `${BODY_PREFIX}${String(revision).padStart(REVISION_DIGITS, '0')}#${String(chunk).padStart(CHUNK_DIGITS, '0')}`,
});

/** The automation's bake record of a revision (issue 14), beside the revision. */
export const BAKE_PREFIX = 'BAKE#';
export const bakeKey = (id: ReleaseId, revision: number): Key => ({
  pk: releasePk(id),
  sk: `${BAKE_PREFIX}${String(revision).padStart(REVISION_DIGITS, '0')}`,
});
/** The release's automation switch (paused or not). */
export const automationKey = (id: ReleaseId): Key => ({ pk: releasePk(id), sk: 'AUTOMATION' });
/** One partition of the few releases baking now: one item each. */
export const BAKING_PK = 'BAKING';
export const bakingKey = (id: ReleaseId): Key => ({
  pk: BAKING_PK,
  sk: `${id.cluster}#${id.namespace}#${id.name}`,
});

export const requestKey = (requestId: string): Key => ({ pk: `Q#${requestId}`, sk: 'REQ' });
/** Beside the request record: why the request was refused before it became a revision. */
export const rejectionKey = (requestId: string): Key => ({ pk: `Q#${requestId}`, sk: 'REJECTED' });
/** Beside the request record: the latest steps of its run, for senders following it. */
export const progressKey = (requestId: string): Key => ({ pk: `Q#${requestId}`, sk: 'PROGRESS' });

/** byNamespace index: all releases of a cluster, sorted by namespace then name. */
export const clusterIndexPk = (cluster: string): string => `C#${cluster}`;
export const namespaceIndexSk = (id: ReleaseId): string => `${id.namespace}#${id.name}`;

/** attention index: one partition of the few releases that need a look. */
export const ATTENTION_PK = 'ATTN';
export const FAILED_PREFIX = 'F#';
export const PENDING_PREFIX = 'P#';
export const failedAttentionSk = (id: ReleaseId): string =>
  `${FAILED_PREFIX}${id.cluster}#${id.namespace}#${id.name}`;
/** Sorted by lease expiry so that "expired before now" is one key range. */
export const pendingAttentionSk = (id: ReleaseId, leaseExpiresAt: number): string =>
  `${PENDING_PREFIX}${timeKey(leaseExpiresAt)}#${id.cluster}#${id.namespace}#${id.name}`;
export const timeKey = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(TIME_DIGITS, '0');

/**
 * The cluster registry (lib/clusters): one partition holding an item per registered cluster, so
 * listing them is one Query and none of them touches a release's partition.
 */
export const CLUSTERS_PK = 'CLUSTERS';
export const CLUSTER_PREFIX = 'CLUSTER#';
export const clusterKey = (name: string): Key => ({ pk: CLUSTERS_PK, sk: `${CLUSTER_PREFIX}${name}` });
