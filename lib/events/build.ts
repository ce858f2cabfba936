import {
  type ChartRef,
  type FieldProblem,
  type ObjectResult,
  QuaysideError,
  type ReleaseId,
  type ReleaseStatus,
  type RequestAction,
  type Requester,
  toIso,
} from '../domain/index.ts';
import { eventMessages } from './messages.ts';
import {
  type AutomationDetail,
  type ChangeCounts,
  type DetailType,
  EVENT_SOURCE,
  EVENT_VERSION,
  type StatusDetail,
  type StatusEvent,
} from './types.ts';

/*
 * The only way events are made. Every field is copied by name from a typed input, and
 * nested objects are rebuilt, so that passing a whole request (which holds values) in
 * place of an input cannot leak anything: extra properties are never read.
 */

/** What the engine knows when an operation on a release ends. */
export interface ReleaseEventInput {
  readonly requestId: string;
  readonly action: RequestAction;
  readonly release: ReleaseId;
  readonly status: ReleaseStatus | 'dry-run';
  readonly description: string;
  readonly revision?: number;
  readonly previousRevision?: number;
  readonly rollbackTo?: number;
  readonly chart?: ChartRef;
  readonly requestedBy: Requester;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly finishedAt: number;
  /** What applying did to each object; only the counts are published. */
  readonly objects?: readonly ObjectResult[];
  /** Why it failed. Only a QuaysideError's message is published; any other error's is replaced. */
  readonly error?: unknown;
  /** Why the automation sent the request (a schedule, an alarm, a failed health check). */
  readonly automation?: AutomationDetail;
}

/** What the automation knows when a bake ends without trouble, or when it chooses not to act. */
export interface AutomationEventInput {
  readonly detailType: 'Release Verified' | 'Automation Skipped';
  /** The request the event is about: the one that made the revision, or the automatic one not sent or not run. */
  readonly requestId: string;
  readonly action: RequestAction;
  readonly release: ReleaseId;
  readonly revision?: number;
  readonly description: string;
  readonly chart?: ChartRef;
  readonly requestedBy: Requester;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly automation: AutomationDetail;
}

