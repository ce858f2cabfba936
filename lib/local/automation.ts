import { join } from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { AUTOMATION_SETTINGS } from '../automation/index.ts';
import { systemClock, systemTimers } from '../domain/index.ts';
import { startLocalCloudWatch, toTargetEvent } from './cloudwatch.ts';
import type { BusEvent } from './event-bus.ts';
import type { LocalFunction } from './lambda-runtime.ts';
import { AUTOMATION_LOCAL_MESSAGES as M } from './messages.ts';
import { createAutomationDeadLetterQueue } from './queues.ts';
import { startLocalScheduler } from './scheduler/index.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './sqs/index.ts';

export interface LocalAutomation {
  readonly schedulerEndpoint: string;
  readonly cloudWatchEndpoint: string;
  readonly scheduleDeadLetterQueueUrl: string;
  /** The bus's rules for events that are not quayside's: an alarm's change of state goes to the alarm function. */
  route(event: BusEvent): boolean;
  stop(): Promise<void>;
}

/**
 * The automation's part of the local stack, as the CDK stack deploys it: the scheduler (durable,
 * firing into the request queue, with the schedules' standard DLQ), CloudWatch's SetAlarmState
 * (`quayside alarm set`) putting "CloudWatch Alarm State Change" on the bus, the rule that hands
 * those to the alarm function, and the guard function on its schedule.
 */
export async function startLocalAutomation(input: {
  dataDir: string | undefined;
  sqs: SQSClient;
  sqsEndpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  alarm: LocalFunction;
  guard: LocalFunction;
  guardEveryMs?: number;
  log: (line: string) => void;
}): Promise<LocalAutomation> {
  const dlq = await createAutomationDeadLetterQueue(input.sqs);
  const scheduler = await startLocalScheduler({
    clock: systemClock,
    timers: systemTimers,
    sqsEndpoint: input.sqsEndpoint,
    account: LOCAL_ACCOUNT,
    region: LOCAL_REGION,
    credentials: input.credentials,
    ...(input.dataDir === undefined ? {} : { dataDir: join(input.dataDir, 'scheduler') }),
    onRun: (schedule, outcome, detail) =>
      input.log(
        outcome === 'sent'
          ? M.scheduleSent(schedule.Name)
          : M.scheduleDeadLettered(schedule.Name, detail ?? ''),
      ),
  });
  let alarms: Promise<unknown> = Promise.resolve();
  const route = (event: BusEvent): boolean => {
    if (event.source !== 'aws.cloudwatch' || event.detailType !== 'CloudWatch Alarm State Change')
      return false;
    alarms = alarms.then(() => invokeQuietly(input.alarm, toTargetEvent(event), input.log, 'alarm'));
    return true;
  };
  const cloudWatch = await startLocalCloudWatch({
    clock: systemClock,
    account: LOCAL_ACCOUNT,
    region: LOCAL_REGION,
    onEvent: (event) => route(event),
  });
  let guarding: Promise<unknown> = Promise.resolve();
  const timer = setInterval(
    () => {
      guarding = guarding.then(() =>
        invokeQuietly(
          input.guard,
          {
            version: '0',
            id: `local-guard-${Date.now()}`,
            'detail-type': 'Scheduled Event',
            source: 'aws.events',
            account: LOCAL_ACCOUNT,
            time: new Date().toISOString(),
            region: LOCAL_REGION,
            resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/quayside-guard`],
            detail: {},
          },
          input.log,
          'guard',
        ),
      );
    },
    input.guardEveryMs ?? AUTOMATION_SETTINGS.guardEveryMinutes * 60_000,
  );
  timer.unref();
  return {
    schedulerEndpoint: scheduler.endpoint,
    cloudWatchEndpoint: cloudWatch.endpoint,
    scheduleDeadLetterQueueUrl: dlq.url,
    route,
    stop: async () => {
      clearInterval(timer);
      await cloudWatch.close();
      await scheduler.close();
      await Promise.all([alarms, guarding]);
    },
  };
}

/** An invocation the stack waits for only to say when it failed; a rule or schedule does not retry here. */
async function invokeQuietly(fn: LocalFunction, event: unknown, log: (line: string) => void, name: string) {
  const result = await fn.invoke(event);
  if (!result.ok) log(M.functionFailed(name, result.error.errorMessage));
}
