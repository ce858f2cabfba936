import type {
  Action,
  ChartRef,
  ReleaseId,
  ReleaseStatus,
  Requester,
  RevisionBody,
  RevisionMeta,
} from '../domain/index.ts';

/** The right to change a release, held by one operation until it finishes or `expiresAt` passes. */
export interface Lease {
  readonly release: ReleaseId;
  /** A token unique to the operation run holding it (a redelivery gets a new one). */
  readonly owner: string;
  readonly requestId: string;
  readonly action: Action;
  /** The revision the operation works on. */
  readonly revision: number;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** The revision that was deployed when the operation began. */
  readonly deployedAtStart?: number;
  /** Body chunk items stored for the revision so far. */
  readonly bodyChunks: number;
}

/** What `list` shows of a release: its head item. */
export interface ReleaseSummary {
  readonly release: ReleaseId;
  readonly lastRevision: number;
  readonly revisionCount: number;
  readonly latestRevision: number;
  readonly status: ReleaseStatus;
  readonly description: string;
  readonly chart: ChartRef;
  readonly updatedAt: string;
  readonly firstDeployed?: string;
  readonly deployedRevision?: number;
  readonly lease?: {
    readonly owner: string;
    readonly requestId: string;
    readonly expiresAt: number;
    /** The revision the holder works on. */
    readonly revision?: number;
    /** When the holder will have finished at the latest. */
    readonly deadline?: number;
  };
}

export interface BeginInput {
  readonly release: ReleaseId;
  readonly requestId: string;
  readonly action: Action;
  readonly requestedBy: Requester;
  /** The chart the new revision installs; ignored for uninstall. */
  readonly chart: ChartRef;
  /** The pending description; a sensible default per action when omitted. */
  readonly description?: string;
  readonly rollbackTo?: number;
  /** Stored with the pending revision (a rollback's copied body, for example). */
  readonly body?: RevisionBody;
  /** Epoch milliseconds: when the lease runs out unless it is renewed. */
  readonly leaseExpiresAt: number;
  /**
   * Epoch milliseconds: the operation will have finished by then. When given, the store keeps the
   * lease alive (renewing it before it runs out) until then and no longer, so that a holder that
   * dies frees the release within one short lease; waiters are told this deadline.
   */
  readonly renewUntil?: number;
  /**
   * A digest of the request's content, kept with the request record: the same id sent again with
   * other content is refused (RequestIdReusedError) rather than answered as a duplicate.
   */
  readonly requestDigest?: string;
  /**
   * Revisions to keep once the new one is recorded (Helm's --history-max); default the store's;
   * 0 keeps all. Ignored for uninstall, which records no new revision.
   */
  readonly historyMax?: number;
}

export type BeginResult =
  /** A new operation: for install/upgrade/rollback a new pending revision, for uninstall the latest one. */
  | {
      readonly kind: 'started';
      readonly lease: Lease;
      readonly revision: RevisionMeta;
      /** A revision left pending by an expired operation, now marked failed. */
      readonly interrupted?: RevisionMeta;
      /**
       * The revisions the release holds as this begin wrote it (the head's count): while the lease
       * is held nothing adds to it, so history-max needs no second read when it is not exceeded.
       */
      readonly revisionCount: number;
    }
  /** The same request was delivered again after its earlier run died: carry on with its revision. */
  | { readonly kind: 'resumed'; readonly lease: Lease; readonly revision: RevisionMeta }
  /** The request already ran to an end; `revision` is absent when it has been pruned or purged. */
  | { readonly kind: 'duplicate'; readonly revision?: RevisionMeta };

export interface FinishInput {
  readonly lease: Lease;
  readonly status: Extract<ReleaseStatus, 'deployed' | 'failed' | 'uninstalled'>;
  readonly description: string;
  /** The final body; the body stored at begin is kept when omitted. */
  readonly body?: RevisionBody;
  readonly chart?: ChartRef;
}

export interface HistoryPage {
  readonly revisions: RevisionMeta[];
  readonly cursor?: string;
}

export interface ListPage {
  readonly releases: ReleaseSummary[];
  readonly cursor?: string;
}

export interface AttentionEntry {
  readonly release: ReleaseId;
  readonly reason: 'failed' | 'lease-expired';
  /** For lease-expired: when it expired (epoch ms). */
  readonly leaseExpiredAt?: number;
}
