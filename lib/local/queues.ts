import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { AUTOMATION_SETTINGS } from '../automation/index.ts';
import { QUEUE_SETTINGS } from '../requests/index.ts';

export interface RequestQueues {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
}

/** The request FIFO queue and its dead-letter queue, with the settings the CDK stack gives them. */
export async function createRequestQueues(client: SQSClient): Promise<RequestQueues> {
  const arnOf = async (url: string | undefined) =>
    (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
      .Attributes?.QueueArn as string;
  const dlq = await client.send(
    new CreateQueueCommand({
      QueueName: QUEUE_SETTINGS.deadLetterQueueName,
      Attributes: { FifoQueue: 'true', MessageRetentionPeriod: String(QUEUE_SETTINGS.retentionSeconds) },
    }),
  );
  const main = await client.send(
    new CreateQueueCommand({
      QueueName: QUEUE_SETTINGS.queueName,
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: String(QUEUE_SETTINGS.contentBasedDeduplication),
        VisibilityTimeout: String(QUEUE_SETTINGS.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(QUEUE_SETTINGS.retentionSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: await arnOf(dlq.QueueUrl),
          maxReceiveCount: QUEUE_SETTINGS.maxReceiveCount,
        }),
      },
    }),
  );
  return {
    queueUrl: main.QueueUrl as string,
    queueArn: await arnOf(main.QueueUrl),
    deadLetterQueueUrl: dlq.QueueUrl as string,
  };
}

/** The schedules' dead-letter queue: a standard queue, as EventBridge Scheduler requires. */
export async function createAutomationDeadLetterQueue(
  client: SQSClient,
): Promise<{ url: string; arn: string }> {
  const created = await client.send(
    new CreateQueueCommand({
      QueueName: AUTOMATION_SETTINGS.automationDeadLetterQueueName,
      Attributes: { MessageRetentionPeriod: String(QUEUE_SETTINGS.retentionSeconds) },
    }),
  );
  const url = created.QueueUrl as string;
  const attributes = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { url, arn: attributes.Attributes?.QueueArn as string };
}
