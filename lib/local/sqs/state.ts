import { createHash } from 'node:crypto';

/**
 * The queues of the local SQS, as data: what SQS keeps and how its operations
 * change it. Every change is an `Op`: the server journals each one before it
 * answers, and replaying the journal rebuilds the same state after a crash.
 */

export interface QueueAttributes {
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  readonly delaySeconds: number;
  readonly maximumMessageSize: number;
  readonly receiveWaitSeconds: number;
  readonly redrive?: { readonly deadLetterTargetArn: string; readonly maxReceiveCount: number };
}

export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes?: Readonly<Record<string, MessageAttributeValue>>;
  readonly groupId?: string;
  readonly deduplicationId?: string;
  readonly sequenceNumber?: string;
  readonly sentAt: number;
  /** When it may be received: after a delay, or when an in-flight receive's visibility ends. */
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** The handle of the latest receive; a delete or visibility change must name it. */
  receiptHandle?: string;
}

export interface Queue {
  readonly name: string;
  readonly createdAt: number;
  attributes: QueueAttributes;
  /** In send order (FIFO: sequence order). */
  messages: StoredMessage[];
  /** Deduplication ids seen in the last five minutes, with the message they made. */
  dedup: Map<string, { messageId: string; sequenceNumber?: string; at: number }>;
  sequence: number;
}

/** Every change to the state; the journal's lines. */
export type Op =
  | { op: 'create'; name: string; at: number; attributes: QueueAttributes }
  | { op: 'set-attributes'; name: string; attributes: QueueAttributes }
  | {
      op: 'send';
      queue: string;
      message: Omit<StoredMessage, 'visibleAt' | 'receiveCount'> & { visibleAt: number };
    }
  | { op: 'receive'; queue: string; messageId: string; at: number; visibleAt: number; receiptHandle: string }
  | { op: 'delete'; queue: string; messageId: string }
  | { op: 'visibility'; queue: string; messageId: string; visibleAt: number }
  | { op: 'dead-letter'; queue: string; messageId: string; to: string; at: number }
  | { op: 'purge'; queue: string }
  | { op: 'delete-queue'; name: string };

/** SQS's deduplication window. */
export const DEDUP_WINDOW_MS = 5 * 60_000;

export class SqsState {
  readonly queues = new Map<string, Queue>();

  /** Applies one change. Replaying the same ops in order always gives the same state. */
  apply(op: Op): void {
    switch (op.op) {
      case 'create':
        this.queues.set(op.name, {
          name: op.name,
          createdAt: op.at,
          attributes: op.attributes,
          messages: [],
          dedup: new Map(),
          sequence: 0,
        });
        return;
      case 'set-attributes': {
        const queue = this.queues.get(op.name);
        if (queue) queue.attributes = op.attributes;
        return;
      }
      case 'delete-queue':
        this.queues.delete(op.name);
        return;
      case 'send': {
        const queue = this.queues.get(op.queue);
        if (!queue) return;
        queue.messages.push({ ...op.message, receiveCount: 0 });
        if (op.message.sequenceNumber !== undefined) queue.sequence = Number(op.message.sequenceNumber);
        if (op.message.deduplicationId !== undefined) {
          queue.dedup.set(op.message.deduplicationId, {
            messageId: op.message.messageId,
            ...(op.message.sequenceNumber === undefined ? {} : { sequenceNumber: op.message.sequenceNumber }),
            at: op.message.sentAt,
          });
        }
        return;
      }
      case 'receive': {
        const message = this.find(op.queue, op.messageId);
        if (!message) return;
        message.receiveCount += 1;
        message.firstReceiveAt ??= op.at;
        message.visibleAt = op.visibleAt;
        message.receiptHandle = op.receiptHandle;
        return;
      }
      case 'visibility': {
        const message = this.find(op.queue, op.messageId);
        if (message) message.visibleAt = op.visibleAt;
        return;
      }
      case 'delete': {
        const queue = this.queues.get(op.queue);
        if (queue) queue.messages = queue.messages.filter((m) => m.messageId !== op.messageId);
        return;
      }
      case 'dead-letter': {
        const queue = this.queues.get(op.queue);
        const target = this.queues.get(op.to);
        const message = this.find(op.queue, op.messageId);
        if (!queue || !message) return;
        queue.messages = queue.messages.filter((m) => m.messageId !== op.messageId);
        // As SQS does: the message keeps its id, body, group, receive count and first-receive time.
        target?.messages.push({ ...message, visibleAt: op.at });
        return;
      }
      case 'purge': {
        const queue = this.queues.get(op.queue);
        if (queue) queue.messages = [];
        return;
      }
    }
  }

  find(queueName: string, messageId: string): StoredMessage | undefined {
    return this.queues.get(queueName)?.messages.find((m) => m.messageId === messageId);
  }

  /** Drops deduplication entries older than the window and messages past retention. */
  expire(now: number): void {
    for (const queue of this.queues.values()) {
      for (const [id, entry] of queue.dedup) if (now - entry.at > DEDUP_WINDOW_MS) queue.dedup.delete(id);
      const oldest = now - queue.attributes.retentionSeconds * 1000;
      if (queue.messages.some((m) => m.sentAt < oldest)) {
        queue.messages = queue.messages.filter((m) => m.sentAt >= oldest);
      }
    }
  }

  /** The ops that rebuild the current state from nothing (a compacted journal). */
  snapshot(): Op[] {
    const ops: Op[] = [];
    for (const queue of this.queues.values()) {
      ops.push({ op: 'create', name: queue.name, at: queue.createdAt, attributes: queue.attributes });
    }
    for (const queue of this.queues.values()) {
      for (const message of queue.messages) {
        const { receiveCount, firstReceiveAt, receiptHandle, ...sent } = message;
        ops.push({ op: 'send', queue: queue.name, message: sent });
        if (receiveCount > 0) {
          // Replays the receive count exactly: each receive op adds one.
          for (let i = 0; i < receiveCount; i++) {
            ops.push({
              op: 'receive',
              queue: queue.name,
              messageId: message.messageId,
              at: firstReceiveAt ?? message.sentAt,
              visibleAt: message.visibleAt,
              receiptHandle: receiptHandle ?? '',
            });
          }
        }
      }
      // Deduplication entries of messages no longer held still refuse duplicates for the window.
      for (const [id, entry] of queue.dedup) {
        if (queue.messages.some((m) => m.deduplicationId === id)) continue;
        ops.push({
          op: 'send',
          queue: queue.name,
          message: {
            messageId: entry.messageId,
            body: '',
            deduplicationId: id,
            ...(entry.sequenceNumber === undefined ? {} : { sequenceNumber: entry.sequenceNumber }),
            sentAt: entry.at,
            visibleAt: entry.at,
          },
        });
        ops.push({ op: 'delete', queue: queue.name, messageId: entry.messageId });
      }
    }
    return ops;
  }
}

export function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * MD5OfMessageAttributes as SQS computes it: the attributes sorted by name, each as
 * length-prefixed name, length-prefixed data type, a transport byte (1 string, 2 binary)
 * and the length-prefixed value.
 */
export function md5OfAttributes(attributes: Readonly<Record<string, MessageAttributeValue>>): string {
  const hash = createHash('md5');
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name] as MessageAttributeValue;
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(value.DataType, 'utf8'));
    if (value.BinaryValue !== undefined) {
      hash.update(Buffer.from([2]));
      field(Buffer.from(value.BinaryValue, 'base64'));
    } else {
      hash.update(Buffer.from([1]));
      field(Buffer.from(value.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}
