import {
  type Clock,
  type IdGenerator,
  type ReleaseId,
  type Revision,
  type RevisionBody,
  type RevisionMeta,
  randomId,
  systemClock,
  systemTimers,
  type Timers,
} from '../domain/index.ts';
import { beginOperation } from './begin.ts';
import { recordPendingBody } from './body-writes.ts';
import { DEFAULT_CHUNK_BYTES, decodeRevisionMeta } from './codec.ts';
import type { StoreContext } from './context.ts';
import type { StoreDriver } from './driver.ts';
import { LeaseLostError, TransactionConflictError } from './errors.ts';
import { finishOperation } from './finish.ts';
import { type ImportInput, type ImportResult, importHistory } from './import.ts';
import { interruptRelease } from './interrupt.ts';
import {
  ATTENTION_PK,
  headKey,
  pendingAttentionSk,
  progressKey,
  rejectionKey,
  requestKey,
  revisionKey,
} from './keys.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import { pruneHistory, purgeRelease } from './prune.ts';
import {
  readAttention,
  readHistory,
  readRelease,
  readReleases,
  readRevision,
  readRevisionMeta,
} from './reads.ts';
import { checkRequestRecord } from './request-record.ts';
import type {
  AttentionEntry,
  BeginInput,
  BeginResult,
  FinishInput,
  HistoryPage,
  Lease,
  ListPage,
  ReleaseSummary,
} from './types.ts';

export interface ReleaseStoreOptions {
  readonly clock?: Clock;
  /** When lease heartbeats run; real timers by default. */
  readonly timers?: Timers;
  /** Makes lease owner tokens. */
  readonly ids?: IdGenerator;
  /** Revisions kept after a success unless the operation says otherwise; 0 keeps all. Helm's default is 10. */
  readonly historyMax?: number;
  readonly chunkBytes?: number;
  readonly requestTtlSeconds?: number;
}

/** One line of what a worker is doing for a request. */
export interface ProgressLine {
  /** Epoch ms. */
  readonly at: number;
  readonly message: string;
}

export const DEFAULT_HISTORY_MAX = 10;
/** 30 days: far longer than any redelivery, short enough not to grow forever. */
const DEFAULT_REQUEST_TTL_SECONDS = 30 * 24 * 3600;
/** Compressed body bytes per revision: DynamoDB's 4 MB per transaction less room for the other items. */
const MAX_BODY_BYTES = 3.5 * 1024 * 1024;

/**
 * Release history with Helm's rules, over any StoreDriver. Every rule — revision
 * numbering, leases, idempotency, pruning, the one-transaction finish — is here,
 * once; drivers only store items.
 */
export class ReleaseStore {
  private readonly ctx: StoreContext;
  private readonly ids: IdGenerator;
  /** Heartbeats of the leases this process holds, by owner token. */
  private readonly keepers = new Map<string, LeaseKeeper>();
  /**
   * Request ids findRequest just found unrecorded: the begin that follows for one of them skips its
   * own read of the request record on its first attempt. Safe because begin writes the record only
   * if it is absent, and a conflict reads everything again. One-shot, and bounded.
   */
  private readonly seenAbsent = new Set<string>();
  private readonly timers: Timers;

  constructor(driver: StoreDriver, options: ReleaseStoreOptions = {}) {
    this.ctx = {
      driver,
      clock: options.clock ?? systemClock,
      chunkBytes: options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
      historyMax: options.historyMax ?? DEFAULT_HISTORY_MAX,
      requestTtlSeconds: options.requestTtlSeconds ?? DEFAULT_REQUEST_TTL_SECONDS,
      maxBodyBytes: MAX_BODY_BYTES,
      maxConflictRetries: 8,
    };
    this.ids = options.ids ?? randomId;
    this.timers = options.timers ?? systemTimers;
  }

  get driver(): StoreDriver {
    return this.ctx.driver;
  }

