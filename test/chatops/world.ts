import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { inject, vi } from 'vitest';
import {
  blockActionBody,
  localUserId,
  postToChat,
  slackHeaders,
  slashCommandBody,
} from '../../lib/chatops/index.ts';
import { ManualClock, type ReleaseId } from '../../lib/domain/index.ts';
import { systemClock } from '../../lib/kube/index.ts';
import { startFunctionUrl } from '../../lib/local/function-url.ts';
import {
  createAutomationDeadLetterQueue,
  createRequestQueues,
  LOCAL_ACCOUNT,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalFunction,
  type LocalScheduler,
  type RequestQueues,
  startLocalScheduler,
  startLocalSqs,
} from '../../lib/local/index.ts';
import { startSecretsManagerStub } from '../../lib/local/secrets-manager.ts';
import { type SlackApiStub, startSlackApiStub } from '../../lib/local/slack-api.ts';
import { DynamoDbDriver, ensureReleaseTable, ReleaseStore } from '../../lib/store/index.ts';
import { beginInput, body } from '../fixtures/store.ts';

export const CHANNEL = 'C0DEPLOYS';
export const CLUSTER = 'prod';

export interface ChatWorld {
  readonly url: string;
  readonly signingSecret: string;
  readonly slack: SlackApiStub;
  readonly store: ReleaseStore;
  readonly driver: DynamoDbDriver;
  /** Every log line the handler wrote (Powertools JSON). */
  readonly logs: string[];
  /**
   * The local EventBridge Scheduler the chat function makes its schedules in, firing into the
   * request queue on `schedulerClock` (a manual clock that starts at the real time: the chat
   * function reads --at against the real one).
   */
  readonly scheduler: LocalScheduler;
  readonly schedulerClock: ManualClock;
  readonly schedulerEndpoint: string;
  /** Signs and posts a slash command as Slack would; `tamper` changes the request after signing. */
  slash(
    text: string,
    user: string,
    tamper?: { body?: (body: string) => string; timestamp?: number; secret?: string },
  ): Promise<{ status: number; text: string; json?: { response_type?: string } }>;
  click(actionId: string, value: string, user: string): Promise<{ status: number; text: string }>;
  /** Takes every request the chat function queued. */
  drainQueue(): Promise<Record<string, unknown>[]>;
  /** Records revisions 1..n of a release (deployed last) as the worker would have. */
  recordRevisions(release: ReleaseId, count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The chat function's handler (functions/chatops) in this process behind a loopback Function URL,
 * with DynamoDB Local, the local SQS, and stand-ins for Secrets Manager and Slack's Web API: tests
 * send real signed requests over HTTP as Slack does.
 */
export async function startChatWorld(): Promise<ChatWorld> {
  const signingSecret = randomUUID();
  const botToken = `xoxb-test-${randomUUID()}`;
  const dynamo = new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const table = `chat-${process.pid}-${Date.now()}`;
  await ensureReleaseTable(dynamo, table);
  const driver = new DynamoDbDriver({ tableName: table, client: dynamo });
  const sqs = await startLocalSqs({ clock: systemClock });
  const client = new SQSClient({
    endpoint: sqs.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const queues: RequestQueues = await createRequestQueues(client);
  const schedulerClock = new ManualClock(Date.now());
  const scheduler = await startLocalScheduler({
    clock: schedulerClock,
    timers: schedulerClock,
    sqsEndpoint: sqs.endpoint,
    account: LOCAL_ACCOUNT,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  await createAutomationDeadLetterQueue(client);
  const secrets = await startSecretsManagerStub({
    'quayside/slack': JSON.stringify({ signingSecret, botToken }),
  });
  const slack = await startSlackApiStub({
    token: botToken,
    channels: { [CHANNEL]: 'deploys' },
    userGroups: [{ id: 'S0ONCALL', handle: 'oncall', users: [localUserId('dave')] }],
  });
  Object.assign(process.env, {
    QUAYSIDE_TABLE: table,
    QUAYSIDE_QUEUE_URL: queues.queueUrl,
    // Scheduling: the group, role and DLQ by the stack's convention from the queue's ARN.
    QUAYSIDE_QUEUE_ARN: queues.queueArn,
    AWS_ENDPOINT_URL_SCHEDULER: scheduler.endpoint,
    QUAYSIDE_SLACK_SECRET: 'quayside/slack',
    QUAYSIDE_SLACK_API_URL: slack.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'l',
    AWS_SECRET_ACCESS_KEY: 'l',
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_LAMBDA_FUNCTION_NAME: 'quayside-chatops',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const logs: string[] = [];
  // Powertools logs to stdout (info) and stderr (warnings, errors): both are the function's log.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = String(chunk);
      if (text.includes('quayside-chatops')) {
        logs.push(text);
        return true;
      }
      return write(chunk, ...(rest as []));
    });
  }
  const { handler } = (await import('../../functions/chatops/handler.ts')) as {
    handler: (event: unknown, context: unknown) => Promise<unknown>;
  };
  const fn: LocalFunction = {
    name: 'quayside-chatops',
    invoke: async (event) => {
      const started = Date.now();
      const context = {
        functionName: 'quayside-chatops',
        functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:quayside-chatops',
        memoryLimitInMB: '512',
        awsRequestId: randomUUID(),
        getRemainingTimeInMillis: () => 10_000 - (Date.now() - started),
      };
      try {
        return { ok: true, result: await handler(event, context), durationMs: Date.now() - started };
      } catch (error) {
        return {
          ok: false,
          kind: 'error',
          error: { errorType: (error as Error).name, errorMessage: (error as Error).message },
          durationMs: Date.now() - started,
        };
      }
    },
    pids: () => [],
    close: async () => {},
  };
  const url = await startFunctionUrl(fn);
  const store = new ReleaseStore(driver);
  const user = (name: string) => ({ id: localUserId(name), name });
  return {
    url: url.url,
    signingSecret,
    slack,
    store,
    driver,
    logs,
    scheduler,
    schedulerClock,
    schedulerEndpoint: scheduler.endpoint,
    async slash(text, name, tamper = {}) {
      const sent = slashCommandBody({ text, user: user(name), channel: CHANNEL });
      const headers = slackHeaders(
        tamper.secret ?? signingSecret,
        sent,
        tamper.timestamp ?? Math.floor(Date.now() / 1000),
      );
      return postToChat(url.url, tamper.body?.(sent) ?? sent, headers);
    },
    async click(actionId, value, name) {
      const sent = blockActionBody({ user: user(name), channel: CHANNEL, actionId, value });
      return postToChat(url.url, sent, slackHeaders(signingSecret, sent, Math.floor(Date.now() / 1000)));
    },
    async drainQueue() {
      const bodies: Record<string, unknown>[] = [];
      for (;;) {
        const { Messages = [] } = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queues.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
          }),
        );
        if (Messages.length === 0) return bodies;
        for (const message of Messages as Message[]) {
          bodies.push(JSON.parse(message.Body ?? '{}'));
          await client.send(
            new DeleteMessageCommand({ QueueUrl: queues.queueUrl, ReceiptHandle: message.ReceiptHandle }),
          );
        }
      }
    },
    async recordRevisions(release, count) {
      for (let revision = 1; revision <= count; revision++) {
        const begun = await store.begin(
          beginInput({
            release,
            requestId: `seed-${release.name}-${revision}-${randomUUID()}`,
            action: revision === 1 ? 'install' : 'upgrade',
            leaseExpiresAt: Date.now() + 60_000,
            body: body(
              `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${release.name}\ndata:\n  revision: "${revision}"\n`,
            ),
          }),
        );
        if (begun.kind !== 'started') throw new Error(`revision ${revision} was not recorded`);
        await store.finish({
          lease: begun.lease,
          status: 'deployed',
          description: revision === 1 ? 'Install complete' : 'Upgrade complete',
        });
      }
    },
    async close() {
      vi.restoreAllMocks();
      await url.close();
      await slack.close();
      await secrets.close();
      await scheduler.close();
      client.destroy();
      await sqs.close();
    },
  };
}
