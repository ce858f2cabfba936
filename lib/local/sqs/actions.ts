import { createHash } from 'node:crypto';
import type { Clock } from '../../domain/index.ts';
import { SqsFault } from './errors.ts';
import type { Journal } from './journal.ts';
import {
  DEDUP_WINDOW_MS,
  type MessageAttributeValue,
  md5,
  md5OfAttributes,
  type Queue,
  type QueueAttributes,
  type StoredMessage,
} from './state.ts';

interface ActionDeps {
  readonly journal: Journal;
  readonly clock: Clock;
  readonly ids: () => string;
  readonly urlOf: (name: string) => string;
  readonly arnOf: (name: string) => string;
  /** Tells long-polling receives that something changed. */
  readonly wake: () => void;
  /** Resolves after `ms`, or sooner when something changes or the caller goes away. */
  readonly waitForMessages: (ms: number, signal: AbortSignal) => Promise<void>;
}

type Body = Record<string, unknown>;

const MAX_BATCH = 10;
const MAX_MESSAGE_BYTES = 262_144;
const MAX_VISIBILITY_SECONDS = 43_200;
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
/** Characters SQS accepts in a message (XML 1.0's): tab, newline, return and the usual planes. */
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'MessageGroupId',
  'MessageDeduplicationId',
  'SequenceNumber',
] as const;

