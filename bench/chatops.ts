/**
 * Benchmark: the chat function's answer under a cold start. Each run is a fresh Node process that
 * imports the bundled handler (as Lambda's init does) and answers one signed slash command — a
 * rollback by a user with the right: the Slack secret read from Secrets Manager, the replay record
 * and the policy in DynamoDB, the release read, the request sent to SQS — then a second, warm one;
 * and another fresh process that answers `schedule rollback` (the same reads, then Scheduler's
 * CreateSchedule) twice. Against DynamoDB Local, the local SQS, the local Scheduler and loopback
 * Secrets Manager and Slack stand-ins. The peer, run alternately with them, is a bare Node process
 * (start and exit): what the machine itself costs. Target: each cold answer well within Slack's 3 s.
 *
 *   node --import tsx bench/chatops.ts [runs=7]
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { buildFunctionBundles } from '../lib/bundles/index.ts';
import { AccessPolicy, parseGrant, slackHeaders, slashCommandBody } from '../lib/chatops/index.ts';
import { systemClock, systemTimers } from '../lib/domain/index.ts';
import {
  createAutomationDeadLetterQueue,
  createRequestQueues,
  LOCAL_ACCOUNT,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startLocalScheduler,
  startLocalSqs,
} from '../lib/local/index.ts';
import { startSecretsManagerStub } from '../lib/local/secrets-manager.ts';
import { startSlackApiStub } from '../lib/local/slack-api.ts';
import { DynamoDbDriver, ensureReleaseTable, ReleaseStore, startDynamoDbLocal } from '../lib/store/index.ts';

const runs = Number(process.argv[2] ?? 7);
const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const SLACK_LIMIT_MS = 3000;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0] ?? 0, median: s[Math.floor(s.length / 2)] ?? 0, max: s[s.length - 1] ?? 0 };
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

const [bundle] = await buildFunctionBundles(root, { only: ['chatops'] });
const dynamo = await startDynamoDbLocal();
const sqs = await startLocalSqs({ clock: systemClock });
const signingSecret = randomUUID();
const secrets = await startSecretsManagerStub({
  'quayside/slack': JSON.stringify({ signingSecret, botToken: 'xoxb-bench' }),
});
const slack = await startSlackApiStub({ token: 'xoxb-bench', channels: { C0DEPLOYS: 'deploys' } });
const scheduler = await startLocalScheduler({
  clock: systemClock,
  timers: systemTimers,
  sqsEndpoint: sqs.endpoint,
  account: LOCAL_ACCOUNT,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});
try {
  const credentials = { accessKeyId: 'l', secretAccessKey: 'l' };
  const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
  const table = 'bench-chatops';
  await ensureReleaseTable(dynamoClient, table);
  const driver = new DynamoDbDriver({ tableName: table, client: dynamoClient });
  const store = new ReleaseStore(driver);
  const release = { cluster: 'prod', namespace: 'tools', name: 'blog' };
  for (const revision of [1, 2]) {
    const begun = await store.begin({
      release,
      requestId: `seed-${revision}`,
      action: revision === 1 ? 'install' : 'upgrade',
      requestedBy: { principal: 'bench', channel: 'cli' },
      chart: { name: 'ghost', version: '1.24.8' },
      leaseExpiresAt: Date.now() + 60_000,
    });
    if (begun.kind !== 'started') throw new Error('could not seed the release');
    await store.finish({ lease: begun.lease, status: 'deployed', description: 'seeded' });
  }
  await new AccessPolicy({ driver, clock: systemClock }).grant(
    parseGrant({ subject: 'slack:UALICE', right: 'rollback', cluster: 'prod', namespace: 'tools' }),
  );
  const sqsClient = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1', credentials });
  const queues = await createRequestQueues(sqsClient);
  await createAutomationDeadLetterQueue(sqsClient);

  // The runner: what Lambda does in a new execution environment, timed from inside.
  const dir = mkdtempSync(join(tmpdir(), 'quayside-bench-chatops-'));
  const runner = join(dir, 'cold.mjs');
  writeFileSync(
    runner,
    [
      'const started = performance.now();',
      'const { handler } = await import(process.argv[2]);',
      'const imported = performance.now();',
      'const events = JSON.parse(process.argv[3]);',
      'const expected = process.argv[4];',
      "const context = { functionName: 'quayside-chatops', awsRequestId: 'bench', getRemainingTimeInMillis: () => 10000 };",
      'const first = await handler(events[0], context);',
      'const answered = performance.now();',
      'const second = await handler(events[1], context);',
      'const warm = performance.now() - answered;',
      'if (first.statusCode !== 200 || !first.body.includes(expected) || second.statusCode !== 200) { console.error(JSON.stringify([first, second])); process.exit(3); }',
      'console.log(JSON.stringify({ importMs: imported - started, firstMs: answered - imported, warmMs: warm }));',
    ].join('\n'),
  );
  const event = (text: string) => {
    const body = slashCommandBody({ text, user: { id: 'UALICE', name: 'alice' }, channel: 'C0DEPLOYS' });
    const headers = slackHeaders(signingSecret, body, Math.floor(Date.now() / 1000));
    return {
      version: '2.0',
      rawPath: '/',
      headers,
      requestContext: { http: { method: 'POST', path: '/' } },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    };
  };
  const env = {
    PATH: process.env.PATH ?? '',
    QUAYSIDE_TABLE: table,
    QUAYSIDE_QUEUE_URL: queues.queueUrl,
    QUAYSIDE_QUEUE_ARN: queues.queueArn,
    AWS_ENDPOINT_URL_SCHEDULER: scheduler.endpoint,
    QUAYSIDE_SLACK_SECRET: 'quayside/slack',
    QUAYSIDE_SLACK_API_URL: slack.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'l',
    AWS_SECRET_ACCESS_KEY: 'l',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_LAMBDA_FUNCTION_NAME: 'quayside-chatops',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const sample = () => ({
    wall: [] as number[],
    import: [] as number[],
    first: [] as number[],
    warm: [] as number[],
  });
  const cold = sample();
  const scheduling = sample();
  const bare: number[] = [];
  /** One fresh process answering two commands, timed into `into`. */
  const coldRun = async (texts: [string, string], expected: string, into: ReturnType<typeof sample>) => {
    const events = JSON.stringify(texts.map(event));
    const started = performance.now();
    // Not spawnSync: the stand-ins for SQS, Scheduler, Secrets Manager and Slack answer from this process.
    let stdout: string;
    try {
      ({ stdout } = await run(process.execPath, [runner, bundle?.file as string, events, expected], {
        env,
        encoding: 'utf8',
      }));
    } catch (error) {
      throw new Error(`the cold run failed: ${(error as { stderr?: string }).stderr ?? error}`);
    }
    into.wall.push(performance.now() - started);
    const timings = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    into.import.push(timings.importMs);
    into.first.push(timings.firstMs);
    into.warm.push(timings.warmMs);
  };
  // A day ahead, in a zone: what --at and --tz are typed as.
  const at = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
  for (let i = 0; i < runs; i++) {
    // Alternating: the cold handler, the cold schedule, then the bare peer, so all see the same load.
    await coldRun(
      ['rollback blog 1 -n tools --cluster prod', 'rollback blog 1 -n tools --cluster prod'],
      'Queued',
      cold,
    );
    const schedule = `schedule rollback blog 1 -n tools --cluster prod --at ${at} --tz UTC`;
    await coldRun([schedule, schedule], 'Scheduled', scheduling);
    const peerStarted = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env });
    bare.push(performance.now() - peerStarted);
  }
  const wall = stats(cold.wall);
  console.log(
    `chat function, cold: ${runs} fresh processes, each importing the bundle and answering a signed rollback`,
  );
  console.log(`  bundle ${((bundle?.bytes ?? 0) / 1024 / 1024).toFixed(2)} MB`);
  console.log(
    `  whole process median ${ms(wall.median)} (min ${ms(wall.min)}, max ${ms(wall.max)}); target ≤ ${SLACK_LIMIT_MS} ms (Slack's limit): ${wall.max <= SLACK_LIMIT_MS ? 'ok' : 'OVER'}`,
  );
  console.log(`    import (init) median ${ms(stats(cold.import).median)}`);
  console.log(
    `    first request (secret, replay record, policy, release, SQS) median ${ms(stats(cold.first).median)}`,
  );
  console.log(`    second request, warm, median ${ms(stats(cold.warm).median)}`);
  const sched = stats(scheduling.wall);
  console.log(
    `  schedule rollback, whole process median ${ms(sched.median)} (min ${ms(sched.min)}, max ${ms(sched.max)}); target ≤ ${SLACK_LIMIT_MS} ms: ${sched.max <= SLACK_LIMIT_MS ? 'ok' : 'OVER'}`,
  );
  console.log(
    `    first request (secret, replay record, policy, release, CreateSchedule) median ${ms(stats(scheduling.first).median)}`,
  );
  console.log(`    second request, warm, median ${ms(stats(scheduling.warm).median)}`);
  console.log(`  peer: a bare node process (start and exit) median ${ms(stats(bare).median)}`);
  console.log(
    `  load average ${(await import('node:os'))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await scheduler.close();
  await slack.close();
  await secrets.close();
  await sqs.close();
  await dynamo.stop();
}
