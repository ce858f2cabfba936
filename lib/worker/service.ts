import { delimiter } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  kubeconfigFileFallback,
  lazyEksEndpoints,
  registryConnections,
  SecretKubeconfigReader,
  StoreClusterRegistry,
  secretKubeconfigConnections,
} from '../clusters/index.ts';
import { ValidationError } from '../domain/index.ts';
import { ReleaseEngine } from '../engine/index.ts';
import { EventBridgePublisher, type StatusEvent } from '../events/index.ts';
import { type ConnectionProvider, systemClock } from '../kube/index.ts';
import { type DeployRequest, QUEUE_SETTINGS } from '../requests/index.ts';
import { DynamoDbDriver, openDriver, ReleaseStore } from '../store/index.ts';
import { createExecutor, type ExecutorAutomation } from './execute.ts';
import { ProgressRecorder } from './progress.ts';
import { publishRecordingRejections } from './rejections.ts';
import { INVOCATION_MARGIN_MS, processSqsBatch, type SqsRecord, type VisibilityPort } from './sqs-batch.ts';
import { type SweepResult, sweepExpiredLeases } from './sweep.ts';

/** The worker's settings, from its environment (the CDK stack and the local stack set them). */
export interface WorkerConfig {
  /** QUAYSIDE_TABLE: the release table (DynamoDB). */
  readonly table?: string;
  /** QUAYSIDE_STORE: a store URL instead of a table (the local stack without Java: file://DIR). */
  readonly storeUrl?: string;
  /** QUAYSIDE_EVENT_BUS: the EventBridge bus status events go to. */
  readonly eventBus: string;
  /** QUAYSIDE_QUEUE_URL: the request queue (to set when a returned message comes back). */
  readonly queueUrl: string;
  /**
   * QUAYSIDE_KUBECONFIG_SECRET: a Secrets Manager secret holding a kubeconfig whose contexts are
   * clusters too: the fallback for names the cluster registry does not have.
   */
  readonly kubeconfigSecret?: string;
  /**
   * QUAYSIDE_KUBECONFIG: a kubeconfig file (the local stack): its contexts are the fallback for names
   * the registry does not have, and registered `context` entries are read from it.
   */
  readonly kubeconfigFile?: string;
  /**
   * QUAYSIDE_CHART_ROOTS: folders (separated as in PATH) that `chart.path` may name — the local stack
   * only; unset, as in Lambda, a request naming a path on the worker's disk is refused.
   */
  readonly chartRoots: readonly string[];
  /** QUAYSIDE_FUNCTION_TIMEOUT_SECONDS: the function timeout, so too-long requests are refused up front. */
  readonly functionTimeoutSeconds?: number;
  /** QUAYSIDE_MAX_RECEIVES: the queue's maxReceiveCount (default the stack's, 5). */
  readonly maxReceives: number;
  /** QUAYSIDE_GROUP_CONCURRENCY: message groups of one batch run at once (default 10). */
  readonly groupConcurrency: number;
  /** QUAYSIDE_KEEP_HELM_RECORDS=1: keep helm's release Secrets up to date for every release. */
  readonly keepHelmRecords: boolean;
}

/** The worker is missing settings, or has wrong ones. */
export class WorkerConfigError extends ValidationError {}

/**
 * Reads the worker's settings from an environment.
 * @throws WorkerConfigError naming every variable that is missing or wrong.
 */
