import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { QuaysideError } from '../domain/index.ts';
import type { ReleaseStore } from '../store/index.ts';

/** A request in the dead-letter queue, as `quayside dlq list` shows it. Never its values. */
export interface DeadRequest {
  readonly messageId: string;
  readonly requestId?: string;
  readonly release?: string;
  readonly action?: string;
  /** SQS's count: the receives that used it up, and the DLQ's own (each listing is one). */
  readonly receiveCount: number;
  readonly groupId?: string;
  readonly sentAt?: string;
  /** Why the worker gave up on it, when it recorded why (a crash or timeout records nothing). */
  readonly lastError?: string;
}

/** The DLQ cannot be found or read. */
export class DeadLetterQueueError extends QuaysideError {}

/** How long listed messages stay hidden from other readers while they are listed. */
const HOLD_SECONDS = 30;
/** FIFO deduplication ids are at most 128 characters. */
const MAX_DEDUP_ID = 128;

/**
 * The dead-letter queue of a request queue, from its redrive policy.
 * @throws DeadLetterQueueError when the queue has no redrive policy or the DLQ is gone.
 */
export async function deadLetterQueueOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
  );
  const policy = attributes.Attributes?.RedrivePolicy;
  if (policy === undefined) throw new DeadLetterQueueError(`the queue ${queueUrl} has no dead-letter queue`);
  const name = String((JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn)
    .split(':')
    .pop();
  const found = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  return found.QueueUrl as string;
}

/**
 * Reads every message of the DLQ (holding each briefly, then letting it go) and returns what
 * it is: request id, release, action, receive count, and why the worker gave up when it said.
 */
export async function listDeadRequests(input: {
  sqs: SQSClient;
  deadLetterQueueUrl: string;
  store?: ReleaseStore;
  /** At most this many (default 100). */
  limit?: number;
}): Promise<DeadRequest[]> {
  const messages = await holdAll(input.sqs, input.deadLetterQueueUrl, input.limit ?? 100);
  try {
    return await Promise.all(messages.map((m) => describe(m, input.store)));
  } finally {
    await release(input.sqs, input.deadLetterQueueUrl, messages);
  }
}

/**
 * Sends dead requests back to the request queue, each in its original message group (so it runs
 * in order with that release's other requests), and removes them from the DLQ. A new deduplication
 * id lets it through even within SQS's five-minute window; the request id is the same, so a
 * request that had made a revision before it died is answered, not run twice.
 * Returns the requests sent back.
 */
export async function redriveDeadRequests(input: {
  sqs: SQSClient;
  queueUrl: string;
  deadLetterQueueUrl: string;
  /** Only this request; all of them when absent. */
  requestId?: string;
  now?: () => number;
}): Promise<DeadRequest[]> {
  const messages = await holdAll(input.sqs, input.deadLetterQueueUrl, 1000);
  const chosen = messages.filter((m) => input.requestId === undefined || requestIdOf(m) === input.requestId);
  const others = messages.filter((m) => !chosen.includes(m));
  const sent: DeadRequest[] = [];
  try {
    for (const message of chosen) {
      const group = message.Attributes?.MessageGroupId;
      const original = message.Attributes?.MessageDeduplicationId ?? message.MessageId ?? '';
      const stamp = (input.now ?? Date.now)();
      await input.sqs.send(
        new SendMessageCommand({
          QueueUrl: input.queueUrl,
          MessageBody: message.Body,
          MessageGroupId: group,
          MessageDeduplicationId: redriveId(original, stamp),
        }),
      );
      await input.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: input.deadLetterQueueUrl,
          ReceiptHandle: message.ReceiptHandle,
        }),
      );
      sent.push(await describe(message, undefined));
    }
  } finally {
    await release(input.sqs, input.deadLetterQueueUrl, others);
  }
  return sent;
}

function redriveId(original: string, stamp: number): string {
  const id = `${original}.redrive.${stamp}`;
  return id.length <= MAX_DEDUP_ID ? id : createHash('sha256').update(id).digest('hex');
}

/** Receives until the queue gives nothing more, each message held for a while. */
async function holdAll(sqs: SQSClient, url: string, limit: number): Promise<Message[]> {
  const held: Message[] = [];
  while (held.length < limit) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.min(10, limit - held.length),
        WaitTimeSeconds: 0,
        VisibilityTimeout: HOLD_SECONDS,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = answer.Messages ?? [];
    if (messages.length === 0) break;
    held.push(...messages);
  }
  return held;
}

/** Makes held messages visible again at once. */
async function release(sqs: SQSClient, url: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const slice = messages.slice(i, i + 10);
    await sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: slice.map((m, j) => ({
            Id: String(i + j),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      )
      .catch(() => {});
  }
}

async function describe(message: Message, store: ReleaseStore | undefined): Promise<DeadRequest> {
  const body = parseBody(message.Body);
  const release = body?.release;
  const requestId = typeof body?.requestId === 'string' ? body.requestId : undefined;
  const rejection =
    requestId === undefined ? undefined : await store?.findRejection(requestId).catch(() => undefined);
  const sent = Number(message.Attributes?.SentTimestamp);
  return {
    messageId: message.MessageId ?? '',
    ...(requestId === undefined ? {} : { requestId }),
    ...(release === undefined ? {} : { release: `${release.cluster}/${release.namespace}/${release.name}` }),
    ...(typeof body?.action === 'string' ? { action: body.action } : {}),
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    ...(message.Attributes?.MessageGroupId === undefined
      ? {}
      : { groupId: message.Attributes.MessageGroupId }),
    ...(Number.isFinite(sent) ? { sentAt: new Date(sent).toISOString() } : {}),
    ...(rejection === undefined ? {} : { lastError: rejection.reason }),
  };
}

function parseBody(
  text: string | undefined,
):
  | { requestId?: unknown; action?: unknown; release?: { cluster: string; namespace: string; name: string } }
  | undefined {
  try {
    const body = JSON.parse(text ?? '') as Record<string, unknown>;
    const release = body.release as Record<string, unknown> | undefined;
    const valid =
      release !== undefined && ['cluster', 'namespace', 'name'].every((k) => typeof release[k] === 'string');
    return {
      requestId: body.requestId,
      action: body.action,
      ...(valid ? { release: release as { cluster: string; namespace: string; name: string } } : {}),
    };
  } catch {
    return undefined;
  }
}

function requestIdOf(message: Message): string | undefined {
  const id = parseBody(message.Body)?.requestId;
  return typeof id === 'string' ? id : undefined;
}
