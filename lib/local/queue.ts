import { once } from 'node:events';
import type { Server } from 'node:http';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';
import { QUEUE_SETTINGS } from '../requests/index.ts';

export interface LocalQueue {
  /** `http://127.0.0.1:PORT`, the SQS endpoint. */
  readonly endpoint: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly client: SQSClient;
  stop(): Promise<void>;
}

/** Credentials the local queue accepts (it checks none). */
export const LOCAL_SQS_CREDENTIALS = { accessKeyId: 'quayside', secretAccessKey: 'quayside' } as const;

/**
 * An SQS-API server in this process (npm `local-aws-sqs`) with the request
 * FIFO queue and its DLQ, redriven as the stack redrives them.
 */
export async function startLocalQueue(options: { port?: number } = {}): Promise<LocalQueue> {
  const server: Server = await createSqsServer({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    emulateQueueCreationLifecycle: false,
  });
  if (!server.listening) await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SQSClient({ endpoint, region: 'us-east-1', credentials: LOCAL_SQS_CREDENTIALS });
  const dlq = await client.send(
    new CreateQueueCommand({
      QueueName: QUEUE_SETTINGS.deadLetterQueueName,
      Attributes: { FifoQueue: 'true', MessageRetentionPeriod: String(QUEUE_SETTINGS.retentionSeconds) },
    }),
  );
  const dlqArn = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const main = await client.send(
    new CreateQueueCommand({
      QueueName: QUEUE_SETTINGS.queueName,
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        VisibilityTimeout: String(QUEUE_SETTINGS.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(QUEUE_SETTINGS.retentionSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn.Attributes?.QueueArn,
          maxReceiveCount: QUEUE_SETTINGS.maxReceiveCount,
        }),
      },
    }),
  );
  return {
    endpoint,
    queueUrl: main.QueueUrl as string,
    deadLetterQueueUrl: dlq.QueueUrl as string,
    client,
    stop: async () => {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
