import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  type Action,
  formatReleaseId,
  type IdGenerator,
  type ReleaseId,
  ValidationError,
} from '../domain/index.ts';
import { parseDeployRequest, REQUEST_VERSION } from '../requests/index.ts';
import { instantOfAt, type ScheduleTime } from './at-time.ts';
import { ScheduleInputError, ScheduleNotFoundError } from './errors.ts';
import { scheduleRequester } from './identity.ts';
import { AUTOMATION_MESSAGES as M } from './messages.ts';
import { AUTOMATION_SETTINGS } from './settings.ts';

/** EventBridge Scheduler's limit on a target's input, in characters. */
export const SCHEDULE_INPUT_MAX = 8192;
/** Replaced by Scheduler with the time the schedule was due (2026-12-01T05:00:00Z). */
const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

/** Where schedules live and what they may send to: the stack's group, queue, role and DLQ. */
export interface ScheduleTarget {
  readonly groupName: string;
  /** The request FIFO queue (it has content-based deduplication, which Scheduler needs). */
  readonly queueArn: string;
  /** The role Scheduler assumes: it may send to the request queue and the schedules' DLQ only. */
  readonly roleArn: string;
  /** A standard queue: Scheduler takes no FIFO DLQ. */
  readonly deadLetterArn: string;
}

/** What a schedule will send: a DeployRequest without its id, sender and time, which the schedule sets. */
export interface ScheduledAction {
  readonly action: Action;
  readonly release: ReleaseId;
  readonly revision?: number;
  /** chart, values, set…, options, bake: as a DeployRequest has them. */
  readonly rest?: Record<string, unknown>;
}

export interface ScheduledRequest {
  readonly name: string;
  readonly state: string;
  readonly expression: string;
  readonly timezone: string;
  /** Epoch ms, when the expression is an at() one. */
  readonly instant?: number;
  readonly requestId?: string;
  readonly action?: string;
  readonly release?: ReleaseId;
  readonly revision?: number;
  readonly createdBy?: string;
  readonly revisionAtCreation?: number;
}

/**
 * Makes a one-time schedule that sends the request to the FIFO queue in its release's message
 * group at the given time: `at(...)` in its time zone, deleted once it has run, retried for an hour
 * and then dead-lettered. The request names the schedule and who made it (channel `schedule`) and
 * the revision deployed now, so that its event can say what it replaced if the release changed
 * meanwhile; it is checked as the worker will check it before anything is made.
 * @throws ValidationError for a request the worker would refuse; ScheduleInputError when it does
 *   not fit Scheduler's input.
 */
export async function createScheduledRequest(input: {
  client: SchedulerClient;
  target: ScheduleTarget;
  what: ScheduledAction;
  at: ScheduleTime;
  createdBy: string;
  revisionAtCreation?: number;
  ids: IdGenerator;
}): Promise<{ name: string; requestId: string; arn?: string }> {
  const { what } = input;
  const name = `${what.release.name.slice(0, 40)}-${what.action}-${input
    .ids()
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 8)}`;
  const requestId = `schedule-${name}`;
  const document = {
    version: REQUEST_VERSION,
    requestId,
    action: what.action,
    release: what.release,
    ...(what.revision === undefined ? {} : { revision: what.revision }),
    ...what.rest,
    automation: {
      cause: 'schedule',
      schedule: name,
      createdBy: input.createdBy,
      ...(input.revisionAtCreation === undefined ? {} : { revisionAtCreation: input.revisionAtCreation }),
    },
    requestedBy: scheduleRequester(name, input.createdBy),
    requestedAt: SCHEDULED_TIME,
  };
  const checked = parseDeployRequest({ ...document, requestedAt: new Date(input.at.instant).toISOString() });
  if (!checked.ok) throw new ValidationError(checked.problems);
  const body = JSON.stringify(document);
  if (body.length > SCHEDULE_INPUT_MAX) {
    throw new ScheduleInputError([
      { field: 'request', message: M.inputTooLarge(body.length, SCHEDULE_INPUT_MAX) },
    ]);
  }
  const retry = AUTOMATION_SETTINGS.scheduleRetry;
  const output = await input.client.send(
    new CreateScheduleCommand({
      Name: name,
      GroupName: input.target.groupName,
      ScheduleExpression: input.at.expression,
      ScheduleExpressionTimezone: input.at.timezone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Description: M.scheduleDescription(
        describeAction(what),
        formatReleaseId(what.release),
        input.createdBy,
      ).slice(0, 512),
      Target: {
        Arn: input.target.queueArn,
        RoleArn: input.target.roleArn,
        Input: body,
        SqsParameters: { MessageGroupId: formatReleaseId(what.release) },
        RetryPolicy: {
          MaximumRetryAttempts: retry.maximumRetryAttempts,
          MaximumEventAgeInSeconds: retry.maximumEventAgeSeconds,
        },
        DeadLetterConfig: { Arn: input.target.deadLetterArn },
      },
    }),
  );
  return { name, requestId, ...(output.ScheduleArn === undefined ? {} : { arn: output.ScheduleArn }) };
}

