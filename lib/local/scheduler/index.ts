/** A local EventBridge Scheduler for the local stack (and the tests' Scheduler stand-in). */
import { mkdirSync } from 'node:fs';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Clock, Timers } from '../../domain/index.ts';
import { localQueueUrl } from '../sqs/index.ts';
import { ScheduleFiring } from './firing.ts';
import { SchedulesFile, type StoredSchedule } from './schedules-file.ts';
import { startSchedulerServer } from './server.ts';

export type { StoredSchedule } from './schedules-file.ts';
export { LOCAL_SCHEDULE_GROUPS } from './server.ts';

export interface LocalScheduler {
  /** Where the SDK reaches it: AWS_ENDPOINT_URL_SCHEDULER. */
  readonly endpoint: string;
  /** Resolves once every schedule run in progress has ended (tests moving a manual clock). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the local scheduler: Scheduler's REST-JSON API on loopback over a durable file of
 * schedules (`dataDir/schedules.json`; in memory without a folder), running one-time schedules at
 * their time (`clock` and `timers`, injected in tests) into queues of the local SQS at `sqsEndpoint`.
 * Schedules survive a restart; one whose time passed meanwhile runs when the scheduler starts.
 */
export async function startLocalScheduler(input: {
  clock: Clock;
  timers: Timers;
  sqsEndpoint: string;
  account: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  dataDir?: string;
  onRun?: (schedule: StoredSchedule, outcome: 'sent' | 'dead-lettered', detail?: string) => void;
}): Promise<LocalScheduler> {
  if (input.dataDir !== undefined) mkdirSync(input.dataDir, { recursive: true });
  const file = SchedulesFile.load(input.dataDir);
  const sqs = new SQSClient({
    endpoint: input.sqsEndpoint,
    region: input.region,
    credentials: input.credentials,
  });
  const urlOf = (arn: string) => localQueueUrl(input.sqsEndpoint, arn.split(':').pop() as string);
  const firing = new ScheduleFiring({
    file,
    clock: input.clock,
    timers: input.timers,
    ...(input.onRun === undefined ? {} : { onRun: input.onRun }),
    delivery: {
      send: async (target, body) => {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: urlOf(target.Arn),
            MessageBody: body,
            ...(target.SqsParameters?.MessageGroupId === undefined
              ? {}
              : { MessageGroupId: target.SqsParameters.MessageGroupId }),
          }),
        );
      },
      deadLetter: async (target, body, why) => {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: urlOf(target.DeadLetterConfig?.Arn as string),
            MessageBody: body,
            MessageAttributes: Object.fromEntries(
              Object.entries(why).map(([name, value]) => [
                name,
                { DataType: 'String', StringValue: value || '-' },
              ]),
            ),
          }),
        );
      },
    },
  });
  const server = await startSchedulerServer({
    file,
    firing,
    clock: input.clock,
    account: input.account,
    region: input.region,
  });
  firing.armAll();
  return {
    endpoint: server.endpoint,
    idle: () => firing.idle(),
    close: async () => {
      await server.close();
      await firing.stop();
      sqs.destroy();
    },
  };
}
