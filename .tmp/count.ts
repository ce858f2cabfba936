Error.stackTraceLimit = 80;
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../lib/kube/index.ts';
import { createRequestQueues, startLocalSqs, startPutEventsStub, toSqsEventRecord } from '../lib/local/index.ts';
import { startSimulator } from '../lib/sim/index.ts';
import { ensureReleaseTable, startDynamoDbLocal } from '../lib/store/index.ts';
import { createWorker, readWorkerConfig } from '../lib/worker/index.ts';

const creds = { accessKeyId: 'l', secretAccessKey: 'l' };
const ddb = await startDynamoDbLocal();
const sqs = await startLocalSqs({ clock: systemClock });
const client = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1', credentials: creds });
const queues = await createRequestQueues(client);
const bus = await startPutEventsStub();
const sim = await startSimulator({ rolloutStepMs: 20 });
const dir = mkdtempSync(join(tmpdir(), 'count-'));
writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfig);
const dynamo = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'us-east-1', credentials: creds });
await ensureReleaseTable(dynamo, 'tbl');
const root = new URL('..', import.meta.url).pathname;
const env = {
  QUAYSIDE_TABLE: 'tbl', QUAYSIDE_EVENT_BUS: 'quayside', QUAYSIDE_QUEUE_URL: queues.queueUrl,
  QUAYSIDE_KUBECONFIG: join(dir, 'kubeconfig'), QUAYSIDE_CHART_ROOTS: root, QUAYSIDE_FUNCTION_TIMEOUT_SECONDS: '900',
  AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'l', AWS_SECRET_ACCESS_KEY: 'l',
  AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint, AWS_ENDPOINT_URL_SQS: sqs.endpoint, AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
};
Object.assign(process.env, env);
const counts = new Map<string, number>();
const worker = await createWorker(readWorkerConfig(process.env), {
  instrument: (c: any) => {
    c.middlewareStack.add((next: any, ctx: any) => async (args: any) => {
      const key = `${ctx.clientName}.${ctx.commandName}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (ctx.commandName === 'GetItemCommand') console.log('  get', JSON.stringify(args.input.Key), new Error().stack?.split('\n').filter((l: string) => l.includes('/lib/') && !l.includes('node_modules') && !l.includes('dynamodb.ts')).slice(0, 4).map((l: string) => l.trim().replace(/^at /, '').replace(/\(.*\/lib\//, '(')).join(' < '));
      if (ctx.commandName === 'TransactWriteItemsCommand') console.log('  tx', args.input.TransactItems.map((t: any) => Object.keys(t)[0] + ':' + JSON.stringify((Object.values(t)[0] as any).Key ?? { pk: (Object.values(t)[0] as any).Item?.pk, sk: (Object.values(t)[0] as any).Item?.sk })).join(' '));
      return next(args);
    }, { step: 'initialize' });
    return c;
  },
});
async function one(i: number, action: string, values: object) {
  await client.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageGroupId: `g${i}`, MessageDeduplicationId: `d${i}-${action}`,
    MessageBody: JSON.stringify({ version: 'v1', requestId: `r-${i}-${action}-${Date.now()}`, action, release: { cluster: 'quayside-sim', namespace: 'default', name: `app${i}` },
      chart: { path: join(root, 'bench', 'charts', 'tiny') }, values, requestedBy: { principal: 'x', channel: 'ci' }, requestedAt: new Date().toISOString() }) }));
  const got = await client.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, MaxNumberOfMessages: 1, AttributeNames: ['All'], MessageSystemAttributeNames: ['All'] as any }));
  const rec = toSqsEventRecord(got.Messages![0]!, 'arn:aws:sqs:us-east-1:000000000000:q', 'us-east-1');
  counts.clear();
  const out = await worker.handle([rec], () => 600_000);
  console.log(action, i, Object.fromEntries(counts));
}
await one(1, 'install', {});

process.exit(0);
