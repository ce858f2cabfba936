import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  type BundleInfo,
  buildFunctionBundles,
  FUNCTIONS,
  type FunctionName,
  SWEEP_EVERY_MINUTES,
  WORKER_EVENT_SOURCE,
} from '../bundles/index.ts';
import { type EventPublisher, parseStatusEvent } from '../events/index.ts';
import {
  systemClock as clock,
  kubeconfigConnectionProvider,
  loadKubeconfig,
  resolveContext,
} from '../kube/index.ts';
import { type Simulator, startSimulator } from '../sim/index.ts';
import {
  type DynamoDbLocal,
  openDriver,
  ReleaseStore,
  StoreConfigError,
  startDynamoDbLocal,
} from '../store/index.ts';
import { type LocalAutomation, startLocalAutomation } from './automation.ts';
import { type LocalChat, startLocalChat } from './chat-stack.ts';
import { type LocalCluster, startLocalEksClusters } from './clusters.ts';
import { type BusEvent, startPutEventsStub } from './event-bus.ts';
import { type EventSource, type SqsEventRecord, startEventSource } from './event-source.ts';
import { type InvokeResult, type LocalFunction, startLocalFunction } from './lambda-runtime.ts';
import { LOCAL_MESSAGES, LocalStackError } from './messages.ts';
import { createRequestQueues } from './queues.ts';
import type { SlackPost } from './slack-api.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalSqs } from './sqs/index.ts';
import { watchStore } from './store-watch.ts';

export const LOCAL_TABLE = 'quayside-releases';
export const LOCAL_EVENT_BUS = 'quayside';
/** Credentials the local services accept (they check none). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'quayside', secretAccessKey: 'quayside' } as const;

export interface LocalStackOptions {
  /** Where data is kept between runs (default `.quayside`). */
  readonly dataDir: string;
  /** Keep nothing: data lives in temp folders only. */
  readonly ephemeral: boolean;
  /** The project's root: where the function sources are and the bundles are built. */
  readonly projectRoot: string;
  /** A real cluster's kubeconfig instead of the simulator. */
  readonly kubeconfig?: string;
  /** Where status events go as they happen. */
  readonly events: EventPublisher;
  /** One line of news for the person running it. */
  readonly log: (line: string) => void;
  /** Simulator rollout step (ms); the simulator's default when absent. */
  readonly rolloutStepMs?: number;
  /** Told of each worker invocation and how it ended. */
  readonly onInvoke?: (records: readonly SqsEventRecord[], result: InvokeResult) => void;
  /** How often the sweeper runs (ms); the stack's schedule by default. */
  readonly sweepEveryMs?: number;
  /** Folders a request's `chart.path` may name; default: the current folder. */
  readonly chartRoots?: readonly string[];
  /**
   * Simulated EKS clusters to run instead of the one simulator (2 or more): sim-1…sim-N in EKS mode,
   * registered as `eks` entries and reached with EKS tokens through loopback STS and EKS.
   */
  readonly clusters?: number;
  /**
   * Whether status events go to the notifier (default true). `false` plays a stack deployed without
   * notification targets, which has no notifier rule (bench scale measures the request path alone).
   */
  readonly notifier?: boolean;
  /** What would be posted to Slack, as it is posted (default: the log). */
  readonly onSlack?: (post: SlackPost, rendered: string) => void;
  /** How often the automation's guard looks at baking releases (ms); the stack's schedule by default. */
  readonly guardEveryMs?: number;
}

export interface LocalStack {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly sqsEndpoint: string;
  readonly eventBridgeEndpoint: string;
  readonly storeUrl: string;
  readonly storeDescription: string;
  readonly kubeconfigPath: string;
  readonly cluster: string;
  readonly clusterDescription: string;
  readonly store: ReleaseStore;
  readonly bundles: readonly BundleInfo[];
  /** The worker, as Lambda runs it (for chaos tests: its environments' pids). */
  readonly worker: LocalFunction;
  /** The simulator, when the stack runs one (chaos tests inject API faults into it); the first of several. */
  readonly simulator: Simulator | undefined;
  /** With `clusters`: each simulated EKS cluster, by its registered name. */
  readonly clusters: readonly LocalCluster[];
  /** DynamoDB Local's process id, when the stack runs it (chaos tests kill it; the stack restarts it). */
  dynamoPid(): number | undefined;
  /** Chat-ops: the chat endpoint, its signing secret, the Slack stand-in the notifier posts to. */
  readonly chat: LocalChat;
  readonly logDir: string;
  /** The automation's local services (AWS_ENDPOINT_URL_SCHEDULER, AWS_ENDPOINT_URL_CLOUDWATCH). */
  readonly schedulerEndpoint: string;
  readonly cloudWatchEndpoint: string;
  stop(): Promise<void>;
}

