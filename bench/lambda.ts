/**
 * Benchmark: the Lambda bundles as deployed. Prints their sizes (minified JS, and the engine's
 * .wasm shipped beside), the cold init of the worker handler in a fresh process (from the start of
 * the import to the handler ready, with no render), the warm per-record overhead of the handler
 * around an action that has nothing left to do (a redelivered request), a real upgrade for scale,
 * and the worker process's peak memory. Targets: JS ≤ 1.5 MB, cold init ≤ 250 ms.
 *
 *   node --import tsx bench/lambda.ts [runs=9]
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { buildFunctionBundles, FUNCTIONS } from '../lib/bundles/index.ts';
import { systemClock } from '../lib/kube/index.ts';
import {
  createRequestQueues,
  startLocalFunction,
  startLocalSqs,
  startPutEventsStub,
  toSqsEventRecord,
} from '../lib/local/index.ts';
import { startSimulator } from '../lib/sim/index.ts';
import { ensureReleaseTable, startDynamoDbLocal } from '../lib/store/index.ts';

const runs = Number(process.argv[2] ?? 9);
const root = new URL('..', import.meta.url).pathname;
const JS_TARGET = 1.5 * 1024 * 1024;
const INIT_TARGET_MS = 250;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0] ?? 0, median: s[Math.floor(s.length / 2)] ?? 0, max: s[s.length - 1] ?? 0 };
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

const bundles = await buildFunctionBundles(root);
console.log('bundle sizes (as uploaded):');
for (const bundle of bundles) {
  const wasmPath = join(bundle.dir, 'engine.wasm');
  const wasm = existsSync(wasmPath) ? `, engine.wasm ${mb(statSync(wasmPath).size)}` : ', no engine';
  const verdict = bundle.bytes <= JS_TARGET ? 'ok' : 'OVER';
  console.log(`  ${bundle.name.padEnd(8)} JS ${mb(bundle.bytes)} (target ≤ 1.50 MB: ${verdict})${wasm}`);
}
const worker = bundles.find((b) => b.name === 'worker')?.file as string;

// Cold init: a fresh node process imports the bundle (module scope builds every client, the store,
// the engine's wiring) and reports how long that took; no AWS call is made at init.
const dir = mkdtempSync(join(tmpdir(), 'quayside-bench-lambda-'));
const runner = join(dir, 'init.mjs');
writeFileSync(
  runner,
  [
    'const started = performance.now();',
    'const module = await import(process.argv[2]);',
    "if (typeof module.handler !== 'function') process.exit(3);",
    'console.log(JSON.stringify({ initMs: performance.now() - started, rss: process.memoryUsage().rss }));',
  ].join('\n'),
);
const initEnv = {
  PATH: process.env.PATH ?? '',
  QUAYSIDE_TABLE: 'bench',
  QUAYSIDE_EVENT_BUS: 'quayside',
  QUAYSIDE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/quayside-requests.fifo',
  QUAYSIDE_KUBECONFIG_SECRET: 'quayside/clusters',
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'quayside-worker',
  POWERTOOLS_TRACE_ENABLED: 'false',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const inits: number[] = [];
const walls: number[] = [];
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [runner, worker], { env: initEnv, encoding: 'utf8' });
  walls.push(performance.now() - started);
  if (result.status !== 0) throw new Error(`cold init failed: ${result.stderr}`);
  inits.push((JSON.parse(result.stdout.trim()) as { initMs: number }).initMs);
}
const init = stats(inits);
const wall = stats(walls);
console.log(`\ncold init of the worker handler, ${runs} fresh processes (import to ready, no render):`);
console.log(
  `  init median ${ms(init.median)} (min ${ms(init.min)}, max ${ms(init.max)}; target ≤ ${INIT_TARGET_MS} ms: ${init.median <= INIT_TARGET_MS ? 'ok' : 'OVER'})`,
);
console.log(`  whole process median ${ms(wall.median)} (node's own start included)`);

// Warm: the bundle in this process, against DynamoDB Local, the local SQS, a PutEvents stub and the simulator.
const dynamo = await startDynamoDbLocal();
const sqs = await startLocalSqs({ clock: systemClock });
const bus = await startPutEventsStub();
const sim = await startSimulator({ rolloutStepMs: 20 });
try {
  const client = new SQSClient({
    endpoint: sqs.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const queues = await createRequestQueues(client);
  const table = 'bench-lambda';
  await ensureReleaseTable(
    new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    }),
    table,
  );
  writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfig);
  Object.assign(process.env, {
    ...initEnv,
    QUAYSIDE_TABLE: table,
    QUAYSIDE_QUEUE_URL: queues.queueUrl,
    QUAYSIDE_KUBECONFIG_SECRET: '',
    QUAYSIDE_KUBECONFIG: join(dir, 'kubeconfig'),
    QUAYSIDE_CHART_ROOTS: root,
    AWS_ACCESS_KEY_ID: 'l',
    AWS_SECRET_ACCESS_KEY: 'l',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const { handler } = (await import(worker)) as {
    handler: (event: unknown, context: unknown) => Promise<{ batchItemFailures: unknown[] }>;
  };
  const context = () => {
    const deadline = Date.now() + 14 * 60_000;
    return { awsRequestId: randomUUID(), getRemainingTimeInMillis: () => deadline - Date.now() };
  };
  const request = (requestId: string, replicas: number) => ({
    version: 'v1',
    requestId,
    action: 'upgrade',
    release: { cluster: 'quayside-sim', namespace: 'default', name: 'bench' },
    chart: { path: join(root, 'examples', 'charts', 'kubernetes-bootcamp') },
    values: { replicas },
    options: { install: true, wait: false, timeout: '1m' },
    requestedBy: { principal: 'bench', channel: 'cli' },
    requestedAt: new Date().toISOString(),
  });
  const receiveOne = async (body: object, id: string): Promise<Message> => {
    await client.send(
      new SendMessageCommand({
        QueueUrl: queues.queueUrl,
        MessageBody: JSON.stringify(body),
        MessageGroupId: 'g',
        MessageDeduplicationId: id,
      }),
    );
    const [message] =
      (
        await client.send(
          new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, MessageSystemAttributeNames: ['All'] }),
        )
      ).Messages ?? [];
    return message as Message;
  };
  const invoke = async (message: Message) => {
    const started = performance.now();
    const response = await handler(
      { Records: [toSqsEventRecord(message, queues.queueArn, 'us-east-1')] },
      context(),
    );
    if (response.batchItemFailures.length > 0) throw new Error('the bench request was returned to the queue');
    return performance.now() - started;
  };
  const upgrades: number[] = [];
  let message: Message | undefined;
  for (let i = 0; i < runs + 3; i++) {
    message = await receiveOne(request(`upgrade-${i}`, 1 + (i % 3)), `upgrade-${i}`);
    const took = await invoke(message);
    // The first few warm the engine (WebAssembly tier-up); they are not counted.
    if (i >= 3) upgrades.push(took);
    await client.send(
      new DeleteMessageCommand({ QueueUrl: queues.queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
  }
  // The same message again and again: parse, lease check, store lookup, answer — no kube work.
  const duplicates: number[] = [];
  for (let i = 0; i < runs * 3; i++) duplicates.push(await invoke(message as Message));
  const overhead = stats(duplicates);
  const upgrade = stats(upgrades);
  console.log(
    `\nwarm, in one process (${runs * 3} invocations of a redelivered request, ${runs} real upgrades):`,
  );
  console.log(
    `  per-record overhead median ${ms(overhead.median)} (min ${ms(overhead.min)}, max ${ms(overhead.max)})`,
  );
  console.log(
    `  upgrade of kubernetes-bootcamp (render, apply 2 objects, no wait) median ${ms(upgrade.median)}`,
  );

  // Memory, as the function's own process sees it: the bundle in a Lambda-like environment installs
  // the 51-object bench chart and upgrades it; its peak resident set is what the memory size must cover.
  const fn = startLocalFunction({
    name: 'quayside-worker',
    bundle: worker,
    sandboxScript: join(root, 'lib', 'local', 'lambda-sandbox.mjs'),
    environment: Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] =>
          entry[0].startsWith('QUAYSIDE_') ||
          entry[0].startsWith('AWS_ENDPOINT_URL_') ||
          entry[0].startsWith('POWERTOOLS_'),
      ),
    ),
    timeoutMs: 120_000,
    memoryMb: FUNCTIONS.worker.memoryMb,
    maxConcurrency: 1,
  });
  const fleet = (id: string, replicas: number) => ({
    ...request(id, replicas),
    release: { cluster: 'quayside-sim', namespace: 'default', name: 'fleet' },
    chart: { path: join(root, 'bench', 'charts', 'fleet') },
  });
  for (const [i, body] of [fleet('fleet-1', 1), fleet('fleet-2', 2)].entries()) {
    const message = await receiveOne(body, `fleet-${i}`);
    const result = await fn.invoke({ Records: [toSqsEventRecord(message, queues.queueArn, 'us-east-1')] });
    if (!result.ok) throw new Error(`the fleet chart failed: ${result.error.errorMessage}`);
    await client.send(
      new DeleteMessageCommand({ QueueUrl: queues.queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
  }
  const [pid] = fn.pids();
  const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  console.log(
    `  worker environment peak RSS after installing and upgrading the 51-object chart: ${peak === undefined ? 'unknown' : mb(Number(peak) * 1024)} (memory size ${FUNCTIONS.worker.memoryMb} MB)`,
  );
  await fn.close();
  client.destroy();
} finally {
  await sim.stop();
  await bus.close();
  await sqs.close();
  await dynamo.stop();
}
