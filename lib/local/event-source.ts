import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { InvokeResult, LocalFunction } from './lambda-runtime.ts';

export interface EventSourceOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly fn: LocalFunction;
  /** Records per invocation at most (the stack's BatchSize). */
  readonly batchSize: number;
  /** Invocations at once at most (the stack's MaximumConcurrency). */
  readonly maxConcurrency: number;
  readonly region?: string;
  /** Seconds one receive long-polls; short, so that stopping is quick. */
  readonly waitSeconds?: number;
  /** Told of each invocation and what became of it. */
  readonly onInvoke?: (records: readonly SqsEventRecord[], result: InvokeResult) => void;
  /** Told when the queue cannot be reached or answers with an error (the poller backs off). */
  readonly onError?: (error: unknown) => void;
}

/** A record of Lambda's SQS event, as the event source mapping builds it. */
export interface SqsEventRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
  readonly messageAttributes: Record<
    string,
    {
      stringValue?: string;
      binaryValue?: string;
      stringListValues: [];
      binaryListValues: [];
      dataType: string;
    }
  >;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes?: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

export interface EventSource {
  /** Stops receiving and resolves once the invocations in hand are finished. */
  stop(): Promise<void>;
  /** Stops receiving for a while (the store is down, say) without ending invocations in hand. */
  pause(): void;
  resume(): void;
}

/**
 * Lambda's SQS event source mapping with ReportBatchItemFailures, on this
 * machine: pollers receive up to `batchSize` messages, build the SQS event,
 * invoke the function, and delete every record it did not report as failed.
 * Records it failed (or all of them, when the invocation itself failed) stay in
 * the queue and come back when their visibility ends (the handler shortens it
 * for the records it returns). Up to `maxConcurrency` invocations run at once;
 * a FIFO queue hands each message group to one of them at a time, so groups
 * flow independently: one slow release never holds up another.
 */
export function startEventSource(options: EventSourceOptions): EventSource {
  let stopping = false;
  let paused = false;
  const region = options.region ?? 'us-east-1';

  async function poll(): Promise<void> {
    let backoff = 250;
    while (!stopping) {
      if (paused) {
        await sleep(200);
        continue;
      }
      let messages: Message[];
      try {
        const answer = await options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: options.batchSize,
            WaitTimeSeconds: options.waitSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = answer.Messages ?? [];
        backoff = 250;
      } catch (error) {
        if (stopping) return;
        options.onError?.(error);
        await sleep(backoff);
        backoff = Math.min(5_000, backoff * 2);
        continue;
      }
      if (messages.length === 0) continue;
      const records = messages.map((m) => toSqsEventRecord(m, options.queueArn, region));
      const result = await options.fn.invoke({ Records: records });
      options.onInvoke?.(records, result);
      const failed = failedIds(result, records);
      const done = records.filter((r) => !failed.has(r.messageId));
      if (done.length === 0) continue;
      try {
        await options.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
          }),
        );
      } catch (error) {
        // Undeleted, the records come back: the worker answers a redelivered request as it did.
        options.onError?.(error);
      }
    }
  }

  const pollers = Array.from({ length: Math.max(1, options.maxConcurrency) }, () => poll());
  return {
    stop: async () => {
      stopping = true;
      await Promise.all(pollers);
    },
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
  };
}

/**
 * The records Lambda leaves in the queue: those the response lists, or all of them when the
 * invocation failed or the response is malformed (as Lambda treats an unknown itemIdentifier).
 */
function failedIds(result: InvokeResult, records: readonly SqsEventRecord[]): Set<string> {
  const all = new Set(records.map((r) => r.messageId));
  if (!result.ok) return all;
  const response = result.result as { batchItemFailures?: { itemIdentifier?: unknown }[] } | null;
  if (response === null || response === undefined || response.batchItemFailures === undefined)
    return new Set();
  if (!Array.isArray(response.batchItemFailures)) return all;
  const ids = response.batchItemFailures.map((f) => f.itemIdentifier);
  if (ids.some((id) => typeof id !== 'string' || !all.has(id))) return all;
  return new Set(ids as string[]);
}

/** An SQS message as a record of Lambda's SQS event. */
export function toSqsEventRecord(message: Message, arn: string, region: string): SqsEventRecord {
  const messageAttributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      {
        ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
        ...(value.BinaryValue === undefined
          ? {}
          : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
        stringListValues: [] as [],
        binaryListValues: [] as [],
        dataType: value.DataType ?? 'String',
      },
    ]),
  );
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: { ...(message.Attributes ?? {}) } as Record<string, string>,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes === undefined
      ? {}
      : { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: region,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
