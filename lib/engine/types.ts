import type { Chart, ChartSource, Values } from '../chart/index.ts';
import type {
  Action,
  Clock,
  IdGenerator,
  ObjectResult,
  ReleaseId,
  ReleaseStatus,
  Requester,
} from '../domain/index.ts';
import type { ConnectionProvider, DiffResult, PollPolicy, ProgressEvent } from '../kube/index.ts';
import type { ReleaseStore, ReleaseSummary } from '../store/index.ts';

/** Where time comes from and how the engine waits. Tests pass a fast or manual one. */
export interface EngineClock extends Clock {
  sleep(ms: number): Promise<void>;
}

export interface EngineDeps {
  readonly store: ReleaseStore;
  readonly connections: ConnectionProvider;
  readonly clock: EngineClock;
  /** Lease owner tokens. */
  readonly ids?: IdGenerator;
  /** Loads charts; defaults to lib/chart's loadChart. */
  readonly loadChart?: (source: ChartSource) => Promise<Chart>;
  /** How often and how fast health is polled while waiting. */
  readonly poll?: PollPolicy;
  /** Time kept back from the deadline to record the outcome and release the lease. */
  readonly finalizeMarginMs?: number;
  /** How long a lease lasts unless renewed (it is renewed while the action runs); default 30 s. */
  readonly leaseTtlMs?: number;
  /**
   * Keep helm's release records (Secrets `sh.helm.release.v1.NAME.vN`) up to date for every release,
   * not only for those that have them already (see helm-records.ts).
   */
  readonly keepHelmRecords?: boolean;
}

/** Helm's options, with Helm's meaning. */
export interface ActionOptions {
  /** Wait for every object to be healthy before calling the revision deployed. */
  readonly wait?: boolean;
  /** With wait: also wait until Jobs have completed (helm's --wait-for-jobs). Hooks always do. */
  readonly waitForJobs?: boolean;
  /** Milliseconds the whole action may take (Helm's --timeout, default 5m). */
  readonly timeoutMs?: number;
  /** On failure, roll back to the last deployed revision (a new revision of its own). */
  readonly atomic?: boolean;
  /** On a failed upgrade, delete the objects this upgrade created. */
  readonly cleanupOnFail?: boolean;
  readonly reuseValues?: boolean;
  readonly resetValues?: boolean;
  readonly resetThenReuseValues?: boolean;
  /** Render and diff against the cluster; store and apply nothing. */
  readonly dryRun?: boolean;
  readonly description?: string;
  readonly historyMax?: number;
  /** Recreate objects whose immutable fields changed; take fields from other managers. */
  readonly force?: boolean;
  /** Take fields other field managers own (Helm 4's --force-conflicts). */
  readonly forceConflicts?: boolean;
  /** Recreate objects whose immutable fields changed (Helm 4's --force-replace). */
  readonly forceReplace?: boolean;
  /** Adopt objects that belong to no release or another one. */
  readonly takeOwnership?: boolean;
  readonly disableHooks?: boolean;
  readonly createNamespace?: boolean;
  /** upgrade --install: install when the release does not exist. */
  readonly install?: boolean;
  /** uninstall --keep-history */
  readonly keepHistory?: boolean;
  /**
   * Write helm's release records after this action (true), or not (false); by default only for a
   * release that has them already, or for every release when the engine keeps them.
   */
  readonly helmRecords?: boolean;
}

/** Who asks, under which request id, and by when it must be done. */
export interface RequestContext {
  readonly requestId: string;
  /**
   * A digest of the request's content (the worker's requestDigest): the same request id delivered
   * with other content is refused with RequestIdReusedError instead of answered as a duplicate.
   */
  readonly requestDigest?: string;
  readonly requestedBy: Requester;
  /** Epoch ms after which the action must have finished (e.g. Lambda's remaining time less a margin). */
  readonly hardDeadline?: number;
  readonly onProgress?: (event: EngineProgress) => void;
  /**
   * The release's head as the caller read it a moment before (the worker, to refuse a release held
   * by a live operation before anything else), `null` when it found none: install and upgrade take
   * it instead of reading it again. The pending record is still written under the store's own
   * consistent read and conditions, so a head that changed in between costs a retry, never a wrong write.
   */
  readonly head?: ReleaseSummary | null;
}

export interface EngineProgress {
  readonly at: number;
  readonly step: 'render' | 'lease' | 'hooks' | 'apply' | 'prune' | 'wait' | 'record' | 'rollback' | 'delete';
  readonly message: string;
  readonly kube?: ProgressEvent;
}

export interface UpgradeInput {
  readonly release: ReleaseId;
  readonly chart: ChartSource;
  /** Values the user supplied (already merged from -f and --set). */
  readonly values?: Values;
  readonly options?: ActionOptions;
}

export interface RollbackInput {
  readonly release: ReleaseId;
  /** The revision to roll back to; 0 or absent: the one before the current. */
  readonly revision?: number;
  /** Roll back only while this revision is the latest; otherwise StaleGuardError and nothing changes. */
  readonly guard?: number;
  readonly options?: ActionOptions;
}

export interface ImportInput {
  /** The release as helm knows it (namespace and name) on the cluster quayside reaches it by. */
  readonly release: ReleaseId;
}

export interface UninstallInput {
  readonly release: ReleaseId;
  readonly options?: ActionOptions;
}

/** What an action did. Holds no values: it is logged and turned into events. */
export interface ActionResult {
  readonly release: ReleaseId;
  readonly action: Action | 'import';
  readonly status: ReleaseStatus | 'dry-run';
  readonly revision?: number;
  /** The revision deployed before this action. */
  readonly previousRevision?: number;
  /** For a rollback, the revision it copied. */
  readonly rollbackTo?: number;
  readonly description: string;
  readonly chart?: { readonly name: string; readonly version: string; readonly appVersion?: string };
  readonly objects: readonly ObjectResult[];
  /** The request had already run; nothing was done again. */
  readonly duplicate?: boolean;
  /** The request this result answers, where the caller did not choose it (queued mode). */
  readonly requestId?: string;
  /** With atomic: the automatic rollback that followed the failure. */
  readonly rollback?: ActionResult;
  /** With import: the revision numbers taken from helm's records, oldest first. */
  readonly imported?: readonly number[];
  /** With dry-run: the server-side diff. */
  readonly diff?: DiffResult;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly error?: { readonly type: string; readonly message: string };
}