/** What is known about a request that is refused before it becomes a revision. */
export interface RejectionEventInput {
  readonly messageId?: string;
  readonly requestId?: string;
  readonly action?: RequestAction;
  readonly release?: ReleaseId;
  readonly requestedBy?: Requester;
  readonly problems?: readonly FieldProblem[];
  readonly error?: unknown;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** The detail-type a finished operation is announced with. */
export function chooseDetailType(action: RequestAction, status: ReleaseStatus | 'dry-run'): DetailType {
  if (action === 'import') return 'Release Imported';
  if (status === 'failed') return 'Release Failed';
  if (action === 'rollback') return 'Release Rolled Back';
  if (action === 'uninstall') return 'Release Uninstalled';
  return 'Release Deployed';
}

/** The event for an operation that ran to an end: deployed, failed, rolled back, uninstalled, or a dry run. */
export function buildReleaseEvent(input: ReleaseEventInput): StatusEvent {
  const detail: StatusDetail = {
    version: EVENT_VERSION,
    requestId: input.requestId,
    action: input.action,
    release: copyRelease(input.release),
    ...optional('revision', input.revision),
    ...optional('previousRevision', input.previousRevision),
    ...optional('rollbackTo', input.rollbackTo),
    status: input.status,
    description: input.description,
    ...optional('chart', input.chart && copyChart(input.chart)),
    requestedBy: copyRequester(input.requestedBy),
    timings: timings(input.startedAt, input.finishedAt),
    ...optional('changes', input.objects && countChanges(input.objects)),
    ...optional('error', input.error === undefined ? undefined : describeError(input.error)),
    ...optional('automation', input.automation && copyAutomation(input.automation)),
  };
  return {
    source: EVENT_SOURCE,
    detailType: chooseDetailType(input.action, input.status),
    time: toIso(input.finishedAt),
    detail,
  };
}

/** `Release Verified` (status deployed) or `Automation Skipped` (status skipped), from the automation. */
export function buildAutomationEvent(input: AutomationEventInput): StatusEvent {
  const detail: StatusDetail = {
    version: EVENT_VERSION,
    requestId: input.requestId,
    action: input.action,
    release: copyRelease(input.release),
    ...optional('revision', input.revision),
    status: input.detailType === 'Release Verified' ? 'deployed' : 'skipped',
    description: input.description,
    ...optional('chart', input.chart && copyChart(input.chart)),
    requestedBy: copyRequester(input.requestedBy),
    timings: timings(input.at, input.at),
    automation: copyAutomation(input.automation),
  };
  return { source: EVENT_SOURCE, detailType: input.detailType, time: toIso(input.at), detail };
}

/** The one `Request Rejected` event for a request that can never succeed as sent. */
export function buildRejectionEvent(input: RejectionEventInput): StatusEvent {
  const problems = input.problems?.map((p) => ({ field: p.field, message: p.message }));
  const error = input.error === undefined ? undefined : describeError(input.error);
  const detail: StatusDetail = {
    version: EVENT_VERSION,
    ...optional('requestId', input.requestId),
    ...optional('messageId', input.messageId),
    ...optional('action', input.action),
    ...optional('release', input.release && copyRelease(input.release)),
    status: 'rejected',
    description: eventMessages.rejected(summarize(problems, error)),
    ...optional('requestedBy', input.requestedBy && copyRequester(input.requestedBy)),
    timings: timings(input.startedAt, input.finishedAt),
    ...optional('error', error),
    ...optional('problems', problems && problems.length > 0 ? problems : undefined),
  };
  return { source: EVENT_SOURCE, detailType: 'Request Rejected', time: toIso(input.finishedAt), detail };
}

/** Counts objects by what applying did to them. */
export function countChanges(objects: readonly ObjectResult[]): ChangeCounts {
  const counts = { created: 0, configured: 0, unchanged: 0, recreated: 0, deleted: 0, failed: 0 };
  for (const object of objects) counts[object.action] += 1;
  return counts;
}

/**
 * An error as events show it. quayside's own errors are written not to hold values; any
 * other error (a bug, a library's message) could quote input, so only its type is kept.
 */
export function describeError(error: unknown): { type: string; message: string } {
  if (error instanceof QuaysideError) return { type: error.name, message: error.message };
  const type = error instanceof Error ? error.name : 'Error';
  return { type, message: eventMessages.unexpectedError };
}

const MAX_PROBLEMS_IN_DESCRIPTION = 3;

function summarize(
  problems: readonly FieldProblem[] | undefined,
  error: { type: string; message: string } | undefined,
): string {
  if (problems && problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS_IN_DESCRIPTION).map((p) => `${p.field} ${p.message}`);
    const rest = problems.length - shown.length;
    return rest > 0 ? `${shown.join('; ')}; ${eventMessages.moreProblems(rest)}` : shown.join('; ');
  }
  return error ? error.message : eventMessages.unexpectedError;
}

function copyRelease(release: ReleaseId): ReleaseId {
  return { cluster: release.cluster, namespace: release.namespace, name: release.name };
}

function copyChart(chart: ChartRef): NonNullable<StatusDetail['chart']> {
  return { name: chart.name, version: chart.version, ...optional('appVersion', chart.appVersion) };
}

function copyRequester(requester: Requester): NonNullable<StatusDetail['requestedBy']> {
  return { principal: requester.principal, channel: requester.channel };
}

function copyAutomation(a: AutomationDetail): AutomationDetail {
  return {
    cause: a.cause,
    reason: a.reason,
    ...optional('forRevision', a.forRevision),
    ...optional('alarm', a.alarm),
    ...optional('schedule', a.schedule),
    ...optional('createdBy', a.createdBy),
    ...optional('revisionAtCreation', a.revisionAtCreation),
  };
}

function timings(startedAt: number, finishedAt: number): StatusDetail['timings'] {
  return {
    startedAt: toIso(startedAt),
    finishedAt: toIso(finishedAt),
    durationMs: Math.max(0, Math.round(finishedAt - startedAt)),
  };
}

/** `{ key: value }` when the value is present, `{}` otherwise: absent fields stay out of the JSON. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
