/**
 * Benchmark: the chat function's answer under a cold start. Each run is a fresh Node process that
 * imports the bundled handler (as Lambda's init does) and answers one signed slash command — a
 * rollback by a user with the right: the Slack secret read from Secrets Manager, the replay record
 * and the policy in DynamoDB, the release read, the request sent to SQS — then a second, warm one.
 * Against DynamoDB Local, the local SQS and loopback Secrets Manager and Slack stand-ins. The peer,
 * run alternately with it, is a bare Node process (start and exit): what the machine itself costs.
 * Target: the cold answer well within Slack's 3 s.
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
import { systemClock } from '../lib/kube/index.ts';
import { createRequestQueues, startLocalSqs } from '../lib/local/index.ts';
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
  const queues = await createRequestQueues(
    new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1', credentials }),
  );

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
      "const context = { functionName: 'quayside-chatops', awsRequestId: 'bench', getRemainingTimeInMillis: () => 10000 };",
      'const first = await handler(events[0], context);',
      'const answered = performance.now();',
      'const second = await handler(events[1], context);',
      'const warm = performance.now() - answered;',
      'if (first.statusCode !== 200 || !first.body.includes("Queued") || second.statusCode !== 200) { console.error(JSON.stringify([first, second])); process.exit(3); }',
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
  const cold = { wall: [] as number[], import: [] as number[], first: [] as number[], warm: [] as number[] };
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternating: the cold handler, then the bare peer, so both see the same machine load.
    const events = JSON.stringify([
      event(`rollback blog 1 -n tools --cluster prod`),
      event('rollback blog 1 -n tools --cluster prod'),
    ]);
    const started = performance.now();
    // Not spawnSync: the stand-ins for SQS, Secrets Manager and Slack answer from this process.
    let stdout: string;
    try {
      ({ stdout } = await run(process.execPath, [runner, bundle?.file as string, events], {
        env,
        encoding: 'utf8',
      }));
    } catch (error) {
      throw new Error(`the cold run failed: ${(error as { stderr?: string }).stderr ?? error}`);
    }
    cold.wall.push(performance.now() - started);
    const timings = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    cold.import.push(timings.importMs);
    cold.first.push(timings.firstMs);
    cold.warm.push(timings.warmMs);
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
  console.log(`  peer: a bare node process (start and exit) median ${ms(stats(bare).median)}`);
  console.log(
    `  load average ${(await import('node:os'))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await slack.close();
  await secrets.close();
  await sqs.close();
  await dynamo.stop();
}
