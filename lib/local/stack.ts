import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { KubeConfig } from '@kubernetes/client-node';
import { type EngineProgress, ReleaseEngine } from '../engine/index.ts';
import type { EventPublisher, StatusEvent } from '../events/index.ts';
import { systemClock as clock, kubeconfigConnectionProvider } from '../kube/index.ts';
import type { DeployRequest, MessageOutcome, QueueMessage } from '../requests/index.ts';
import { type Simulator, startSimulator } from '../sim/index.ts';
import {
  type DynamoDbLocal,
  openDriver,
  ReleaseStore,
  StoreConfigError,
  startDynamoDbLocal,
} from '../store/index.ts';
import { createExecutor, ProgressRecorder, publishRecordingRejections } from '../worker/index.ts';
import { type LocalQueue, startLocalQueue } from './queue.ts';
import { type HeldMessage, startWorkerLoop } from './worker-loop.ts';

export const LOCAL_TABLE = 'quayside-releases';
const QUEUE_STATE = 'queue.json';

export interface LocalStackOptions {
  /** Where data is kept between runs (default `.quayside`). */
  readonly dataDir: string;
  /** Keep nothing: data lives in memory and temp folders only. */
  readonly ephemeral: boolean;
  /** A real cluster's kubeconfig instead of the simulator. */
  readonly kubeconfig?: string;
  /** Where status events go as they happen. */
  readonly events: EventPublisher;
  /** One line of news for the person running it. */
  readonly log: (line: string) => void;
  /** Simulator rollout step (ms); the simulator's default when absent. */
  readonly rolloutStepMs?: number;
  readonly onOutcome?: (outcome: MessageOutcome, message: QueueMessage) => void;
  readonly onProgress?: (request: DeployRequest, event: EngineProgress) => void;
}

export interface LocalStack {
  readonly queueUrl: string;
  readonly sqsEndpoint: string;
  readonly storeUrl: string;
  readonly storeDescription: string;
  readonly kubeconfigPath: string;
  readonly cluster: string;
  readonly clusterDescription: string;
  readonly store: ReleaseStore;
  stop(): Promise<void>;
}

