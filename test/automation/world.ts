import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type AutomationDeps, workerAutomation } from '../../lib/automation/index.ts';
import { sendRequest } from '../../lib/client/index.ts';
import { ManualClock, type ReleaseId } from '../../lib/domain/index.ts';
import { MemoryPublisher, type StatusEvent } from '../../lib/events/index.ts';
import { alarmStateChangeEvent, toTargetEvent } from '../../lib/local/cloudwatch.ts';
import { createRequestQueues, LOCAL_CREDENTIALS, startLocalSqs } from '../../lib/local/index.ts';
import { type MessageOutcome, processBatch } from '../../lib/requests/index.ts';
import { AutomationRecords } from '../../lib/store/index.ts';
import { createExecutor, publishRecordingRejections } from '../../lib/worker/index.ts';
import { CLUSTER, exampleChart, realClock, repoRoot, startWorld, type World } from '../engine/world.ts';

/**
 * The engine world plus what the automation runs on: the local SQS queue (automatic rollbacks are
 * really sent and really received), the worker's executor with the automation's hooks, a memory
 * event bus, and a manual clock for the automation (alarm times, the guard's rounds). Revisions are
 * deployed on real time; tests set the manual clock relative to a bake's start.
 */
export interface AutomationWorld extends World {
  readonly sqs: SQSClient;
  readonly sqsEndpoint: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly publisher: MemoryPublisher;
  readonly records: AutomationRecords;
  readonly clock: ManualClock;
  readonly deps: AutomationDeps;
  /** Puts a DeployRequest on the queue as a producer does. */
  send(request: Record<string, unknown>): Promise<void>;
  /** Runs every queued message through the worker until the queue is empty. */
  drain(): Promise<MessageOutcome[]>;
  events(type?: StatusEvent['detailType']): StatusEvent[];
}

export async function startAutomationWorld(): Promise<AutomationWorld> {
  const world = await startWorld();
  const server = await startLocalSqs({ clock: realClock });
  const sqs = new SQSClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const { queueUrl, queueArn } = await createRequestQueues(sqs);
  const publisher = new MemoryPublisher();
  const clock = new ManualClock(Date.now());
  const records = new AutomationRecords(world.store.driver);
  const send = async (request: Record<string, unknown>) => {
    await sendRequest(sqs, queueUrl, request);
  };
  const execute = createExecutor({
    engine: world.engine,
    publisher,
    localChartRoots: [repoRoot],
    automation: workerAutomation(world.store),
  });
  const drain = async (): Promise<MessageOutcome[]> => {
    const all: MessageOutcome[] = [];
    for (;;) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const messages = received.Messages ?? [];
      if (messages.length === 0) return all;
      const outcomes = await processBatch(
        messages.map((m) => ({
          messageId: m.MessageId as string,
          body: m.Body as string,
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
          ...(m.Attributes?.MessageGroupId === undefined ? {} : { groupId: m.Attributes.MessageGroupId }),
        })),
        {
          execute,
          publish: publishRecordingRejections(world.store, (event) => publisher.publish([event])),
          clock: realClock,
        },
      );
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.outcome === 'retry') throw new Error(`unexpected retry: ${outcome.reason}`);
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: messages[i]?.ReceiptHandle }),
        );
      }
      all.push(...outcomes);
    }
  };
  return {
    ...world,
    sqs,
    sqsEndpoint: server.endpoint,
    queueUrl,
    queueArn,
    publisher,
    records,
    clock,
    deps: { store: world.store, records, publisher, send, clock },
    send,
    drain,
    events: (type) => publisher.events.filter((e) => type === undefined || e.detailType === type),
    stop: async () => {
      sqs.destroy();
      await server.close();
      await world.stop();
    },
  };
}

let ids = 0;

/** A DeployRequest for the kubernetes-bootcamp chart (a Deployment and a Service). */
export function bootcampRequest(release: ReleaseId, overrides: Record<string, unknown> = {}) {
  ids++;
  return {
    version: 'v1',
    requestId: `automation-${process.pid}-${ids}`,
    action: 'upgrade',
    release,
    chart: { path: (exampleChart('kubernetes-bootcamp') as { path: string }).path },
    values: { replicas: 1 },
    options: { timeout: '30s', install: true },
    requestedBy: { principal: 'ci:test', channel: 'ci' },
    requestedAt: new Date().toISOString(),
    ...overrides,
  };
}

let releases = 0;
export function uniqueRelease(name: string): ReleaseId {
  releases++;
  return { cluster: CLUSTER, namespace: 'default', name: `${name}-${releases}` };
}

/** The EventBridge event a CloudWatch alarm's change of state puts on the bus, as a rule's target gets it. */
export function alarmEvent(alarmName: string, at: number, state: 'ALARM' | 'OK' = 'ALARM') {
  return toTargetEvent(
    alarmStateChangeEvent({
      alarmName,
      previous: state === 'ALARM' ? 'OK' : 'ALARM',
      state,
      reason: 'Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).',
      at,
      account: '123456789012',
      region: 'us-east-1',
      id: `alarm-${at}`,
    }),
  );
}
