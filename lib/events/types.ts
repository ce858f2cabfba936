import type { FieldProblem, ReleaseId, ReleaseStatus, RequestAction } from '../domain/index.ts';

export const EVENT_SOURCE = 'quayside';
export const EVENT_VERSION = 'v1';

export const DETAIL_TYPES = [
  'Release Deployed',
  'Release Failed',
  'Release Rolled Back',
  'Release Uninstalled',
  'Release Imported',
  'Request Rejected',
  // The automation (issue 14): a bake that ended without trouble, and an automatic action not taken.
  'Release Verified',
  'Automation Skipped',
] as const;
export type DetailType = (typeof DETAIL_TYPES)[number];

/** A release status, or what happened to a request that never became a revision (or was never sent). */
export type EventStatus = ReleaseStatus | 'dry-run' | 'rejected' | 'skipped';

/** Why quayside acted (or chose not to) by itself: a schedule, an alarm, a health check, a bake's end. */
export interface AutomationDetail {
  readonly cause: 'schedule' | 'alarm' | 'health' | 'bake';
  /** What happened and why, for people: `alarm "blog-5xx" fired during bake of revision 5`. */
  readonly reason: string;
  /** The revision whose bake the automation acted on. */
  readonly forRevision?: number;
  readonly alarm?: string;
  readonly schedule?: string;
  readonly createdBy?: string;
  /** A schedule's: the revision deployed when it was made (what it expected to replace). */
  readonly revisionAtCreation?: number;
}

export interface ChangeCounts {
  readonly created: number;
  readonly configured: number;
  readonly unchanged: number;
  readonly deleted: number;
  readonly failed: number;
}

/**
 * What a status event says. Built field by field from typed inputs (lib/events/build.ts),
 * never by copying a request: it must not carry values (DESIGN.md, invariant 6).
 */
export interface StatusDetail {
  readonly version: typeof EVENT_VERSION;
  /** Absent only on a rejection of a message whose request id could not be read. */
  readonly requestId?: string;
  /** The queue message id, on rejections, so that operators can find the message. */
  readonly messageId?: string;
  readonly action?: RequestAction;
  readonly release?: ReleaseId;
  readonly revision?: number;
  /** The revision that was deployed before this operation, if any. */
  readonly previousRevision?: number;
  /** For a rollback, the revision it copied. */
  readonly rollbackTo?: number;
  readonly status: EventStatus;
  readonly description: string;
  readonly chart?: { readonly name: string; readonly version: string; readonly appVersion?: string };
  readonly requestedBy?: { readonly principal: string; readonly channel: string };
  readonly timings: { readonly startedAt: string; readonly finishedAt: string; readonly durationMs: number };
  readonly changes?: ChangeCounts;
  readonly error?: { readonly type: string; readonly message: string };
  /** For a rejected request, each invalid field (messages never quote the input). */
  readonly problems?: readonly FieldProblem[];
  /** Set when the automation sent the request, verified a revision or chose not to act (issue 14). */
  readonly automation?: AutomationDetail;
}

/** One status event, as quayside publishes it (EventBridge's `detail-type` is `detailType` here). */
export interface StatusEvent {
  readonly source: typeof EVENT_SOURCE;
  readonly detailType: DetailType;
  /** ISO-8601, when the operation finished. */
  readonly time: string;
  readonly detail: StatusDetail;
}

/** The port: where status events go. Adapters: EventBridge, a stream (JSONL or human lines), memory. */
export interface EventPublisher {
  /**
   * Publishes the events, in order as far as the target keeps order.
   * @throws EventPublishError when some could not be delivered; it lists them.
   */
  publish(events: readonly StatusEvent[]): Promise<void>;
}
