import type { ReleaseId } from './release.ts';

/** Helm's nine release statuses, spelled as Helm spells them. */
export const RELEASE_STATUSES = [
  'unknown',
  'deployed',
  'uninstalled',
  'superseded',
  'failed',
  'uninstalling',
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

export const PENDING_STATUSES: readonly ReleaseStatus[] = [
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
  'uninstalling',
];

/** True while an operation owns the revision: it may still change. */
export function isPending(status: ReleaseStatus): boolean {
  return PENDING_STATUSES.includes(status);
}

export const ACTIONS = ['install', 'upgrade', 'rollback', 'uninstall'] as const;
export type Action = (typeof ACTIONS)[number];

/** What a request may ask: an action that makes or ends a revision, or taking a release over from helm. */
export const REQUEST_ACTIONS = [...ACTIONS, 'import'] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];

/** Who asked for a change, and through which way in. */
export interface Requester {
  /** An IAM principal, a chat user, a CI job, or `scheduler`. */
  readonly principal: string;
  /** `ci`, `chatops`, `cli`, `schedule`, `api`, … */
  readonly channel: string;
}

export interface ChartRef {
  readonly name: string;
  readonly version: string;
  readonly appVersion?: string;
}

export type Values = Record<string, unknown>;

export const OBJECT_ACTIONS = [
  'created',
  'configured',
  'unchanged',
  'recreated',
  'deleted',
  'failed',
] as const;
export type ObjectAction = (typeof OBJECT_ACTIONS)[number];

/** What applying a revision did to one Kubernetes object. */
export interface ObjectResult {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly action: ObjectAction;
  readonly error?: string;
}

/** A chart hook as recorded with its revision (Helm keeps them beside the manifest). */
export interface HookRecord {
  readonly name: string;
  readonly kind: string;
  readonly path: string;
  readonly events: readonly string[];
  readonly weight: number;
  readonly deletePolicies: readonly string[];
  readonly manifest: string;
  readonly lastRun?: { readonly startedAt: string; readonly completedAt?: string; readonly phase: string };
}

/**
 * The large, user-data part of a revision. Stored compressed and apart from the
 * metadata so that history pages stay small; it may hold secrets (values).
 */
export interface RevisionBody {
  /** Values the user supplied (`helm get values`). */
  readonly config: Values;
  /** Values after coalescing with the chart's defaults (`helm get values --all`). */
  readonly values: Values;
  readonly manifest: string;
  readonly notes: string;
  readonly hooks: readonly HookRecord[];
  readonly objects: readonly ObjectResult[];
}

/** Everything about one revision except its body. Safe to log: holds no values. */
export interface RevisionMeta {
  readonly release: ReleaseId;
  readonly revision: number;
  readonly status: ReleaseStatus;
  readonly description: string;
  readonly action: Action;
  readonly chart: ChartRef;
  readonly requestId: string;
  readonly requestedBy: Requester;
  /** For a rollback, the revision it copied. */
  readonly rollbackTo?: number;
  /** ISO timestamps, as Helm's `info` block has them. */
  readonly firstDeployed?: string;
  readonly lastDeployed?: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
}

export interface Revision extends RevisionMeta {
  readonly body: RevisionBody;
}

export const EMPTY_BODY: RevisionBody = Object.freeze({
  config: {},
  values: {},
  manifest: '',
  notes: '',
  hooks: [],
  objects: [],
});