/** The group's schedules with what each will send, soonest first. */
export async function listScheduledRequests(input: {
  client: SchedulerClient;
  groupName: string;
}): Promise<ScheduledRequest[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await input.client.send(
      new ListSchedulesCommand({
        GroupName: input.groupName,
        ...(token === undefined ? {} : { NextToken: token }),
      }),
    );
    names.push(...(page.Schedules ?? []).flatMap((s) => (s.Name === undefined ? [] : [s.Name])));
    token = page.NextToken;
  } while (token !== undefined);
  const schedules = await Promise.all(
    names.map(async (name) => {
      try {
        const got = await input.client.send(
          new GetScheduleCommand({ Name: name, GroupName: input.groupName }),
        );
        return [describeSchedule(name, got)];
      } catch (error) {
        // Run and deleted between the list and the look.
        if (error instanceof ResourceNotFoundException) return [];
        throw error;
      }
    }),
  );
  return schedules.flat().sort((a, b) => (a.instant ?? Number.MAX_VALUE) - (b.instant ?? Number.MAX_VALUE));
}

/**
 * One schedule of the group with what it will send.
 * @throws ScheduleNotFoundError when the group has no such schedule (never made, or already run).
 */
export async function getScheduledRequest(input: {
  client: SchedulerClient;
  groupName: string;
  name: string;
}): Promise<ScheduledRequest> {
  try {
    const got = await input.client.send(
      new GetScheduleCommand({ Name: input.name, GroupName: input.groupName }),
    );
    return describeSchedule(input.name, got);
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new ScheduleNotFoundError(input.name, M.scheduleNotFound(input.name, input.groupName));
    }
    throw error;
  }
}

/**
 * Deletes a schedule before it runs.
 * @throws ScheduleNotFoundError when the group has no such schedule (never made, or already run).
 */
export async function cancelScheduledRequest(input: {
  client: SchedulerClient;
  groupName: string;
  name: string;
}): Promise<void> {
  try {
    await input.client.send(new DeleteScheduleCommand({ Name: input.name, GroupName: input.groupName }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new ScheduleNotFoundError(input.name, M.scheduleNotFound(input.name, input.groupName));
    }
    throw error;
  }
}

function describeAction(what: ScheduledAction): string {
  if (what.action === 'rollback') return `rollback to ${what.revision ?? 'the previous revision'} of`;
  return what.action;
}

function describeSchedule(
  name: string,
  got: {
    State?: string;
    ScheduleExpression?: string;
    ScheduleExpressionTimezone?: string;
    Target?: { Input?: string };
  },
): ScheduledRequest {
  const expression = got.ScheduleExpression ?? '';
  const timezone = got.ScheduleExpressionTimezone ?? 'UTC';
  const instant = instantOfAt(expression, timezone);
  let request: Record<string, unknown> = {};
  try {
    request = JSON.parse(got.Target?.Input ?? '{}') as Record<string, unknown>;
  } catch {
    // Not one of quayside's: listed by name and time only.
  }
  const automation = (request.automation ?? {}) as { createdBy?: unknown; revisionAtCreation?: unknown };
  const release = request.release as ReleaseId | undefined;
  return {
    name,
    state: got.State ?? 'UNKNOWN',
    expression,
    timezone,
    ...(instant === undefined ? {} : { instant }),
    ...(typeof request.requestId === 'string' ? { requestId: request.requestId } : {}),
    ...(typeof request.action === 'string' ? { action: request.action } : {}),
    ...(release === undefined ? {} : { release }),
    ...(typeof request.revision === 'number' ? { revision: request.revision } : {}),
    ...(typeof automation.createdBy === 'string' ? { createdBy: automation.createdBy } : {}),
    ...(typeof automation.revisionAtCreation === 'number'
      ? { revisionAtCreation: automation.revisionAtCreation }
      : {}),
  };
}
