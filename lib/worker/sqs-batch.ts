import {
  type BatchDependencies,
  type MessageOutcome,
  processBatch,
  type QueueMessage,
  type SqsBatchResponse,
  toBatchResponse,
} from '../requests/index.ts';

/**
 * The fields of an SQS record the worker reads, as Lambda's SQS event source
 * delivers them (lib/ needs no aws-lambda types).
 */
export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: {
    readonly ApproximateReceiveCount?: string;
    readonly MessageGroupId?: string;
    readonly MessageDeduplicationId?: string;
    readonly SequenceNumber?: string;
  };
}

/** Sets when messages in hand become visible again (SQS ChangeMessageVisibilityBatch). */
export interface VisibilityPort {
  change(entries: readonly { receiptHandle: string; seconds: number }[]): Promise<void>;
}

export interface SqsBatchInput {
  readonly records: readonly SqsRecord[];
  /** Milliseconds left in this invocation (Lambda's `context.getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
  readonly visibility: VisibilityPort;
  /** Everything processBatch needs but its deadline, which comes from the invocation. */
  readonly batch: Omit<BatchDependencies, 'deadline'>;
  /** Kept back from the invocation's end to return the response and settle visibility. */
  readonly marginMs?: number;
  /** Told when a visibility change fails (the message then comes back after the queue's own timeout). */
  readonly onVisibilityError?: (error: unknown) => void;
}

/** Time kept back from the invocation's end: settle the batch's visibility and return. */
export const INVOCATION_MARGIN_MS = 20_000;
/**
 * While the worker holds a batch, its messages are kept invisible for this long and the
 * visibility is renewed every third of it. The queue's own visibility timeout must exceed the
 * function timeout (SQS event sources require it), which alone would keep a crashed worker's
 * messages — and every later message of their groups — away for over 15 minutes; with the
 * heartbeat they are back within 30 s of the crash, when the lease of the release has lapsed too.
 */
export const HELD_VISIBILITY_SECONDS = 30;

/**
 * Runs an SQS FIFO batch through processBatch and answers with Lambda's partial
 * batch response. processBatch already keeps FIFO order per message group (a
 * message to be retried holds back the later messages of its own group and no
 * other group's), which is what Powertools' SqsFifoPartialProcessor with
 * skipGroupOnError does; it is kept because it also decides, per message,
 * between done, retry (with a delay), rejected and dead-letter, which a
 * generic batch processor cannot. A message to be retried comes back after the
 * delay its outcome asks for, set here, not after the queue's visibility timeout.
 */
export async function processSqsBatch(
  input: SqsBatchInput,
): Promise<{ response: SqsBatchResponse; outcomes: MessageOutcome[] }> {
  const { batch, records, visibility } = input;
  const deadline = batch.clock.now() + input.remainingMs() - (input.marginMs ?? INVOCATION_MARGIN_MS);
  const heartbeat = holdVisibility(input);
  let outcomes: MessageOutcome[];
  try {
    outcomes = await processBatch(records.map(toQueueMessage), { ...batch, deadline });
  } finally {
    await heartbeat.stop();
  }
  const returning = outcomes.flatMap((outcome, index) =>
    outcome.outcome === 'retry' || outcome.outcome === 'dead-letter'
      ? [
          {
            receiptHandle: (records[index] as SqsRecord).receiptHandle,
            seconds: outcome.retryAfterSeconds ?? 0,
          },
        ]
      : [],
  );
  if (returning.length > 0) {
    await visibility.change(returning).catch((error: unknown) => input.onVisibilityError?.(error));
  }
  return { response: toBatchResponse(outcomes), outcomes };
}

export function toQueueMessage(record: SqsRecord): QueueMessage {
  const { attributes } = record;
  return {
    messageId: record.messageId,
    body: record.body,
    receiveCount: Number(attributes.ApproximateReceiveCount ?? '1'),
    ...(attributes.MessageGroupId === undefined ? {} : { groupId: attributes.MessageGroupId }),
  };
}

/** Keeps the batch's messages invisible for a short, renewed while, until stopped. */
function holdVisibility(input: SqsBatchInput): { stop(): Promise<void> } {
  const entries = input.records.map((r) => ({
    receiptHandle: r.receiptHandle,
    seconds: HELD_VISIBILITY_SECONDS,
  }));
  let inFlight: Promise<void> = Promise.resolve();
  const renew = () => {
    inFlight = input.visibility.change(entries).catch((error: unknown) => input.onVisibilityError?.(error));
  };
  renew();
  const timer = setInterval(renew, (HELD_VISIBILITY_SECONDS * 1000) / 3);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
}