/**
 * The whole service on this machine: an SQS-API queue with its DLQ, DynamoDB
 * Local (or the file store without Java), the Kubernetes simulator (or a real
 * cluster), and the worker loop running the same core as the Lambda worker.
 * Stopping finishes the batch in hand and keeps queued requests for next time.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = options.ephemeral
    ? mkdtempSync(join(tmpdir(), 'quayside-local-'))
    : resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  try {
    const store = await openLocalStore(options, dataDir, stops);
    const cluster = await openLocalCluster(options, dataDir, stops);
    const queue = await startLocalQueue();
    stops.push(() => queue.stop());
    await restoreQueue(queue, dataDir, options);

    const engine = new ReleaseEngine({
      store: store.store,
      connections: kubeconfigConnectionProvider({ file: cluster.kubeconfigPath }),
      clock,
      keepHelmRecords: process.env.QUAYSIDE_KEEP_HELM_RECORDS === '1',
    });
    const execute = createExecutor({
      engine,
      publisher: options.events,
      allowLocalCharts: true,
      progress: new ProgressRecorder(store.store),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    const loop = startWorkerLoop({
      client: queue.client,
      queueUrl: queue.queueUrl,
      execute,
      publish: publishRecordingRejections(store.store, (event: StatusEvent) =>
        options.events.publish([event]),
      ),
      clock,
      ...(options.onOutcome === undefined ? {} : { onOutcome: options.onOutcome }),
    });
    const stopLoop = async () => {
      await loop.stop();
      if (!options.ephemeral) await saveQueue(queue, dataDir, loop.heldForRetry(), options);
    };
    stops.push(stopLoop);
    return {
      queueUrl: queue.queueUrl,
      sqsEndpoint: queue.endpoint,
      storeUrl: store.url,
      storeDescription: store.description,
      kubeconfigPath: cluster.kubeconfigPath,
      cluster: cluster.context,
      clusterDescription: cluster.description,
      store: store.store,
      stop: () => stopAll(stops, options.ephemeral ? dataDir : undefined),
    };
  } catch (error) {
    await stopAll(stops, options.ephemeral ? dataDir : undefined);
    throw error;
  }
}

async function stopAll(stops: Array<() => Promise<void>>, removeDir: string | undefined): Promise<void> {
  for (const stop of stops.reverse()) await stop();
  stops.length = 0;
  if (removeDir !== undefined) rmSync(removeDir, { recursive: true, force: true });
}

async function openLocalStore(
  options: LocalStackOptions,
  dataDir: string,
  stops: Array<() => Promise<void>>,
) {
  let dynamo: DynamoDbLocal | undefined;
  try {
    // DynamoDB Local needs its -dbPath folder to exist.
    if (!options.ephemeral) mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
    dynamo = await startDynamoDbLocal(options.ephemeral ? {} : { dataDir: join(dataDir, 'dynamodb') });
  } catch (error) {
    if (!(error instanceof StoreConfigError)) throw error;
    options.log(
      `DynamoDB Local could not start (${error.message.split('\n')[0]}); using the file store instead.`,
    );
  }
  if (dynamo !== undefined) {
    const running = dynamo;
    stops.push(() => running.stop());
    const url = `dynamodb://${LOCAL_TABLE}?endpoint=${encodeURIComponent(running.endpoint)}&region=us-east-1&create=true`;
    const driver = await openDriver(url);
    stops.push(async () => driver.close?.());
    return {
      url,
      store: new ReleaseStore(driver),
      description: `DynamoDB Local at ${running.endpoint}, table ${LOCAL_TABLE}`,
    };
  }
  const url = `file://${join(dataDir, 'store')}`;
  return {
    url,
    store: new ReleaseStore(await openDriver(url)),
    description: `the file store in ${join(dataDir, 'store')}`,
  };
}

async function openLocalCluster(
  options: LocalStackOptions,
  dataDir: string,
  stops: Array<() => Promise<void>>,
) {
  if (options.kubeconfig !== undefined) {
    const config = new KubeConfig();
    config.loadFromFile(options.kubeconfig);
    const context = config.getCurrentContext();
    return {
      kubeconfigPath: resolve(options.kubeconfig),
      context,
      description: `the cluster of context "${context}" in ${options.kubeconfig}`,
    };
  }
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  const sim: Simulator = await startSimulator({
    kubeconfigPath,
    ...(options.ephemeral ? {} : { stateDir: join(dataDir, 'sim') }),
    ...(options.rolloutStepMs === undefined ? {} : { rolloutStepMs: options.rolloutStepMs }),
  });
  stops.push(() => sim.stop());
  return { kubeconfigPath, context: 'quayside-sim', description: `the Kubernetes simulator at ${sim.url}` };
}

/** Sends again the requests that were queued when the stack last stopped. */
async function restoreQueue(queue: LocalQueue, dataDir: string, options: LocalStackOptions): Promise<void> {
  const file = join(dataDir, QUEUE_STATE);
  if (options.ephemeral || !existsSync(file)) return;
  const held = JSON.parse(readFileSync(file, 'utf8')) as HeldMessage[];
  for (const message of held) {
    await queue.client.send(
      new SendMessageCommand({
        QueueUrl: queue.queueUrl,
        MessageBody: message.body,
        MessageGroupId: message.groupId,
        MessageDeduplicationId: message.deduplicationId,
      }),
    );
  }
  rmSync(file);
  if (held.length > 0) options.log(`Re-queued ${held.length} request(s) left from the last run.`);
}

/** Keeps what is still queued (and what waits for a retry), since the local queue lives in memory. */
async function saveQueue(
  queue: LocalQueue,
  dataDir: string,
  held: HeldMessage[],
  options: LocalStackOptions,
): Promise<void> {
  const kept = new Map(held.map((m) => [m.deduplicationId, m]));
  for (;;) {
    const received = await queue.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    for (const m of messages) {
      const id = m.Attributes?.MessageDeduplicationId ?? m.MessageId ?? '';
      kept.set(id, {
        body: m.Body ?? '',
        groupId: m.Attributes?.MessageGroupId ?? 'default',
        deduplicationId: id,
      });
      // A FIFO queue holds back a group's later messages while an earlier one is in flight: take it out.
      await queue.client.send(
        new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: m.ReceiptHandle }),
      );
    }
  }
  if (kept.size === 0) return;
  writeFileSync(join(dataDir, QUEUE_STATE), JSON.stringify([...kept.values()], null, 2));
  options.log(`Kept ${kept.size} queued request(s) in ${join(dataDir, QUEUE_STATE)} for the next start.`);
}