/** The SQS actions the local server answers, each from the JSON body SQS's JSON protocol sends. */
export function sqsActions(deps: ActionDeps) {
  const { journal, clock } = deps;
  const state = journal.state;

  function queueOf(body: Body): Queue {
    const url = requireString(body, 'QueueUrl');
    const name = url.split('/').pop() ?? '';
    const queue = state.queues.get(name);
    if (!queue) throw new SqsFault('QueueDoesNotExist', 'The specified queue does not exist.');
    return queue;
  }

  function nameFromArn(arn: string): string {
    return arn.split(':').pop() ?? '';
  }

  function parseAttributes(
    name: string,
    raw: Record<string, string>,
    base?: QueueAttributes,
  ): QueueAttributes {
    const number = (key: string, fallback: number, min: number, max: number) => {
      const text = raw[key];
      if (text === undefined) return fallback;
      const value = Number(text);
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new SqsFault('InvalidAttributeValue', `Invalid value for the parameter ${key}.`);
      }
      return value;
    };
    const fifo =
      raw.FifoQueue === undefined ? (base?.fifo ?? name.endsWith('.fifo')) : raw.FifoQueue === 'true';
    if (fifo !== name.endsWith('.fifo')) {
      throw new SqsFault(
        'InvalidParameterValue',
        'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix.',
      );
    }
    let redrive = base?.redrive;
    if (raw.RedrivePolicy !== undefined) {
      if (raw.RedrivePolicy === '') redrive = undefined;
      else {
        const policy = JSON.parse(raw.RedrivePolicy) as {
          deadLetterTargetArn?: string;
          maxReceiveCount?: number | string;
        };
        const target = state.queues.get(nameFromArn(policy.deadLetterTargetArn ?? ''));
        const maxReceiveCount = Number(policy.maxReceiveCount);
        if (!target || !Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
          throw new SqsFault(
            'InvalidParameterValue',
            'Value for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not exist or maxReceiveCount is out of range.',
          );
        }
        if (target.attributes.fifo !== fifo) {
          throw new SqsFault(
            'InvalidParameterValue',
            'Value for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source.',
          );
        }
        redrive = { deadLetterTargetArn: policy.deadLetterTargetArn as string, maxReceiveCount };
      }
    }
    return {
      fifo,
      contentBasedDeduplication:
        raw.ContentBasedDeduplication === undefined
          ? (base?.contentBasedDeduplication ?? false)
          : raw.ContentBasedDeduplication === 'true',
      visibilityTimeoutSeconds: number(
        'VisibilityTimeout',
        base?.visibilityTimeoutSeconds ?? 30,
        0,
        MAX_VISIBILITY_SECONDS,
      ),
      retentionSeconds: number('MessageRetentionPeriod', base?.retentionSeconds ?? 345_600, 60, 1_209_600),
      delaySeconds: number('DelaySeconds', base?.delaySeconds ?? 0, 0, 900),
      maximumMessageSize: number(
        'MaximumMessageSize',
        base?.maximumMessageSize ?? MAX_MESSAGE_BYTES,
        1024,
        MAX_MESSAGE_BYTES,
      ),
      receiveWaitSeconds: number('ReceiveMessageWaitTimeSeconds', base?.receiveWaitSeconds ?? 0, 0, 20),
      ...(redrive === undefined ? {} : { redrive }),
    };
  }

  function attributesOut(queue: Queue): Record<string, string> {
    const now = clock.now();
    const a = queue.attributes;
    const visible = queue.messages.filter((m) => m.visibleAt <= now).length;
    const inFlight = queue.messages.filter((m) => m.visibleAt > now && m.receiveCount > 0).length;
    return {
      QueueArn: deps.arnOf(queue.name),
      ApproximateNumberOfMessages: String(visible),
      ApproximateNumberOfMessagesNotVisible: String(inFlight),
      ApproximateNumberOfMessagesDelayed: String(queue.messages.length - visible - inFlight),
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      VisibilityTimeout: String(a.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(a.retentionSeconds),
      DelaySeconds: String(a.delaySeconds),
      MaximumMessageSize: String(a.maximumMessageSize),
      ReceiveMessageWaitTimeSeconds: String(a.receiveWaitSeconds),
      ...(a.fifo
        ? { FifoQueue: 'true', ContentBasedDeduplication: String(a.contentBasedDeduplication) }
        : {}),
      ...(a.redrive === undefined ? {} : { RedrivePolicy: JSON.stringify(a.redrive) }),
    };
  }

  async function send(queue: Queue, entry: Body) {
    const body = requireString(entry, 'MessageBody');
    if (INVALID_CHARACTER.test(body)) {
      throw new SqsFault(
        'InvalidMessageContents',
        'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
      );
    }
    const attributes = entry.MessageAttributes as Record<string, MessageAttributeValue> | undefined;
    const limit = queue.attributes.maximumMessageSize;
    if (messageBytes(body, attributes) > limit) {
      throw new SqsFault(
        'InvalidParameterValue',
        `One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`,
      );
    }
    const now = clock.now();
    let groupId: string | undefined;
    let deduplicationId: string | undefined;
    let visibleAt = now + queue.attributes.delaySeconds * 1000;
    if (queue.attributes.fifo) {
      groupId = requireString(entry, 'MessageGroupId');
      if (entry.DelaySeconds !== undefined && entry.DelaySeconds !== 0) {
        throw new SqsFault(
          'InvalidParameterValue',
          `Value ${entry.DelaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`,
        );
      }
      deduplicationId =
        typeof entry.MessageDeduplicationId === 'string'
          ? entry.MessageDeduplicationId
          : queue.attributes.contentBasedDeduplication
            ? createHash('sha256').update(body, 'utf8').digest('hex')
            : undefined;
      if (deduplicationId === undefined) {
        throw new SqsFault(
          'InvalidParameterValue',
          'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      }
      const seen = queue.dedup.get(deduplicationId);
      if (seen !== undefined && now - seen.at <= DEDUP_WINDOW_MS) {
        return { messageId: seen.messageId, sequenceNumber: seen.sequenceNumber, body, attributes };
      }
    } else if (typeof entry.DelaySeconds === 'number') {
      visibleAt = now + entry.DelaySeconds * 1000;
    }
    const messageId = deps.ids();
    const sequenceNumber = queue.attributes.fifo ? String(queue.sequence + 1).padStart(20, '0') : undefined;
    await journal.record({
      op: 'send',
      queue: queue.name,
      message: {
        messageId,
        body,
        ...(attributes === undefined ? {} : { attributes }),
        ...(groupId === undefined ? {} : { groupId }),
        ...(deduplicationId === undefined ? {} : { deduplicationId }),
        ...(sequenceNumber === undefined ? {} : { sequenceNumber }),
        sentAt: now,
        visibleAt,
      },
    });
    deps.wake();
    return { messageId, sequenceNumber, body, attributes };
  }

  const sendAnswer = (sent: Awaited<ReturnType<typeof send>>) => ({
    MessageId: sent.messageId,
    MD5OfMessageBody: md5(sent.body),
    ...(sent.attributes === undefined ? {} : { MD5OfMessageAttributes: md5OfAttributes(sent.attributes) }),
    ...(sent.sequenceNumber === undefined ? {} : { SequenceNumber: sent.sequenceNumber }),
  });

  /** Messages a receive may take now, in order, moving those past maxReceiveCount to the dead-letter queue. */
  async function take(queue: Queue, max: number, visibilitySeconds: number): Promise<StoredMessage[]> {
    const now = clock.now();
    state.expire(now);
    const blocked = new Set<string>();
    const taken: StoredMessage[] = [];
    for (const message of [...queue.messages]) {
      if (taken.length >= max) break;
      const group = queue.attributes.fifo ? message.groupId : undefined;
      if (group !== undefined && blocked.has(group)) continue;
      if (message.visibleAt > now) {
        // In flight or delayed: in a FIFO queue, the rest of its group waits behind it.
        if (group !== undefined) blocked.add(group);
        continue;
      }
      const redrive = queue.attributes.redrive;
      if (redrive !== undefined && message.receiveCount >= redrive.maxReceiveCount) {
        await journal.record({
          op: 'dead-letter',
          queue: queue.name,
          messageId: message.messageId,
          to: nameFromArn(redrive.deadLetterTargetArn),
          at: now,
        });
        continue;
      }
      await journal.record({
        op: 'receive',
        queue: queue.name,
        messageId: message.messageId,
        at: now,
        visibleAt: now + visibilitySeconds * 1000,
        receiptHandle: `${deps.ids()}.${message.messageId}`,
      });
      taken.push(message);
    }
    return taken;
  }

  function messageOut(message: StoredMessage, body: Body): Record<string, unknown> {
    const names = new Set([
      ...((body.AttributeNames as string[] | undefined) ?? []),
      ...((body.MessageSystemAttributeNames as string[] | undefined) ?? []),
    ]);
    const all = names.has('All');
    const system: Record<string, string | undefined> = {
      SenderId: 'AIDAQUAYSIDELOCAL',
      SentTimestamp: String(message.sentAt),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt ?? message.sentAt),
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.deduplicationId,
      SequenceNumber: message.sequenceNumber,
    };
    const attributes = Object.fromEntries(
      SYSTEM_ATTRIBUTES.filter((name) => (all || names.has(name)) && system[name] !== undefined).map(
        (name) => [name, system[name] as string],
      ),
    );
    const wanted = (body.MessageAttributeNames as string[] | undefined) ?? [];
    const userAttributes = Object.fromEntries(
      Object.entries(message.attributes ?? {}).filter(
        ([name]) => wanted.includes('All') || wanted.includes('.*') || wanted.includes(name),
      ),
    );
    return {
      MessageId: message.messageId,
      ReceiptHandle: message.receiptHandle,
      MD5OfBody: md5(message.body),
      Body: message.body,
      ...(Object.keys(attributes).length === 0 ? {} : { Attributes: attributes }),
      ...(Object.keys(userAttributes).length === 0
        ? {}
        : { MessageAttributes: userAttributes, MD5OfMessageAttributes: md5OfAttributes(userAttributes) }),
    };
  }

  function inFlight(queue: Queue, receiptHandle: string): StoredMessage {
    const message = queue.messages.find((m) => m.receiptHandle === receiptHandle);
    if (message === undefined) {
      throw new SqsFault(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`,
      );
    }
    return message;
  }

  async function remove(queue: Queue, receiptHandle: string): Promise<void> {
    const message = inFlight(queue, receiptHandle);
    await journal.record({ op: 'delete', queue: queue.name, messageId: message.messageId });
    deps.wake();
  }

  async function changeVisibility(queue: Queue, receiptHandle: string, seconds: unknown): Promise<void> {
    const value = Number(seconds);
    if (!Number.isInteger(value) || value < 0 || value > MAX_VISIBILITY_SECONDS) {
      throw new SqsFault(
        'InvalidParameterValue',
        `Value ${String(seconds)} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`,
      );
    }
    const message = inFlight(queue, receiptHandle);
    if (message.visibleAt <= clock.now()) {
      throw new SqsFault('MessageNotInflight', 'The message referred to is not in flight.');
    }
    await journal.record({
      op: 'visibility',
      queue: queue.name,
      messageId: message.messageId,
      visibleAt: clock.now() + value * 1000,
    });
    deps.wake();
  }

  return {
    async CreateQueue(body: Body) {
      const name = requireString(body, 'QueueName');
      const fifoName = name.endsWith('.fifo') ? name.slice(0, -5) : name;
      if (!QUEUE_NAME.test(fifoName)) {
        throw new SqsFault(
          'InvalidParameterValue',
          'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
        );
      }
      const raw = (body.Attributes as Record<string, string> | undefined) ?? {};
      const attributes = parseAttributes(name, raw);
      const existing = state.queues.get(name);
      if (existing) {
        if (JSON.stringify(existing.attributes) !== JSON.stringify(attributes)) {
          throw new SqsFault(
            'QueueNameExists',
            'A queue already exists with the same name and a different value for attribute(s)',
          );
        }
      } else {
        await journal.record({ op: 'create', name, at: clock.now(), attributes });
      }
      return { QueueUrl: deps.urlOf(name) };
    },
    async GetQueueUrl(body: Body) {
      const name = requireString(body, 'QueueName');
      if (!state.queues.has(name))
        throw new SqsFault('QueueDoesNotExist', 'The specified queue does not exist.');
      return { QueueUrl: deps.urlOf(name) };
    },
    async ListQueues(body: Body) {
      const prefix = typeof body.QueueNamePrefix === 'string' ? body.QueueNamePrefix : '';
      return { QueueUrls: [...state.queues.keys()].filter((n) => n.startsWith(prefix)).map(deps.urlOf) };
    },
    async DeleteQueue(body: Body) {
      const queue = queueOf(body);
      await journal.record({ op: 'delete-queue', name: queue.name });
      return {};
    },
    async PurgeQueue(body: Body) {
      await journal.record({ op: 'purge', queue: queueOf(body).name });
      return {};
    },
    async GetQueueAttributes(body: Body) {
      const all = attributesOut(queueOf(body));
      const names = (body.AttributeNames as string[] | undefined) ?? ['All'];
      return {
        Attributes: names.includes('All')
          ? all
          : Object.fromEntries(Object.entries(all).filter(([k]) => names.includes(k))),
      };
    },
    async SetQueueAttributes(body: Body) {
      const queue = queueOf(body);
      const attributes = parseAttributes(
        queue.name,
        (body.Attributes as Record<string, string>) ?? {},
        queue.attributes,
      );
      await journal.record({ op: 'set-attributes', name: queue.name, attributes });
      return {};
    },
    async SendMessage(body: Body) {
      return sendAnswer(await send(queueOf(body), body));
    },
    async SendMessageBatch(body: Body) {
      const queue = queueOf(body);
      const entries = batchEntries(body);
      const total = entries.reduce(
        (sum, e) =>
          sum +
          messageBytes(
            String(e.MessageBody ?? ''),
            e.MessageAttributes as Record<string, MessageAttributeValue> | undefined,
          ),
        0,
      );
      if (total > MAX_MESSAGE_BYTES) {
        throw new SqsFault(
          'BatchRequestTooLong',
          `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes.`,
        );
      }
      const Successful: unknown[] = [];
      const Failed: unknown[] = [];
      for (const entry of entries) {
        try {
          Successful.push({ Id: entry.Id, ...sendAnswer(await send(queue, entry)) });
        } catch (error) {
          if (!(error instanceof SqsFault)) throw error;
          Failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
        }
      }
      return { Successful, Failed };
    },
    async ReceiveMessage(body: Body, signal: AbortSignal) {
      const queue = queueOf(body);
      const max = Number(body.MaxNumberOfMessages ?? 1);
      if (!Number.isInteger(max) || max < 1 || max > MAX_BATCH) {
        throw new SqsFault(
          'InvalidParameterValue',
          `Value ${String(body.MaxNumberOfMessages)} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
        );
      }
      const visibility = Number(body.VisibilityTimeout ?? queue.attributes.visibilityTimeoutSeconds);
      const waitSeconds = Number(body.WaitTimeSeconds ?? queue.attributes.receiveWaitSeconds);
      const until = clock.now() + Math.min(20, Math.max(0, waitSeconds)) * 1000;
      for (;;) {
        const taken = await take(queue, max, visibility);
        if (taken.length > 0 || clock.now() >= until || signal.aborted) {
          return taken.length === 0 ? {} : { Messages: taken.map((m) => messageOut(m, body)) };
        }
        await deps.waitForMessages(until - clock.now(), signal);
      }
    },
    async DeleteMessage(body: Body) {
      await remove(queueOf(body), requireString(body, 'ReceiptHandle'));
      return {};
    },
    async DeleteMessageBatch(body: Body) {
      const queue = queueOf(body);
      return settleBatch(batchEntries(body), (entry) => remove(queue, requireString(entry, 'ReceiptHandle')));
    },
    async ChangeMessageVisibility(body: Body) {
      await changeVisibility(queueOf(body), requireString(body, 'ReceiptHandle'), body.VisibilityTimeout);
      return {};
    },
    async ChangeMessageVisibilityBatch(body: Body) {
      const queue = queueOf(body);
      return settleBatch(batchEntries(body), (entry) =>
        changeVisibility(queue, requireString(entry, 'ReceiptHandle'), entry.VisibilityTimeout),
      );
    },
  };
}