  /**
   * Takes the lease and records the pending revision (see BeginResult); then prunes the history
   * beyond `historyMax`.
   * @throws OperationInProgressError while another live operation holds the lease.
   * @throws RequestIdReusedError when the request id belongs to another release.
   * @throws ReleaseNotFoundError for an uninstall of an unknown release.
   */
  async begin(input: BeginInput): Promise<BeginResult> {
    const begun = await beginOperation(this.ctx, input, this.ids(), {
      requestSeenAbsent: this.seenAbsent.delete(input.requestId),
    });
    if (begun.kind !== 'duplicate' && input.renewUntil !== undefined) {
      const { lease } = begun;
      this.keepers.set(
        lease.owner,
        new LeaseKeeper({
          lease,
          ttlMs: Math.max(1, input.leaseExpiresAt - this.ctx.clock.now()),
          renewUntil: input.renewUntil,
          clock: this.ctx.clock,
          timers: this.timers,
          renew: async (held, expiresAt) => {
            await this.renewLease(held, expiresAt);
          },
          isLost: (error) => error instanceof LeaseLostError,
        }),
      );
    }
    // As Helm's storage does on every Create: each new revision, whatever it ends as, trims the
    // history to history-max, never removing the deployed revision (nor one in progress). It runs
    // after the begin transaction; a crash in between only leaves a longer history for the next.
    const historyMax = input.historyMax ?? this.ctx.historyMax;
    if (begun.kind === 'started' && input.action !== 'uninstall' && begun.revisionCount > historyMax) {
      await pruneHistory(this.ctx, input.release, historyMax);
    }
    return begun;
  }

  /**
   * Aborted when a lease begun with `renewUntil` can no longer be trusted to be
   * the caller's (it ran out unrenewed, or was taken over): stop writing.
   */
  leaseSignal(lease: Lease): AbortSignal | undefined {
    return this.keepers.get(lease.owner)?.signal;
  }

  /** Resolves once every lease renewal in flight has settled (tests that move a manual clock). */
  async renewalsSettled(): Promise<void> {
    await Promise.all([...this.keepers.values()].map((keeper) => keeper.settled()));
  }

  /**
   * Stops keeping a lease alive without releasing it: the operation gave up, so
   * the lease lapses within its short TTL and a redelivery can carry on.
   * Idempotent; finish and purge do it themselves.
   */
  async stopRenewing(lease: Lease): Promise<void> {
    const keeper = this.keepers.get(lease.owner);
    this.keepers.delete(lease.owner);
    await keeper?.stop();
  }

  /**
   * Finalizes the leased revision and releases the lease atomically.
   * @throws LeaseLostError when the lease was taken over.
   */
  async finish(input: FinishInput): Promise<RevisionMeta> {
    await this.stopRenewing(input.lease);
    return finishOperation(this.ctx, input);
  }

  /**
   * Records the body of the leased pending revision before its objects are applied, when the body
   * given to `begin` is not the one being applied (rendered again for another revision number, or a
   * resumed run). Returns the lease with its new chunk count.
   * @throws LeaseLostError when the lease was taken over.
   * @throws RevisionTooLargeError when the body does not fit one transaction.
   */
  recordBody(lease: Lease, body: RevisionBody): Promise<Lease> {
    return recordPendingBody(this.ctx, lease, body);
  }

  /**
   * Records a history made elsewhere (helm's), with its own revision numbers, statuses and times;
   * operations then continue it. Importing again under the same request id answers as before; a
   * release the store has already takes only helm's revisions past its last one.
   * @throws ReleaseExistsInStoreError when the store holds the release and cannot take helm's newer revisions.
   */
  importHistory(input: ImportInput): Promise<ImportResult> {
    return importHistory(this.ctx, input, this.ids());
  }

  /**
   * Ends an uninstall without --keep-history: every revision of the release is deleted.
   * @throws LeaseLostError when the lease was taken over.
   */
  async purge(lease: Lease): Promise<void> {
    await this.stopRenewing(lease);
    try {
      await purgeRelease(this.ctx, lease);
    } catch (error) {
      if (error instanceof TransactionConflictError) {
        throw new LeaseLostError({ release: lease.release.name, owner: lease.owner });
      }
      throw error;
    }
  }

  /**
   * Moves the lease's expiry, for an operation that needs longer than planned.
   * @throws LeaseLostError when the lease was taken over.
   */
  async renewLease(lease: Lease, expiresAt: number): Promise<Lease> {
    try {
      await this.ctx.driver.transact([
        {
          type: 'update',
          key: headKey(lease.release),
          set: {
            leaseExpiresAt: expiresAt,
            gsi2pk: ATTENTION_PK,
            gsi2sk: pendingAttentionSk(lease.release, expiresAt),
          },
          condition: { op: 'eq', name: 'leaseOwner', value: lease.owner },
        },
      ]);
    } catch (error) {
      if (error instanceof TransactionConflictError) {
        throw new LeaseLostError({ release: lease.release.name, owner: lease.owner });
      }
      throw error;
    }
    return { ...lease, expiresAt };
  }

  /**
   * Ends an operation whose holder died (its lease ran out): its pending revision
   * is recorded failed as interrupted and the lease released. Returns that
   * revision, or undefined when the release holds no expired lease.
   */
  interrupt(release: ReleaseId): Promise<RevisionMeta | undefined> {
    return interruptRelease(this.ctx, release);
  }

