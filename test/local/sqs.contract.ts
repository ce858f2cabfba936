import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** An SQS-API endpoint to check. */
export interface SqsEndpoint {
  readonly endpoint: string;
  stop(): Promise<void>;
}

let queues = 0;

/**
 * The SQS semantics quayside relies on (FIFO groups, deduplication, visibility, redrive to a
 * dead-letter queue, size limits), run against every SQS-API implementation the project uses,
 * with the real SDK client.
 */
export function sqsContract(name: string, start: () => Promise<SqsEndpoint>): void {
  describe(`SQS semantics on ${name}`, () => {
    let sqs: SqsEndpoint;
    let client: SQSClient;

    beforeAll(async () => {
      sqs = await start();
      client = new SQSClient({
        endpoint: sqs.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
    });
    afterAll(async () => {
      client.destroy();
      await sqs.stop();
    });

    async function fifo(attributes: Record<string, string> = {}) {
      queues += 1;
      const dlq = await client.send(
        new CreateQueueCommand({
          QueueName: `dlq-${process.pid}-${queues}.fifo`,
          Attributes: { FifoQueue: 'true' },
        }),
      );
      const dlqArn = (
        await client.send(
          new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
        )
      ).Attributes?.QueueArn;
      const main = await client.send(
        new CreateQueueCommand({
          QueueName: `q-${process.pid}-${queues}.fifo`,
          Attributes: {
            FifoQueue: 'true',
            VisibilityTimeout: '60',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
            ...attributes,
          },
        }),
      );
      return { url: main.QueueUrl as string, dlq: dlq.QueueUrl as string };
    }

    const send = (url: string, body: string, group: string, dedup = body) =>
      client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: body,
          MessageGroupId: group,
          MessageDeduplicationId: dedup,
        }),
      );
    const receive = async (url: string, max = 10) =>
      (
        await client.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: max,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ['All'],
            AttributeNames: ['All'],
          }),
        )
      ).Messages ?? [];

    it('delivers a group in order and holds its later messages while one is in flight, while other groups flow', async () => {
      const { url } = await fifo();
      await send(url, 'a1', 'a');
      await send(url, 'a2', 'a');
      await send(url, 'b1', 'b');
      const first = await receive(url, 1);
      expect(first.map((m) => m.Body)).toEqual(['a1']);
      // a1 is in flight: a2 waits behind it; b1 does not.
      expect((await receive(url)).map((m) => m.Body)).toEqual(['b1']);
      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0]?.ReceiptHandle }));
      expect((await receive(url)).map((m) => m.Body)).toEqual(['a2']);
    });

    it('drops a second message with the same deduplication id and answers with the first one', async () => {
      const { url } = await fifo();
      const one = await send(url, 'x', 'g', 'same');
      const two = await send(url, 'y', 'g', 'same');
      expect(two.MessageId).toBe(one.MessageId);
      expect((await receive(url)).map((m) => m.Body)).toEqual(['x']);
    });

    it('deduplicates by content when the queue says so', async () => {
      const { url } = await fifo({ ContentBasedDeduplication: 'true' });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'same', MessageGroupId: 'g' }));
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'same', MessageGroupId: 'g' }));
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'other', MessageGroupId: 'g' }));
      const got = await receive(url);
      expect(got.map((m) => m.Body)).toEqual(['same', 'other']);
    });

    it('makes a message visible again when its visibility is set to zero, counting receives', async () => {
      const { url } = await fifo();
      await send(url, 'm', 'g');
      const [first] = await receive(url);
      expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');
      expect(await receive(url)).toEqual([]);
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: first?.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      const [second] = await receive(url);
      expect(second?.Body).toBe('m');
      expect(second?.Attributes).toMatchObject({ ApproximateReceiveCount: '2', MessageGroupId: 'g' });
    });

    it('moves a message received maxReceiveCount times to the dead-letter queue on the next receive', async () => {
      const { url, dlq } = await fifo();
      await send(url, 'poison', 'g');
      await send(url, 'next', 'g');
      for (let i = 0; i < 2; i++) {
        const [message] = await receive(url, 1);
        expect(message?.Body).toBe('poison');
        await client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: url,
            ReceiptHandle: message?.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      }
      // The third receive moves the poison message away; the group's next message is delivered.
      expect((await receive(url, 1)).map((m) => m.Body)).toEqual(['next']);
      const dead = await receive(dlq);
      expect(dead.map((m) => m.Body)).toEqual(['poison']);
      expect(dead[0]?.Attributes?.MessageGroupId).toBe('g');
    });

    it('refuses a FIFO message without a group id, and one over 256 KiB, naming the limit', async () => {
      const { url } = await fifo();
      await expect(
        client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'x' })),
      ).rejects.toThrow(/MessageGroupId/);
      await expect(send(url, 'x'.repeat(256 * 1024 + 1), 'g', 'big')).rejects.toThrow(/262144 bytes/);
    });
  });
}
