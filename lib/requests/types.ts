import type { FieldProblem, ReleaseId, ReleaseStatus, Values } from '../domain/index.ts';
import type { AutomationOrigin, BakeSpec } from './automation-schema.ts';

/** Where an install or upgrade takes its chart from: exactly one source. */
export type ChartSource =
  /** A Helm HTTP repository; `version` is a semver constraint (`~1.24`), latest when absent. */
  | { readonly repo: string; readonly name: string; readonly version?: string }
  /** An OCI reference (`oci://registry/charts/ghost`); `version` is the tag. */
  | { readonly oci: string; readonly version?: string }
  /** A base64-encoded chart archive carried in the request. */
  | { readonly inline: string }
  /** A chart directory or archive on the worker's disk: the local stack and the CLI only. */
  | { readonly path: string };

/** Helm's flags, defaults filled in. `timeout` stays a Go duration; read it with `parseDuration`. */
export interface RequestOptions {
  /** Wait for the objects to be healthy (Helm 4's watcher and legacy strategies); false is hookOnly. */
  readonly wait: boolean;
  /** With wait, also wait until Jobs have completed (helm's --wait-for-jobs). */
  readonly waitForJobs: boolean;
  readonly timeout: string;
  /** Roll back (an install: uninstall) on failure; Helm 4's rollbackOnFailure sets it too. */
  readonly atomic: boolean;
  /** As asked (Helm 4's name for atomic); `atomic` already says what it means. */
  readonly rollbackOnFailure: boolean;
  /** Server-side apply takes the fields other managers own (Helm 4's --force-conflicts). */
  readonly forceConflicts: boolean;
  /** Delete and recreate objects an update cannot change (Helm 4's --force-replace). */
  readonly forceReplace: boolean;
  readonly cleanupOnFail: boolean;
  readonly reuseValues: boolean;
  readonly resetValues: boolean;
  readonly resetThenReuseValues: boolean;
  readonly dryRun: boolean;
  readonly description?: string;
  /** Revisions kept per release; 0 keeps all. */
  readonly historyMax: number;
  readonly force: boolean;
  readonly keepHistory: boolean;
  readonly createNamespace: boolean;
  readonly takeOwnership: boolean;
  readonly disableHooks: boolean;
  /** `upgrade --install`: install when the release does not exist. */
  readonly install: boolean;
  /** Keep helm's release records after this action (true) or not (false); absent: as the release has them. */
  readonly helmRecords?: boolean;
}

export type RequestChannel = 'ci' | 'chatops' | 'cli' | 'schedule' | 'api' | 'automation';

interface RequestCommon {
  readonly version: 'v1';
  /** Unique per intended change; also the SQS deduplication id. */
  readonly requestId: string;
  readonly release: ReleaseId;
  readonly options: RequestOptions;
  readonly requestedBy: { readonly principal: string; readonly channel: RequestChannel };
  /** ISO-8601, as the producer stamped it. */
  readonly requestedAt: string;
  /** Set when quayside sent the request itself: a schedule, or an automatic rollback (issue 14). */
  readonly automation?: AutomationOrigin;
}

/** An install or upgrade: the only requests that carry a chart and values. */
export interface ChangeRequest extends RequestCommon {
  readonly action: 'install' | 'upgrade';
  readonly chart: ChartSource;
  /** User-supplied values. May hold secrets: never log or publish them. */
  readonly values: Values;
  /** `--set`, `--set-string`, `--set-json` expressions, applied after values in this order. */
  readonly set: readonly string[];
  readonly setString: readonly string[];
  readonly setJson: readonly string[];
  /** Watch the new revision for a while and roll it back automatically when it turns bad. */
  readonly bake?: BakeSpec;
}

export interface RollbackRequest extends RequestCommon {
  readonly action: 'rollback';
  /** The revision to copy; 0 means the one before the latest. */
  readonly revision: number;
  /** Run only while this revision is the latest (a chat button's or an automation's guard). */
  readonly guard?: { readonly revision: number };
  /** Watch the new revision for a while and roll it back automatically when it turns bad. */
  readonly bake?: BakeSpec;
}

export interface UninstallRequest extends RequestCommon {
  readonly action: 'uninstall';
}

/** Takes a release helm made, with its whole history, into quayside (helm's records are only read). */
export interface ImportRequest extends RequestCommon {
  readonly action: 'import';
}

/** A validated DeployRequest v1 with defaults applied. */
export type DeployRequest = ChangeRequest | RollbackRequest | UninstallRequest | ImportRequest;

/** What parsing one queue message gave: a request, or why not (with what could be read of it). */
export type ParseResult =
  | { readonly ok: true; readonly request: DeployRequest }
  | {
      readonly ok: false;
      readonly problems: readonly FieldProblem[];
      readonly requestId?: string;
      readonly action?: DeployRequest['action'];
      readonly release?: ReleaseId;
    };

/** What the engine reports for a request it ran to an end (deployed, failed, …). */
export interface ExecutionResult {
  readonly status: ReleaseStatus | 'dry-run';
  readonly revision?: number;
  readonly description: string;
  /** With atomic: the failure was followed by an automatic rollback that deployed. */
  readonly rolledBack?: boolean;
  /** How long the action took, rollback included. */
  readonly durationMs?: number;
}