export function readWorkerConfig(env: Readonly<Record<string, string | undefined>>): WorkerConfig {
  const problems: { field: string; message: string }[] = [];
  const required = (name: string) => {
    const value = env[name]?.trim();
    if (!value) problems.push({ field: name, message: 'is required' });
    return value ?? '';
  };
  const count = (name: string, fallback: number) => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      problems.push({ field: name, message: 'must be a positive integer' });
    return value;
  };
  const store = storeSettings(env, problems);
  const config: WorkerConfig = {
    ...store,
    eventBus: required('QUAYSIDE_EVENT_BUS'),
    queueUrl: required('QUAYSIDE_QUEUE_URL'),
    ...(env.QUAYSIDE_KUBECONFIG_SECRET ? { kubeconfigSecret: env.QUAYSIDE_KUBECONFIG_SECRET } : {}),
    ...(env.QUAYSIDE_KUBECONFIG ? { kubeconfigFile: env.QUAYSIDE_KUBECONFIG } : {}),
    chartRoots: (env.QUAYSIDE_CHART_ROOTS ?? '').split(delimiter).filter((root) => root.trim() !== ''),
    ...(env.QUAYSIDE_FUNCTION_TIMEOUT_SECONDS
      ? { functionTimeoutSeconds: count('QUAYSIDE_FUNCTION_TIMEOUT_SECONDS', 900) }
      : {}),
    maxReceives: count('QUAYSIDE_MAX_RECEIVES', QUEUE_SETTINGS.maxReceiveCount),
    groupConcurrency: count('QUAYSIDE_GROUP_CONCURRENCY', 10),
    keepHelmRecords: env.QUAYSIDE_KEEP_HELM_RECORDS === '1',
  };
  if (problems.length > 0) throw new WorkerConfigError(problems);
  return config;
}

function storeSettings(
  env: Readonly<Record<string, string | undefined>>,
  problems: { field: string; message: string }[],
): { table?: string; storeUrl?: string } {
  const table = env.QUAYSIDE_TABLE?.trim();
  const storeUrl = env.QUAYSIDE_STORE?.trim();
  if (table) return { table };
  if (storeUrl) return { storeUrl };
  problems.push({ field: 'QUAYSIDE_TABLE', message: 'is required (or QUAYSIDE_STORE, a store URL)' });
  return {};
}

/** The release store a function's settings name: the DynamoDB table, or a store URL (the local stack without Java). */
export async function openReleaseStore(
  settings: { table?: string; storeUrl?: string },
  wrap: <T>(client: T) => T,
): Promise<ReleaseStore> {
  if (settings.table !== undefined) {
    return new ReleaseStore(
      new DynamoDbDriver({ tableName: settings.table, client: wrap(new DynamoDBClient({})) }),
    );
  }
  return new ReleaseStore(await openDriver(settings.storeUrl as string));
}

/** What the worker reports to the handler around each batch, for logs and metrics. */
export interface WorkerHooks {
  onUnexpectedError?(error: unknown): void;
  onWaiting?(request: DeployRequest, reason: string): void;
  onVisibilityError?(error: unknown): void;
  onEvent?(event: StatusEvent): void;
  /** Wraps each AWS SDK client the worker makes (tracing). */
  instrument?<T>(client: T): T;
  /** The automation's hooks around each run (schedules, bakes), built over the worker's store. */
  automation?(store: ReleaseStore): ExecutorAutomation;
}

export interface Worker {
  readonly store: ReleaseStore;
  /** Runs one SQS batch to Lambda's partial batch response. */
  handle(records: readonly SqsRecord[], remainingMs: () => number): ReturnType<typeof processSqsBatch>;
}

/**
 * The deploy worker, wired from its settings: DynamoDB store, EventBridge publisher, cluster
 * connections, the engine. Built once per container; the SDK clients take region, credentials
 * and endpoints (AWS_ENDPOINT_URL_* for the local stack) from the environment.
 */
export async function createWorker(config: WorkerConfig, hooks: WorkerHooks = {}): Promise<Worker> {
  const clock = systemClock;
  const wrap = <T>(client: T): T => hooks.instrument?.(client) ?? client;
  const store = await openReleaseStore(config, wrap);
  const bus = new EventBridgePublisher({ client: wrap(new EventBridgeClient({})), busName: config.eventBus });
  const publisher = {
    publish: async (events: readonly StatusEvent[]) => {
      await bus.publish(events);
      for (const event of events) hooks.onEvent?.(event);
    },
  };
  const engine = new ReleaseEngine({
    store,
    connections: clusterConnections(config, store, wrap),
    clock,
    // QUAYSIDE_KEEP_HELM_RECORDS=1: write helm's own release records for every release (see docs/chart.md).
    keepHelmRecords: config.keepHelmRecords,
  });
  const progress = new ProgressRecorder(store);
  const sqs = wrap(new SQSClient({}));
  const timeoutMs =
    config.functionTimeoutSeconds === undefined ? undefined : config.functionTimeoutSeconds * 1000;
  let deadline: number | undefined;
  const execute = createExecutor({
    engine,
    publisher,
    localChartRoots: config.chartRoots,
    hardDeadline: () => deadline,
    progress,
    ...(hooks.automation === undefined ? {} : { automation: hooks.automation(store) }),
  });
  return {
    store,
    handle: (records, remainingMs) => {
      deadline = clock.now() + remainingMs() - INVOCATION_MARGIN_MS;
      return processSqsBatch({
        records,
        remainingMs,
        visibility: sqsVisibility(sqs, config.queueUrl),
        ...(hooks.onVisibilityError === undefined ? {} : { onVisibilityError: hooks.onVisibilityError }),
        batch: {
          execute,
          publish: publishRecordingRejections(store, (event) => publisher.publish([event])),
          clock,
          sleep: clock.sleep,
          maxReceives: config.maxReceives,
          concurrency: config.groupConcurrency,
          ...(timeoutMs === undefined ? {} : { maxActionMs: timeoutMs - INVOCATION_MARGIN_MS }),
          onUnexpectedError: (error) => hooks.onUnexpectedError?.(error),
          onWaiting: (request, reason) => {
            progress.note(request.requestId, { at: clock.now(), step: 'lease', message: reason });
            hooks.onWaiting?.(request, reason);
          },
        },
      });
    },
  };
}

