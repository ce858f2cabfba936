import { instantOfAt, isTimeZone, SCHEDULE_INPUT_MAX } from '../../automation/index.ts';
import type { StoredSchedule, StoredTarget } from './schedules-file.ts';

/** A request Scheduler would refuse: the REST-JSON error code and its message. */
export class SchedulerFault extends Error {
  constructor(
    readonly code:
      | 'ValidationException'
      | 'ConflictException'
      | 'ResourceNotFoundException'
      | 'InternalServerException',
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new SchedulerFault('ValidationException', message, 400);

const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SQS_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_.]+$/;
/** Scheduler takes no FIFO queue as a DLQ: its pattern has no dot. */
const DLQ_ARN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/;

/**
 * Checks a CreateSchedule body as Scheduler does, for what the local scheduler serves: one-time
 * `at()` schedules with an SQS target. Returns the schedule to store.
 * @throws SchedulerFault (ValidationException) naming the field.
 */
export function validateCreate(input: {
  name: string;
  body: Record<string, unknown>;
  groupName: string;
  arn: string;
  nowSeconds: number;
}): StoredSchedule {
  const { body, name } = input;
  if (!NAME.test(name)) throw invalid(`Name ${name} does not match ${NAME.source}`);
  const expression = stringField(body, 'ScheduleExpression', 256);
  const timezone =
    body.ScheduleExpressionTimezone === undefined
      ? 'UTC'
      : stringField(body, 'ScheduleExpressionTimezone', 50);
  if (!isTimeZone(timezone)) throw invalid(`Invalid ScheduleExpressionTimezone ${timezone}`);
  if (!expression.startsWith('at(')) {
    throw invalid('the local scheduler serves one-time at() schedules only (rate() and cron() run in AWS)');
  }
  const dueAt = instantOfAt(expression, timezone);
  if (dueAt === undefined) throw invalid(`Invalid Schedule Expression ${expression}.`);
  const window = body.FlexibleTimeWindow as { Mode?: unknown; MaximumWindowInMinutes?: unknown } | undefined;
  if (window === undefined || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE')) {
    throw invalid('FlexibleTimeWindow.Mode must be OFF or FLEXIBLE');
  }
  const state = body.State ?? 'ENABLED';
  if (state !== 'ENABLED' && state !== 'DISABLED') throw invalid('State must be ENABLED or DISABLED');
  const after = body.ActionAfterCompletion ?? 'NONE';
  if (after !== 'NONE' && after !== 'DELETE') throw invalid('ActionAfterCompletion must be NONE or DELETE');
  const description = body.Description === undefined ? undefined : stringField(body, 'Description', 512);
  return {
    Name: name,
    GroupName: input.groupName,
    Arn: input.arn,
    ScheduleExpression: expression,
    ScheduleExpressionTimezone: timezone,
    State: state,
    ...(description === undefined ? {} : { Description: description }),
    ActionAfterCompletion: after,
    FlexibleTimeWindow: {
      Mode: window.Mode,
      ...(typeof window.MaximumWindowInMinutes === 'number'
        ? { MaximumWindowInMinutes: window.MaximumWindowInMinutes }
        : {}),
    },
    Target: validateTarget(body.Target),
    CreationDate: input.nowSeconds,
    LastModificationDate: input.nowSeconds,
    dueAt,
  };
}

function validateTarget(raw: unknown): StoredTarget {
  if (typeof raw !== 'object' || raw === null) throw invalid('Target is required');
  const target = raw as Record<string, unknown>;
  const arn = stringField(target, 'Arn', 1600);
  if (!SQS_ARN.test(arn))
    throw invalid('the local scheduler serves Amazon SQS targets only: Target.Arn must be a queue ARN');
  const roleArn = stringField(target, 'RoleArn', 1600);
  if (!ROLE_ARN.test(roleArn)) throw invalid(`Target.RoleArn ${roleArn} is not a role ARN`);
  const input = target.Input === undefined ? undefined : stringField(target, 'Input', SCHEDULE_INPUT_MAX);
  const group = (target.SqsParameters as { MessageGroupId?: unknown } | undefined)?.MessageGroupId;
  if (arn.endsWith('.fifo') && typeof group !== 'string') {
    throw invalid('Target.SqsParameters.MessageGroupId is required for a FIFO queue');
  }
  const retry = (target.RetryPolicy ?? {}) as {
    MaximumRetryAttempts?: unknown;
    MaximumEventAgeInSeconds?: unknown;
  };
  const attempts = retry.MaximumRetryAttempts ?? 185;
  const age = retry.MaximumEventAgeInSeconds ?? 86_400;
  if (typeof attempts !== 'number' || attempts < 0 || attempts > 185) {
    throw invalid('RetryPolicy.MaximumRetryAttempts must be 0-185');
  }
  if (typeof age !== 'number' || age < 60 || age > 86_400) {
    throw invalid('RetryPolicy.MaximumEventAgeInSeconds must be 60-86400');
  }
  const dlq = (target.DeadLetterConfig as { Arn?: unknown } | undefined)?.Arn;
  if (dlq !== undefined && (typeof dlq !== 'string' || !DLQ_ARN.test(dlq))) {
    throw invalid(
      'DeadLetterConfig.Arn must be the ARN of a standard SQS queue (a FIFO queue cannot be a DLQ)',
    );
  }
  return {
    Arn: arn,
    RoleArn: roleArn,
    ...(input === undefined ? {} : { Input: input }),
    ...(typeof group === 'string' ? { SqsParameters: { MessageGroupId: group } } : {}),
    RetryPolicy: { MaximumRetryAttempts: attempts, MaximumEventAgeInSeconds: age },
    ...(typeof dlq === 'string' ? { DeadLetterConfig: { Arn: dlq } } : {}),
  };
}

function stringField(body: Record<string, unknown>, field: string, max: number): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${field} is required`);
  if (value.length > max) throw invalid(`${field} must be at most ${max} characters`);
  return value;
}
