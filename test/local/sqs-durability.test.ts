import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = new URL('./fixtures/sqs-process.ts', import.meta.url).pathname;
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts the local SQS in a child process and resolves with its endpoint. */
async function startProcess(
  dataDir: string,
  port?: number,
): Promise<{ endpoint: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', SCRIPT, dataDir, ...(port ? [String(port)] : [])],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the SQS process exited with ${code}`)));
  });
  return { endpoint, child };
}

function clientFor(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
}

describe('the local SQS across kill -9', () => {
  it('keeps every acknowledged message, its receive count and visibility, and what it dead-lettered', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'quayside-sqs-durable-'));
    const first = await startProcess(dataDir);
    let sqs = clientFor(first.endpoint);
    const dlq = await sqs.send(
      new CreateQueueCommand({ QueueName: 'dead.fifo', Attributes: { FifoQueue: 'true' } }),
    );
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'requests.fifo',
        Attributes: {
          FifoQueue: 'true',
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dead.fifo',
            maxReceiveCount: 2,
          }),
        },
      }),
    );
    const send = (body: string, group: string) =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: queue.QueueUrl,
          MessageBody: body,
          MessageGroupId: group,
          MessageDeduplicationId: body,
        }),
      );
    const receive = async (url = queue.QueueUrl, visibility?: number) =>
      (
        await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ['All'],
            ...(visibility === undefined ? {} : { VisibilityTimeout: visibility }),
          }),
        )
      ).Messages ?? [];
    // 'poison' is received twice (maxReceiveCount 2) and moved to the dead-letter queue by the third receive.
    await send('poison', 'a');
    for (let i = 0; i < 2; i++)
      expect((await receive(queue.QueueUrl, 0)).map((m) => m.Body)).toEqual(['poison']);
    expect(await receive()).toEqual([]);
    // 'in-flight' is received and still invisible when the process dies; 'queued' was never received.
    await send('in-flight', 'b');
    const [held] = await receive(queue.QueueUrl, 3);
    const heldAt = Date.now();
    expect(held?.Body).toBe('in-flight');
    await send('queued', 'c');

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await startProcess(dataDir, Number(new URL(first.endpoint).port));
    sqs.destroy();
    sqs = clientFor(second.endpoint);

    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['All'] }),
    );
    expect(attributes.Attributes?.RedrivePolicy).toContain('dead.fifo');
    // Nothing resurrected, nothing lost: the in-flight message stays invisible until its time is up.
    expect((await receive()).map((m) => m.Body)).toEqual(['queued']);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, heldAt + 3_100 - Date.now())));
    const back = await receive();
    expect(back.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['in-flight', '2']]);
    const dead = await receive(dlq.QueueUrl);
    expect(dead.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['poison', '3']]);
    sqs.destroy();
  }, 30_000);
});
