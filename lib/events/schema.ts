import * as z from 'zod';
import { RELEASE_STATUSES, REQUEST_ACTIONS } from '../domain/index.ts';
import { InvalidStatusEventError } from './errors.ts';
import {
  DETAIL_TYPES,
  type DetailType,
  EVENT_SOURCE,
  EVENT_VERSION,
  type StatusDetail,
  type StatusEvent,
} from './types.ts';

/*
 * The zod twin of events/schemas/status-event.v1.schema.json, over the JSON form of an
 * event as EventBridge delivers it (`detail-type`, and envelope fields quayside does not set).
 */

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const count = z.int().min(0);
const revision = z.int().min(1);

export const statusDetailSchema = z.strictObject({
  version: z.literal(EVENT_VERSION),
  requestId: z.string().min(1).max(128).optional(),
  messageId: z.string().min(1).optional(),
  action: z.enum(REQUEST_ACTIONS).optional(),
  release: z
    .strictObject({ cluster: z.string().min(1), namespace: z.string().min(1), name: z.string().min(1) })
    .optional(),
  revision: revision.optional(),
  previousRevision: revision.optional(),
  rollbackTo: revision.optional(),
  status: z.enum([...RELEASE_STATUSES, 'dry-run', 'rejected', 'skipped']),
  description: z.string(),
  chart: z
    .strictObject({ name: z.string(), version: z.string(), appVersion: z.string().optional() })
    .optional(),
  requestedBy: z.strictObject({ principal: z.string(), channel: z.string() }).optional(),
  timings: z.strictObject({
    startedAt: z.string().regex(ISO_TIME),
    finishedAt: z.string().regex(ISO_TIME),
    durationMs: count,
  }),
  changes: z
    .strictObject({
      created: count,
      configured: count,
      unchanged: count,
      recreated: count,
      deleted: count,
      failed: count,
    })
    .optional(),
  error: z.strictObject({ type: z.string(), message: z.string() }).optional(),
  problems: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
  automation: z
    .strictObject({
      cause: z.enum(['schedule', 'alarm', 'health', 'bake']),
      reason: z.string(),
      forRevision: revision.optional(),
      alarm: z.string().optional(),
      schedule: z.string().optional(),
      createdBy: z.string().optional(),
      revisionAtCreation: revision.optional(),
    })
    .optional(),
});

const AUTOMATION_TYPES: readonly DetailType[] = ['Release Verified', 'Automation Skipped'];

/** A status event in its JSON form, checked for what each detail-type promises. */
export const statusEventJsonSchema = z
  .object({
    // EventBridge adds these when it delivers; quayside's own JSON lines leave them out.
    version: z.string().optional(),
    id: z.string().optional(),
    account: z.string().optional(),
    region: z.string().optional(),
    resources: z.array(z.string()).optional(),
    source: z.literal(EVENT_SOURCE),
    'detail-type': z.enum(DETAIL_TYPES),
    time: z.string().regex(ISO_TIME),
    detail: statusDetailSchema,
  })
  .strict()
  .check((ctx) => {
    const { 'detail-type': detailType, detail } = ctx.value;
    const add = (message: string, path: string[]) =>
      ctx.issues.push({ code: 'custom', message, path, input: ctx.value });
    if (detailType === 'Request Rejected') {
      if (detail.status !== 'rejected') add('must be "rejected" for Request Rejected', ['detail', 'status']);
      if (detail.problems === undefined && detail.error === undefined) {
        add('a rejection needs problems or an error', ['detail']);
      }
      return;
    }
    if (detail.status === 'rejected') add(`cannot be "rejected" for ${detailType}`, ['detail', 'status']);
    if (detailType === 'Release Failed' && detail.status !== 'failed')
      add('must be "failed"', ['detail', 'status']);
    if ((detailType === 'Automation Skipped') !== (detail.status === 'skipped'))
      add('is "skipped" exactly for Automation Skipped', ['detail', 'status']);
    if (detailType === 'Release Verified' && detail.status !== 'deployed')
      add('must be "deployed"', ['detail', 'status']);
    if (AUTOMATION_TYPES.includes(detailType) && detail.automation === undefined)
      add(`is required for ${detailType}`, ['detail', 'automation']);
    for (const field of ['requestId', 'action', 'release', 'requestedBy'] as const) {
      if (detail[field] === undefined) add(`is required for ${detailType}`, ['detail', field]);
    }
  });

/** A status event as JSON: EventBridge's field names. */
export interface StatusEventJson {
  readonly source: typeof EVENT_SOURCE;
  readonly 'detail-type': DetailType;
  readonly time: string;
  readonly detail: StatusDetail;
}

/** The JSON form of an event: what the JSONL adapter writes and what consumers receive. */
export function toEventJson(event: StatusEvent): StatusEventJson {
  return { source: event.source, 'detail-type': event.detailType, time: event.time, detail: event.detail };
}

/**
 * Reads a status event from its JSON form (an EventBridge delivery or a JSONL line).
 * @throws InvalidStatusEventError naming each invalid field.
 */
export function parseStatusEvent(document: unknown): StatusEvent {
  const result = statusEventJsonSchema.safeParse(document);
  if (!result.success) {
    throw new InvalidStatusEventError(
      result.error.issues.map((issue) => ({
        field: issue.path.join('.') || 'event',
        message: issue.message,
      })),
    );
  }
  const { 'detail-type': detailType, source, time, detail } = result.data;
  return { source, detailType, time, detail };
}