  /** Deletes the oldest revisions beyond `historyMax` (never the deployed one). */
  prune(release: ReleaseId, historyMax: number = this.ctx.historyMax): Promise<number> {
    return pruneHistory(this.ctx, release, historyMax);
  }

  /**
   * What a request id already did to this release: undefined for a request the
   * store has not seen; `{ revision }` with the revision it made, or `{}` when
   * that revision is gone (pruned, or the release was uninstalled).
   * @throws RequestIdReusedError when the id belongs to another release, or (given `digest`) was
   *   recorded with another digest.
   */
  async findRequest(
    release: ReleaseId,
    requestId: string,
    options: { digest?: string } = {},
  ): Promise<{ revision?: RevisionMeta } | undefined> {
    const record = await this.ctx.driver.get(requestKey(requestId), { consistent: true });
    if (record === undefined) {
      if (this.seenAbsent.size >= 1000) this.seenAbsent.clear();
      this.seenAbsent.add(requestId);
      return undefined;
    }
    checkRequestRecord(record, { release, requestId, digest: options.digest });
    const item = await this.ctx.driver.get(revisionKey(release, Number(record.revision)), {
      consistent: true,
    });
    return item === undefined ? {} : { revision: decodeRevisionMeta(release, item).meta };
  }

  /**
   * Remembers that a request was refused before it became a revision, so that
   * whoever sent it can find out why (`quayside … --queue-url` follows requests
   * through the store). The reason must hold no values.
   */
  async recordRejection(input: { requestId: string; reason: string }): Promise<void> {
    const now = this.ctx.clock.now();
    await this.ctx.driver.transact([
      {
        type: 'put',
        item: {
          ...rejectionKey(input.requestId),
          type: 'rejection',
          reason: input.reason,
          rejectedAt: new Date(now).toISOString(),
          ttl: Math.floor(now / 1000) + this.ctx.requestTtlSeconds,
        },
      },
    ]);
  }

  /**
   * Replaces the recent progress lines of a request's run (what the worker is
   * doing: steps and objects, never values), for senders following it.
   */
  async recordProgress(requestId: string, lines: readonly ProgressLine[]): Promise<void> {
    const now = this.ctx.clock.now();
    await this.ctx.driver.transact([
      {
        type: 'put',
        item: {
          ...progressKey(requestId),
          type: 'progress',
          lines: lines.map((line) => ({ at: line.at, message: line.message })),
          ttl: Math.floor(now / 1000) + this.ctx.requestTtlSeconds,
        },
      },
    ]);
  }

  /** The recent progress lines of a request's run, oldest first (empty when none were recorded). */
  async readProgress(requestId: string): Promise<ProgressLine[]> {
    const item = await this.ctx.driver.get(progressKey(requestId), { consistent: true });
    const lines = item?.lines;
    if (!Array.isArray(lines)) return [];
    return lines.flatMap((line) => {
      const { at, message } = (line ?? {}) as { at?: unknown; message?: unknown };
      return typeof at === 'number' && typeof message === 'string' ? [{ at, message }] : [];
    });
  }

  /** Why a request was refused, when it was. */
  async findRejection(requestId: string): Promise<{ reason: string; rejectedAt: string } | undefined> {
    const item = await this.ctx.driver.get(rejectionKey(requestId), { consistent: true });
    if (item === undefined) return undefined;
    return { reason: String(item.reason), rejectedAt: String(item.rejectedAt) };
  }

  /** The release's head, or undefined when the store has no such release. */
  getRelease(release: ReleaseId): Promise<ReleaseSummary | undefined> {
    return readRelease(this.ctx, release);
  }

  /** @throws RevisionNotFoundError */
  getRevisionMeta(release: ReleaseId, revision: number): Promise<RevisionMeta> {
    return readRevisionMeta(this.ctx, release, revision);
  }

  /** @throws RevisionNotFoundError, StoreCorruptionError */
  getRevision(release: ReleaseId, revision: number): Promise<Revision> {
    return readRevision(this.ctx, release, revision);
  }

  history(
    release: ReleaseId,
    options?: { limit?: number; cursor?: string; oldestFirst?: boolean },
  ): Promise<HistoryPage> {
    return readHistory(this.ctx, release, options);
  }

  list(input: { cluster: string; namespace?: string; limit?: number; cursor?: string }): Promise<ListPage> {
    return readReleases(this.ctx, input);
  }

  needingAttention(input?: { cluster?: string; limit?: number }): Promise<AttentionEntry[]> {
    return readAttention(this.ctx, input);
  }

  async close(): Promise<void> {
    await this.ctx.driver.close?.();
  }
}
