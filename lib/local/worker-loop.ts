import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  type BatchDependencies,
  type MessageOutcome,
  processBatch,
  type QueueMessage,
  retryDelaySeconds,
} from '../requests/index.ts';

/** A message as the queue holds it, enough to send it again after a restart. */
export interface HeldMessage {
  readonly body: string;
  readonly groupId: string;
  readonly deduplicationId: string;
}

export interface WorkerLoopOptions extends Omit<BatchDependencies, 'startDeadline'> {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** Seconds one receive waits for messages; short, so that stopping is quick. */
  readonly waitSeconds?: number;
  readonly onOutcome?: (outcome: MessageOutcome, message: QueueMessage) => void;
}

export interface WorkerLoop {
  /** Stops receiving and resolves once the batch in hand is finished. */
  stop(): Promise<void>;
  /** Messages this loop put back for a later retry and has not seen again: they are invisible in the queue. */
  heldForRetry(): HeldMessage[];
}

/**
 * The local stack's worker: receive a batch, run it through the same
 * request-processing core as the Lambda worker, delete what is done or
 * rejected, and put back what should be retried after a growing delay.
 */
export function startWorkerLoop(options: WorkerLoopOptions): WorkerLoop {
  let stopping = false;
  const held = new Map<string, HeldMessage>();
  const loop = (async () => {
    while (!stopping) {
      const received = await options.client.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: options.waitSeconds ?? 1,
          MessageSystemAttributeNames: [
            'ApproximateReceiveCount',
            'MessageGroupId',
            'MessageDeduplicationId',
          ],
        }),
      );
      const messages = received.Messages ?? [];
      if (messages.length === 0) continue;
      const batch = messages.map(toQueueMessage);
      const outcomes = await processBatch(batch, options);
      await Promise.all(
        outcomes.map((outcome, i) =>
          settle(options, messages[i] as Message, batch[i] as QueueMessage, outcome, held),
        ),
      );
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      await loop;
    },
    heldForRetry: () => [...held.values()],
  };
}

function toQueueMessage(message: Message): QueueMessage {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    body: message.Body ?? '',
    receiveCount: Number(attributes.ApproximateReceiveCount ?? '1'),
    ...(attributes.MessageGroupId === undefined ? {} : { groupId: attributes.MessageGroupId }),
  };
}

async function settle(
  options: WorkerLoopOptions,
  message: Message,
  queued: QueueMessage,
  outcome: MessageOutcome,
  held: Map<string, HeldMessage>,
): Promise<void> {
  options.onOutcome?.(outcome, queued);
  const key = message.Attributes?.MessageDeduplicationId ?? queued.messageId;
  if (outcome.outcome === 'retry') {
    held.set(key, {
      body: queued.body,
      groupId: queued.groupId ?? 'default',
      deduplicationId: key,
    });
    await options.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: options.queueUrl,
        ReceiptHandle: message.ReceiptHandle,
        VisibilityTimeout: retryDelaySeconds(queued.receiveCount),
      }),
    );
    return;
  }
  held.delete(key);
  await options.client.send(
    new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }),
  );
}
