import type { ScheduleTime } from './at-time.ts';
import type { ScheduleTarget } from './schedules.ts';
import { AUTOMATION_SETTINGS, schedulerRoleName } from './settings.ts';

/*
 * What every way of scheduling shares besides parseScheduleTime and createScheduledRequest
 * (`quayside schedule`, `/quayside schedule` in chat): how a schedule's time is shown, and where
 * the stack's group, role and DLQ are.
 */

type Env = Readonly<Record<string, string | undefined>>;

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
