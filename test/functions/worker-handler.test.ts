import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { formatReleaseId, type ReleaseId } from '../../lib/domain/index.ts';
import { systemClock } from '../../lib/kube/index.ts';
import {
  createRequestQueues,
  type LocalSqs,
  type PutEventsStub,
  type RequestQueues,
  startLocalSqs,
  startPutEventsStub,
  toSqsEventRecord,
} from '../../lib/local/index.ts';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';
import { DynamoDbDriver, ensureReleaseTable, ReleaseStore } from '../../lib/store/index.ts';
import { repoRoot } from '../engine/world.ts';

const SECRET = 'pa55-WORKER-LOG-SECRET-93';
const CLUSTER = 'quayside-sim';
type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

describe('the worker Lambda handler, on real SQS records', () => {
  let sqs: LocalSqs;
  let client: SQSClient;
  let queues: RequestQueues;
  let bus: PutEventsStub;
  let sim: Simulator;
  let store: ReleaseStore;
  let handler: Handler;
  const output: string[] = [];
  const table = `worker-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    sqs = await startLocalSqs({ clock: systemClock });
    client = new SQSClient({
      endpoint: sqs.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    queues = await createRequestQueues(client);
    bus = await startPutEventsStub();
    sim = await startSimulator({ rolloutStepMs: 20 });
    const dir = mkdtempSync(join(tmpdir(), 'quayside-handler-'));
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfig);
    const dynamo = new DynamoDBClient({
      endpoint: inject('dynamoEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    await ensureReleaseTable(dynamo, table);
    store = new ReleaseStore(new DynamoDbDriver({ tableName: table, client: dynamo }));
    Object.assign(process.env, {
      QUAYSIDE_TABLE: table,
      QUAYSIDE_EVENT_BUS: 'quayside',
      QUAYSIDE_QUEUE_URL: queues.queueUrl,
      QUAYSIDE_KUBECONFIG: join(dir, 'kubeconfig'),
      QUAYSIDE_CHART_ROOTS: repoRoot,
      QUAYSIDE_FUNCTION_TIMEOUT_SECONDS: '900',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'l',
      AWS_SECRET_ACCESS_KEY: 'l',
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
      AWS_LAMBDA_FUNCTION_NAME: 'quayside-worker',
    });
    // Everything the handler writes (Powertools' JSON logs, EMF metrics) is kept to be searched.
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
        const text = String(chunk);
        output.push(text);
        // Vitest's own reporting goes through; the handler's JSON lines are kept, not echoed.
        return text.startsWith('{') ? true : write(chunk as string, ...(rest as []));
      });
    }
    handler = (await import('../../functions/worker/handler.ts')).handler as unknown as Handler;
  }, 60_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    client.destroy();
    await sqs.close();
    await bus.close();
    await sim.stop();
  });

  const release = (name: string): ReleaseId => ({ cluster: CLUSTER, namespace: 'default', name });

  /** Sends a DeployRequest as a producer does: group = release, deduplication id = request id. */
  async function send(name: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const requestId = `${name}-${randomUUID()}`;
    await client.send(
      new SendMessageCommand({
        QueueUrl: queues.queueUrl,
        MessageGroupId: formatReleaseId(release(name)),
        MessageDeduplicationId: requestId,
        MessageBody: JSON.stringify({
          version: 'v1',
          requestId,
          action: 'upgrade',
          release: release(name),
          chart: { path: join(repoRoot, 'examples', 'charts', 'kubernetes-bootcamp') },
          values: { replicas: 1, password: SECRET },
          options: { install: true, timeout: '1m' },
          requestedBy: { principal: 'test', channel: 'ci' },
          requestedAt: new Date().toISOString(),
          ...overrides,
        }),
      }),
    );
    return requestId;
  }

  async function receive(url = queues.queueUrl, max = 10): Promise<Message[]> {
    const answer = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return answer.Messages ?? [];
  }

  /** Invokes the handler as the event source mapping does, deleting what it did not return. */
  async function invoke(messages: readonly Message[], remainingMs = 14 * 60_000): Promise<SQSBatchResponse> {
    const deadline = Date.now() + remainingMs;
    const event = { Records: messages.map((m) => toSqsEventRecord(m, queues.queueArn, 'us-east-1')) };
    const context = {
      awsRequestId: randomUUID(),
      functionName: 'quayside-worker',
      getRemainingTimeInMillis: () => deadline - Date.now(),
    } as unknown as Context;
    const response = await handler(event as unknown as SQSEvent, context);
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const message of messages) {
      if (failed.has(message.MessageId as string)) continue;
      await client.send(
        new DeleteMessageCommand({ QueueUrl: queues.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
    return response;
  }

  const idsOf = (response: SQSBatchResponse) => response.batchItemFailures.map((f) => f.itemIdentifier);

  it("returns only the held group's records when one group must wait, and deploys the other groups", async () => {
    // Release "held" is in the middle of another live operation (a CLI run, say).
    const now = Date.now();
    const holder = await store.begin({
      release: release('held'),
      requestId: 'cli-run',
      action: 'install',
      requestedBy: { principal: 'cli', channel: 'cli' },
      chart: { name: 'x', version: '1' },
      leaseExpiresAt: now + 60_000,
      renewUntil: now + 10 * 60_000,
    });
    await send('held');
    await send('held');
    const free = await send('free');
    const messages = await receive();
    expect(messages).toHaveLength(3);
    // Too little time to wait for the holder: the request is returned, not run.
    const response = await invoke(messages, 20_000 + 60_000 + 300);
    const held = messages
      .filter((m) => m.Attributes?.MessageGroupId?.endsWith('/held'))
      .map((m) => m.MessageId);
    expect(idsOf(response).sort()).toEqual([...held].sort());
    expect((await store.history(release('free'))).revisions.map((r) => [r.requestId, r.status])).toEqual([
      [free, 'deployed'],
    ]);
    // The held records come back when the holder must have finished, not at once.
    expect(await receive()).toEqual([]);
    if (holder.kind === 'started') await store.stopRenewing(holder.lease);
  });

  it('makes one revision of a request delivered twice', async () => {
    const requestId = await send('twice');
    const [message] = await receive();
    const deadline = Date.now() + 14 * 60_000;
    const context = {
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => deadline - Date.now(),
    } as unknown as Context;
    const event = {
      Records: [toSqsEventRecord(message as Message, queues.queueArn, 'us-east-1')],
    } as unknown as SQSEvent;
    expect(idsOf(await handler(event, context))).toEqual([]);
    // The same record again, as SQS redelivers a message whose delete was lost.
    expect(idsOf(await handler(event, context))).toEqual([]);
    const history = await store.history(release('twice'));
    expect(history.revisions.map((r) => [r.requestId, r.revision])).toEqual([[requestId, 1]]);
  });

  it('returns a record whose timeout no longer fits the invocation, without a rejection, to come back in a second', async () => {
    await send('late');
    const second = await send('late');
    const [first] = await receive(queues.queueUrl, 1);
    await invoke([first as Message]);
    await send('other');
    const messages = await receive();
    const late = messages.find((m) => JSON.parse(m.Body ?? '{}').requestId === second) as Message;
    const before = bus.calls.length;
    // Twenty seconds of margin and not quite the one minute the request asks for.
    const response = await invoke([late], 20_000 + 59_000);
    expect(idsOf(response)).toEqual([late.MessageId]);
    expect(bus.calls.length).toBe(before);
    await vi.waitFor(
      async () => expect((await receive()).map((m) => m.MessageId)).toContain(late.MessageId),
      {
        timeout: 5_000,
        interval: 250,
      },
    );
  });

  it("leaves a message that keeps failing for the service's fault to the DLQ after five receives, with one Request Rejected", async () => {
    // The worker's table is gone (a misconfiguration): no request can succeed, none is its own fault.
    const savedTable = process.env.QUAYSIDE_TABLE;
    process.env.QUAYSIDE_TABLE = `missing-${table}`;
    vi.resetModules();
    const broken = (await import('../../functions/worker/handler.ts')).handler as unknown as Handler;
    process.env.QUAYSIDE_TABLE = savedTable;
    const requestId = await send('poison');
    const rejections = () =>
      bus.calls
        .flatMap((c) => c.entries)
        .filter((e) => e.DetailType === 'Request Rejected' && e.Detail?.includes(requestId));
    for (let receiveCount = 1; receiveCount <= 5; receiveCount++) {
      const [message] = await receive();
      expect(message?.Attributes?.ApproximateReceiveCount).toBe(String(receiveCount));
      const event = { Records: [toSqsEventRecord(message as Message, queues.queueArn, 'us-east-1')] };
      const deadline = Date.now() + 14 * 60_000;
      const response = await broken(
        event as unknown as SQSEvent,
        {
          awsRequestId: randomUUID(),
          getRemainingTimeInMillis: () => deadline - Date.now(),
        } as unknown as Context,
      );
      expect(idsOf(response)).toEqual([message?.MessageId]);
      expect(rejections()).toHaveLength(receiveCount === 5 ? 1 : 0);
      // The next delivery now rather than after the handler's growing delay (the last one is back at once).
      await client
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queues.queueUrl,
            ReceiptHandle: message?.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        )
        .catch(() => {});
    }
    expect(await receive()).toEqual([]);
    const dead = await receive(queues.deadLetterQueueUrl);
    expect(dead.map((m) => JSON.parse(m.Body ?? '{}').requestId)).toEqual([requestId]);
    expect(JSON.parse(rejections()[0]?.Detail ?? '{}').error.message).toMatch(/ResourceNotFoundException/);
  });

  it('never writes values to its logs or events', async () => {
    expect(output.join('').length).toBeGreaterThan(1000);
    expect(output.join('')).toMatch(/"message":"request done"/);
    expect(output.join('')).not.toContain(SECRET);
    expect(JSON.stringify(bus.calls.map((c) => c.entries))).not.toContain(SECRET);
  });
});