async function settleBatch(entries: Body[], run: (entry: Body) => Promise<void>) {
  const Successful: unknown[] = [];
  const Failed: unknown[] = [];
  for (const entry of entries) {
    try {
      await run(entry);
      Successful.push({ Id: entry.Id });
    } catch (error) {
      if (!(error instanceof SqsFault)) throw error;
      Failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
    }
  }
  return { Successful, Failed };
}

function batchEntries(body: Body): Body[] {
  const entries = body.Entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new SqsFault(
      'EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    );
  }
  if (entries.length > MAX_BATCH) {
    throw new SqsFault(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH}. You have sent ${entries.length}.`,
    );
  }
  const ids = new Set(entries.map((e: Body) => e.Id));
  if (ids.size !== entries.length)
    throw new SqsFault(
      'BatchEntryIdsNotDistinct',
      'Two or more batch entries in the request have the same Id.',
    );
  return entries as Body[];
}

function requireString(body: Body, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') {
    throw new SqsFault('MissingParameter', `The request must contain the parameter ${name}.`);
  }
  return value;
}

/** A message's size as SQS counts it: the body and every attribute's name, type and value. */
function messageBytes(
  body: string,
  attributes: Readonly<Record<string, MessageAttributeValue>> | undefined,
): number {
  let bytes = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType);
    bytes +=
      value.BinaryValue === undefined
        ? Buffer.byteLength(value.StringValue ?? '')
        : Buffer.from(value.BinaryValue, 'base64').length;
  }
  return bytes;
}