type Stops = Array<() => Promise<void>>;

/**
 * The whole service on this machine, run as it is deployed: the request FIFO queue and its DLQ (a
 * durable SQS-API server), DynamoDB Local (or the file store without Java), an EventBridge
 * PutEvents endpoint that prints each event, the Kubernetes simulator (or a real cluster), and the
 * worker and sweeper bundles `cdk deploy` would upload, run in Lambda-like environments behind a
 * local SQS event source mapping and schedule. Stopping finishes the invocations in hand; queued
 * requests stay in the queue for the next start.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = options.ephemeral
    ? mkdtempSync(join(tmpdir(), 'quayside-local-'))
    : resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const stops: Stops = [];
  try {
    const bundles = await buildFunctionBundles(options.projectRoot);
    options.log(LOCAL_MESSAGES.bundles(bundles));
    const store = await openLocalStore(options, dataDir, stops);
    const cluster =
      (options.clusters ?? 1) > 1
        ? await openLocalEksClusters(options, dataDir, store.store, stops)
        : await openLocalCluster(options, dataDir, stops);
    const queues = await openQueues(options, dataDir, stops);
    // The bus's rules: CloudWatch alarm changes go to the alarm function; every status event is
    // printed, and handed to the notifier (chat-ops).
    let automation: LocalAutomation | undefined;
    let notify: (event: BusEvent) => void = () => {};
    const bus = await startPutEventsStub(undefined, (event) => {
      if (automation?.route(event)) return;
      void printEvent(options, event);
      notify(event);
    });
    stops.push(() => bus.close());

    const environment: Record<string, string> = {
      ...store.environment,
      QUAYSIDE_EVENT_BUS: LOCAL_EVENT_BUS,
      QUAYSIDE_QUEUE_URL: queues.queueUrl,
      ...cluster.environment,
      QUAYSIDE_CHART_ROOTS: (options.chartRoots ?? [process.cwd()]).join(delimiter),
      QUAYSIDE_FUNCTION_TIMEOUT_SECONDS: String(FUNCTIONS.worker.timeoutSeconds),
      ...(process.env.QUAYSIDE_KEEP_HELM_RECORDS === '1' ? { QUAYSIDE_KEEP_HELM_RECORDS: '1' } : {}),
      AWS_ENDPOINT_URL_SQS: queues.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      // No X-Ray daemon here: the Tracer is off, as it is in a function without active tracing.
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    };
    const functionOf = (
      name: FunctionName,
      bundle: string,
      maxConcurrency: number,
      env: Record<string, string> = environment,
    ) => {
      const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
      stops.push(() => new Promise<void>((done) => log.end(done)));
      const fn = startLocalFunction({
        name: `quayside-${name}`,
        bundle,
        sandboxScript: join(options.projectRoot, 'lib', 'local', 'lambda-sandbox.mjs'),
        environment: env,
        timeoutMs: FUNCTIONS[name].timeoutSeconds * 1000,
        memoryMb: FUNCTIONS[name].memoryMb,
        maxConcurrency,
        region: LOCAL_REGION,
        onLog: (line) => log.write(`${line}\n`),
      });
      stops.push(() => fn.close());
      return fn;
    };
    const bundleOf = (name: string) => bundles.find((b) => b.name === name)?.file as string;
    const worker = functionOf('worker', bundleOf('worker'), WORKER_EVENT_SOURCE.maxConcurrency);
    const sweeper = functionOf('sweeper', bundleOf('sweeper'), 1);

    // Before chat-ops: the chat function makes its schedules in the local Scheduler.
    const localAutomation = await startLocalAutomation({
      dataDir: options.ephemeral ? undefined : dataDir,
      sqs: queues.client,
      sqsEndpoint: queues.endpoint,
      credentials: LOCAL_CREDENTIALS,
      alarm: functionOf('alarm', bundleOf('alarm'), 1),
      guard: functionOf('guard', bundleOf('guard'), 1),
      ...(options.guardEveryMs === undefined ? {} : { guardEveryMs: options.guardEveryMs }),
      log: options.log,
    });
    automation = localAutomation;
    stops.push(localAutomation.stop);
    const chat = await startLocalChat({
      environment: {
        ...store.environment,
        QUAYSIDE_QUEUE_URL: queues.queueUrl,
        AWS_ENDPOINT_URL_SQS: queues.endpoint,
        // `/quayside schedule`: the local Scheduler, and the group, role and DLQ named by the
        // stack's convention from the queue's ARN, as in AWS.
        QUAYSIDE_QUEUE_ARN: queues.queueArn,
        AWS_ENDPOINT_URL_SCHEDULER: localAutomation.schedulerEndpoint,
      },
      cluster: cluster.context,
      startFunction: (name, concurrency, env) => functionOf(name, bundleOf(name), concurrency, env),
      stops,
      onSlack: options.onSlack ?? ((_, rendered) => options.log(rendered)),
    });
    if (options.notifier !== false) notify = (event) => chat.deliver(event);
    stops.push(() => chat.idle());

    const source = startEventSource({
      client: queues.client,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      fn: worker,
      batchSize: WORKER_EVENT_SOURCE.batchSize,
      maxConcurrency: WORKER_EVENT_SOURCE.maxConcurrency,
      region: LOCAL_REGION,
      ...(options.onInvoke === undefined ? {} : { onInvoke: options.onInvoke }),
      onError: (error) => options.log(LOCAL_MESSAGES.queueError(error)),
    });
    stops.push(() => source.stop());
    stops.push(scheduleSweeper(sweeper, options));
    const storeWatch = watchStoreHealth(store.store, source, options);
    stops.push(storeWatch.stop);
    // DynamoDB Local's exit is known at once: the worker is paused then, not at the next check.
    store.onDynamoExit(() => storeWatch.checkNow());

    return {
      queueUrl: queues.queueUrl,
      deadLetterQueueUrl: queues.deadLetterQueueUrl,
      sqsEndpoint: queues.endpoint,
      eventBridgeEndpoint: bus.endpoint,
      storeUrl: store.url,
      storeDescription: store.description,
      kubeconfigPath: cluster.kubeconfigPath,
      cluster: cluster.context,
      clusterDescription: cluster.description,
      store: store.store,
      bundles,
      worker,
      simulator: cluster.simulator,
      clusters: cluster.clusters,
      dynamoPid: store.dynamoPid,
      chat,
      logDir,
      schedulerEndpoint: localAutomation.schedulerEndpoint,
      cloudWatchEndpoint: localAutomation.cloudWatchEndpoint,
      stop: () => stopAll(stops, options.ephemeral ? dataDir : undefined),
    };
  } catch (error) {
    await stopAll(stops, options.ephemeral ? dataDir : undefined);
    throw error;
  }
}

async function stopAll(stops: Stops, removeDir: string | undefined): Promise<void> {
  for (const stop of stops.reverse()) await stop();
  stops.length = 0;
  if (removeDir !== undefined) rmSync(removeDir, { recursive: true, force: true });
}

async function printEvent(options: LocalStackOptions, event: BusEvent): Promise<void> {
  try {
    const parsed = parseStatusEvent({
      version: '0',
      id: event.id,
      account: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      resources: [],
      source: event.source,
      'detail-type': event.detailType,
      time: event.time,
      detail: event.detail,
    });
    await options.events.publish([parsed]);
  } catch (error) {
    options.log(LOCAL_MESSAGES.badEvent(event.detailType, error));
  }
}

async function openLocalStore(options: LocalStackOptions, dataDir: string, stops: Stops) {
  let dynamo: DynamoDbLocal | undefined;
  try {
    // DynamoDB Local needs its -dbPath folder to exist.
    if (!options.ephemeral) mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
    dynamo = await startDynamoDbLocal(options.ephemeral ? {} : { dataDir: join(dataDir, 'dynamodb') });
  } catch (error) {
    if (!(error instanceof StoreConfigError)) throw error;
    options.log(LOCAL_MESSAGES.noDynamo(error.message.split('\n')[0] ?? ''));
  }
  if (dynamo !== undefined) {
    const supervised = superviseDynamo(
      dynamo,
      options,
      options.ephemeral ? undefined : join(dataDir, 'dynamodb'),
    );
    stops.push(supervised.stop);
    const running = dynamo;
    const url = `dynamodb://${LOCAL_TABLE}?endpoint=${encodeURIComponent(running.endpoint)}&region=${LOCAL_REGION}&create=true`;
    const driver = await openDriver(url);
    stops.push(async () => driver.close?.());
    return {
      url,
      store: new ReleaseStore(driver),
      dynamoPid: supervised.pid,
      onDynamoExit: supervised.onExit,
      description: `DynamoDB Local at ${running.endpoint}, table ${LOCAL_TABLE}`,
      environment: { QUAYSIDE_TABLE: LOCAL_TABLE, AWS_ENDPOINT_URL_DYNAMODB: running.endpoint } as Record<
        string,
        string
      >,
    };
  }
  const url = `file://${join(dataDir, 'store')}`;
  return {
    url,
    store: new ReleaseStore(await openDriver(url)),
    dynamoPid: () => undefined,
    onDynamoExit: (_listener: () => void) => {},
    description: `the file store in ${join(dataDir, 'store')}`,
    environment: { QUAYSIDE_STORE: url } as Record<string, string>,
  };
}

/**
 * Restarts DynamoDB Local, on the same port and data, when it dies while the stack runs, as a
 * managed service comes back; meanwhile the store watch has paused the worker. Returns the stop.
 */
