import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeMessageVisibilityCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/kube/index.ts';
import {
  createRequestQueues,
  type LocalSqs,
  type RequestQueues,
  startLocalSqs,
} from '../../lib/local/index.ts';
import { openDriver, ReleaseStore } from '../../lib/store/index.ts';
import { type CliRun, repoRoot } from './cli-world.ts';

describe('quayside dlq', () => {
  let sqs: LocalSqs;
  let client: SQSClient;
  let queues: RequestQueues;
  let storeUrl: string;
  let env: Record<string, string>;

  const cli = (args: readonly string[]): Promise<CliRun> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        ['bin/quayside.js', 'dlq', ...args],
        { env, cwd: repoRoot },
        (error, stdout, stderr) => {
          const code = error ? ((error as { code?: number }).code ?? 1) : 0;
          done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
        },
      );
    });

  /** Sends a request and receives it until the queue moves it to the DLQ (five receives, then one more). */
  async function kill(requestId: string, name: string): Promise<void> {
    const release = { cluster: 'prod', namespace: 'shop', name };
    await client.send(
      new SendMessageCommand({
        QueueUrl: queues.queueUrl,
        MessageGroupId: `prod/shop/${name}`,
        MessageDeduplicationId: requestId,
        MessageBody: JSON.stringify({
          version: 'v1',
          requestId,
          action: 'upgrade',
          release,
          values: { password: 'hunter2' },
        }),
      }),
    );
    for (let i = 0; i < 6; i++) {
      const [message] =
        (await client.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, WaitTimeSeconds: 0 })))
          .Messages ?? [];
      if (message === undefined) return;
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queues.queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
  }

  beforeAll(async () => {
    sqs = await startLocalSqs({ clock: systemClock });
    client = new SQSClient({
      endpoint: sqs.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    queues = await createRequestQueues(client);
    storeUrl = `file://${mkdtempSync(join(tmpdir(), 'quayside-dlq-store-'))}`;
    const store = new ReleaseStore(await openDriver(storeUrl));
    await kill('checkout-1', 'checkout');
    await kill('cart-7', 'cart');
    await store.recordRejection({
      requestId: 'checkout-1',
      reason: 'unexpected StoreError on receive 5; giving up so that it does not retry forever',
    });
    env = {
      ...(process.env as Record<string, string>),
      QUAYSIDE_QUEUE_URL: queues.queueUrl,
      QUAYSIDE_STORE: storeUrl,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'quayside',
      AWS_SECRET_ACCESS_KEY: 'quayside',
    };
  }, 60_000);
  afterAll(async () => {
    client.destroy();
    await sqs.close();
  });

  it('lists each dead request with its release, action, receive count and why the worker gave up, never its values', async () => {
    const run = await cli(['list']);
    expect(run.code, run.stderr).toBe(0);
    // Columns as helm prints them (tab-separated, padded): compared with single spaces.
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => line.replace(/\s+/g, ' ').trim());
    expect(lines[0]).toBe('REQUEST ID RELEASE ACTION RECEIVES SENT LAST ERROR');
    expect(lines.find((l) => l.startsWith('checkout-1'))).toMatch(
      /prod\/shop\/checkout\s+upgrade\s+\d+\s+\S+\s+unexpected StoreError on receive 5/,
    );
    expect(lines.find((l) => l.startsWith('cart-7'))).toMatch(/prod\/shop\/cart\s+upgrade\s+\d+\s+\S+\s+-$/);
    expect(run.stdout).not.toContain('hunter2');
    const json = await cli(['list', '-o', 'json']);
    expect(
      JSON.parse(json.stdout)
        .map((d: { requestId: string }) => d.requestId)
        .sort(),
    ).toEqual(['cart-7', 'checkout-1']);
  });

  it('sends one request back to its own message group and removes it from the DLQ', async () => {
    const run = await cli(['redrive', '--request', 'cart-7']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('sent back: cart-7 (prod/shop/cart)\n');
    const back = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.queueUrl,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(
      back.Messages?.map((m) => [JSON.parse(m.Body ?? '{}').requestId, m.Attributes?.MessageGroupId]),
    ).toEqual([['cart-7', 'prod/shop/cart']]);
    const left = await cli(['list', '-o', 'json']);
    expect(JSON.parse(left.stdout).map((d: { requestId: string }) => d.requestId)).toEqual(['checkout-1']);
    const missing = await cli(['redrive', '--request', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('request nope is not in the dead-letter queue');
  });

  it('says what is missing when no queue is given', async () => {
    env.QUAYSIDE_QUEUE_URL = '';
    const run = await cli(['list']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no queue: give --queue-url or set QUAYSIDE_QUEUE_URL');
  });
});