/**
 * The registered clusters (entries in the release table), with the worker's own kubeconfig, when it
 * has one, as the fallback for names the registry lacks. AWS clients are made on first use only.
 */
export function clusterConnections(
  config: Pick<WorkerConfig, 'kubeconfigFile' | 'kubeconfigSecret'>,
  store: ReleaseStore,
  wrap: <T>(client: T) => T,
): ConnectionProvider {
  let secretsClient: SecretsManagerClient | undefined;
  const secrets = new SecretKubeconfigReader({
    client: () => {
      secretsClient ??= wrap(new SecretsManagerClient({}));
      return secretsClient;
    },
    clock: systemClock,
  });
  const fallback =
    config.kubeconfigFile !== undefined
      ? kubeconfigFileFallback(config.kubeconfigFile)
      : config.kubeconfigSecret !== undefined
        ? secretKubeconfigConnections({ reader: secrets, secretId: config.kubeconfigSecret })
        : undefined;
  return registryConnections({
    registry: new StoreClusterRegistry({ driver: store.driver, clock: systemClock }),
    eks: lazyEksEndpoints({ clock: systemClock, wrap }),
    secrets,
    // Only where the worker has a kubeconfig file of its own (the local stack); never in Lambda.
    ...(config.kubeconfigFile === undefined ? {} : { contexts: { kubeconfigFile: config.kubeconfigFile } }),
    ...(fallback === undefined ? {} : { fallback }),
  });
}

/** The sweeper: the store and the bus, from QUAYSIDE_TABLE and QUAYSIDE_EVENT_BUS. */
export async function createSweeper(
  env: Readonly<Record<string, string | undefined>>,
  hooks: Pick<WorkerHooks, 'instrument'> = {},
): Promise<() => Promise<SweepResult>> {
  const problems: { field: string; message: string }[] = [];
  const settings = storeSettings(env, problems);
  if (!env.QUAYSIDE_EVENT_BUS?.trim()) problems.push({ field: 'QUAYSIDE_EVENT_BUS', message: 'is required' });
  if (problems.length > 0) throw new WorkerConfigError(problems);
  const wrap = <T>(client: T): T => hooks.instrument?.(client) ?? client;
  const store = await openReleaseStore(settings, wrap);
  const publisher = new EventBridgePublisher({
    client: wrap(new EventBridgeClient({})),
    busName: env.QUAYSIDE_EVENT_BUS as string,
  });
  return () => sweepExpiredLeases({ store, publisher, clock: systemClock });
}

/** SQS visibility changes, ten at a time (ChangeMessageVisibilityBatch's limit). */
export function sqsVisibility(client: SQSClient, queueUrl: string): VisibilityPort {
  return {
    async change(entries) {
      for (let i = 0; i < entries.length; i += 10) {
        const slice = entries.slice(i, i + 10);
        await client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: slice.map((entry, j) => ({
              Id: String(i + j),
              ReceiptHandle: entry.receiptHandle,
              VisibilityTimeout: entry.seconds,
            })),
          }),
        );
      }
    },
  };
}