function superviseDynamo(first: DynamoDbLocal, options: LocalStackOptions, dataDir: string | undefined) {
  let current = first;
  let stopping = false;
  const exitListeners: Array<() => void> = [];
  const watch = async () => {
    for (;;) {
      await current.exited;
      if (stopping) return;
      for (const listener of exitListeners) listener();
      options.log(LOCAL_MESSAGES.dynamoRestarting(dataDir === undefined));
      for (let attempt = 1; !stopping; attempt++) {
        try {
          current = await startDynamoDbLocal({
            port: first.port,
            ...(dataDir === undefined ? {} : { dataDir }),
          });
          break;
        } catch (error) {
          options.log(LOCAL_MESSAGES.dynamoRestartFailed(attempt, error));
          await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** attempt)));
        }
      }
    }
  };
  const watching = watch();
  return {
    pid: () => current.pid,
    onExit: (listener: () => void) => exitListeners.push(listener),
    stop: async () => {
      stopping = true;
      await current.stop();
      await watching;
    },
  };
}

async function openLocalCluster(options: LocalStackOptions, dataDir: string, stops: Stops) {
  if (options.kubeconfig !== undefined) {
    const kubeconfigPath = resolve(options.kubeconfig);
    // A stale kubeconfig or a dead endpoint is said now, not on the first install.
    const context = resolveContext(loadKubeconfig({ file: kubeconfigPath }), undefined).name;
    const connection = await kubeconfigConnectionProvider({ file: kubeconfigPath }).connect(context);
    try {
      await connection.send({
        method: 'GET',
        path: '/version',
        ref: { apiVersion: 'v1', kind: 'Version', name: '' },
      });
    } catch (error) {
      throw new LocalStackError(
        LOCAL_MESSAGES.clusterUnreachable(context, kubeconfigPath, (error as Error).message),
      );
    } finally {
      connection.close();
    }
    return {
      kubeconfigPath,
      context,
      description: `the cluster of context "${context}" in ${kubeconfigPath}`,
      simulator: undefined,
      clusters: [],
      environment: { QUAYSIDE_KUBECONFIG: kubeconfigPath } as Record<string, string>,
    };
  }
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  const sim: Simulator = await startSimulator({
    kubeconfigPath,
    ...(options.ephemeral ? {} : { stateDir: join(dataDir, 'sim') }),
    ...(options.rolloutStepMs === undefined ? {} : { rolloutStepMs: options.rolloutStepMs }),
  });
  stops.push(() => sim.stop());
  return {
    kubeconfigPath,
    context: 'quayside-sim',
    simulator: sim,
    clusters: [],
    description: `the Kubernetes simulator at ${sim.url}`,
    environment: { QUAYSIDE_KUBECONFIG: kubeconfigPath } as Record<string, string>,
  };
}

