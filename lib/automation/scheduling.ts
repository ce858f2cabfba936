import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { IdGenerator } from '../domain/index.ts';
import { parseScheduleTime, type ScheduleTime } from './at-time.ts';
import { createScheduledRequest, type ScheduledAction, type ScheduleTarget } from './schedules.ts';
import { AUTOMATION_SETTINGS, schedulerRoleName } from './settings.ts';

/*
 * What every way of scheduling shares (`quayside schedule`, `/quayside schedule` in chat): one
 * reading of --at and --tz, one kind of schedule, one way of finding the stack's group, role and DLQ.
 */

type Env = Readonly<Record<string, string | undefined>>;

/** A schedule made: its name, the request id it will send, and when (as Scheduler holds it). */
export interface MadeSchedule {
  readonly name: string;
  readonly requestId: string;
  readonly arn?: string;
  readonly time: ScheduleTime;
}

/**
 * Schedules a request as a person asked for it: `at` (and `tz`) read as `--at`/`--tz` against
 * `now`, then the one-time schedule of {@link createScheduledRequest} (at() in the zone, deleted once
 * run, retried then dead-lettered, in the release's message group, sent by the schedule on behalf of
 * `createdBy` through channel `schedule`).
 * @throws ScheduleInputError for a time that is unreadable, past, skipped by the zone, or a zone
 *   unknown (naming --at or --tz), or a request too large for Scheduler; ValidationError for a
 *   request the worker would refuse. Nothing is made when it throws.
 */
export async function scheduleRequest(input: {
  client: SchedulerClient;
  target: ScheduleTarget;
  what: ScheduledAction;
  at: string;
  tz?: string;
  now: number;
  createdBy: string;
  /** The revision deployed now, so that the event can say what the schedule replaced. */
  revisionAtCreation?: number;
  ids: IdGenerator;
}): Promise<MadeSchedule> {
  const time = parseScheduleTime({
    at: input.at,
    ...(input.tz === undefined ? {} : { tz: input.tz }),
    now: input.now,
  });
  const made = await createScheduledRequest({
    client: input.client,
    target: input.target,
    what: input.what,
    at: time,
    createdBy: input.createdBy,
    ...(input.revisionAtCreation === undefined ? {} : { revisionAtCreation: input.revisionAtCreation }),
    ids: input.ids,
  });
  return { ...made, time };
}

/**
 * A schedule's time for people, as the zone's clocks show it and in UTC:
 * `2026-12-01 06:00:00 Europe/Paris (2026-12-01T05:00:00.000Z)`.
 */
export function formatScheduleTime(time: Pick<ScheduleTime, 'expression' | 'timezone' | 'instant'>): string {
  const wall = time.expression.replace(/^at\((.*)\)$/, '$1').replace('T', ' ');
  return `${wall} ${time.timezone} (${new Date(time.instant).toISOString()})`;
}

/**
 * Where schedules go, given the request queue's ARN: the stack's group, and the role and DLQ the
 * stack names by convention in the queue's account and region. QUAYSIDE_SCHEDULE_GROUP,
 * QUAYSIDE_SCHEDULER_ROLE_ARN and QUAYSIDE_SCHEDULE_DLQ_ARN override them.
 */
export function scheduleTargetFor(queueArn: string, env: Env = {}): ScheduleTarget {
  const [, partition, , region, account] = queueArn.split(':');
  return {
    groupName: env.QUAYSIDE_SCHEDULE_GROUP?.trim() || AUTOMATION_SETTINGS.scheduleGroup,
    queueArn,
    roleArn:
      env.QUAYSIDE_SCHEDULER_ROLE_ARN?.trim() ||
      `arn:${partition}:iam::${account}:role/${schedulerRoleName(region as string)}`,
    deadLetterArn:
      env.QUAYSIDE_SCHEDULE_DLQ_ARN?.trim() ||
      `arn:${partition}:sqs:${region}:${account}:${AUTOMATION_SETTINGS.automationDeadLetterQueueName}`,
  };
}