/** Several simulated EKS clusters (lib/local/clusters.ts), registered in the stack's store. */
async function openLocalEksClusters(
  options: LocalStackOptions,
  dataDir: string,
  store: ReleaseStore,
  stops: Stops,
) {
  const eks = await startLocalEksClusters({
    count: options.clusters ?? 2,
    dataDir,
    ephemeral: options.ephemeral,
    store,
    ...(options.rolloutStepMs === undefined ? {} : { rolloutStepMs: options.rolloutStepMs }),
  });
  stops.push(() => eks.stop());
  const names = eks.clusters.map((c) => c.name);
  return {
    kubeconfigPath: eks.kubeconfigPath,
    context: names[0] as string,
    simulator: eks.clusters[0]?.simulator,
    clusters: eks.clusters,
    description: LOCAL_MESSAGES.eksClusters(names, eks.stsEndpoint, eks.eksEndpoint),
    environment: eks.environment,
  };
}

/** The request queue and its DLQ, with the deployed settings, in the durable local SQS. */
async function openQueues(options: LocalStackOptions, dataDir: string, stops: Stops) {
  const sqs = await startLocalSqs({ clock, ...(options.ephemeral ? {} : { dataDir: join(dataDir, 'sqs') }) });
  stops.push(() => sqs.close());
  const client = new SQSClient({
    endpoint: sqs.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  stops.push(async () => client.destroy());
  const queues = await createRequestQueues(client);
  await migrateSavedQueue(client, queues.queueUrl, dataDir, options);
  return { endpoint: sqs.endpoint, client, ...queues };
}

/** Earlier versions kept queued requests in queue.json on a clean stop; they go into the durable queue once. */
async function migrateSavedQueue(
  client: SQSClient,
  queueUrl: string,
  dataDir: string,
  options: LocalStackOptions,
) {
  const file = join(dataDir, 'queue.json');
  if (options.ephemeral || !existsSync(file)) return;
  const held = JSON.parse(readFileSync(file, 'utf8')) as {
    body: string;
    groupId: string;
    deduplicationId: string;
  }[];
  for (const message of held) {
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: message.body,
        MessageGroupId: message.groupId,
        MessageDeduplicationId: message.deduplicationId,
      }),
    );
  }
  rmSync(file);
  options.log(LOCAL_MESSAGES.migrated(held.length));
}

/** The sweeper on its schedule, invoked with the event EventBridge Scheduler would send. */
function scheduleSweeper(sweeper: LocalFunction, options: LocalStackOptions): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(
    () => {
      running = sweeper
        .invoke({
          version: '0',
          id: `local-sweep-${Date.now()}`,
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          account: LOCAL_ACCOUNT,
          time: new Date().toISOString(),
          region: LOCAL_REGION,
          resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/quayside-sweeper`],
          detail: {},
        })
        .then((result) => {
          const swept = result.ok ? (result.result as { interrupted?: unknown[] } | null) : null;
          if (!result.ok) options.log(LOCAL_MESSAGES.sweeperFailed(result.error.errorMessage));
          else if ((swept?.interrupted?.length ?? 0) > 0)
            options.log(LOCAL_MESSAGES.swept(swept?.interrupted?.length ?? 0));
        });
    },
    options.sweepEveryMs ?? SWEEP_EVERY_MINUTES * 60_000,
  );
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** While the store does not answer, the worker is paused (and said so), so requests wait instead of failing. */
function watchStoreHealth(store: ReleaseStore, source: EventSource, options: LocalStackOptions) {
  return watchStore({
    check: async () => {
      await store.getRelease({ cluster: 'health', namespace: 'health', name: 'health' });
    },
    onDown: (error) => {
      source.pause();
      options.log(LOCAL_MESSAGES.storeDown(error));
    },
    onUp: () => {
      source.resume();
      options.log(LOCAL_MESSAGES.storeUp);
    },
  });
}
