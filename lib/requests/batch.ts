import { type Clock, formatReleaseId, QuaysideError, ValidationError } from '../domain/index.ts';
import { buildRejectionEvent, type RejectionEventInput, type StatusEvent } from '../events/index.ts';
import { outcomeReasons } from './messages.ts';
import { parseQueueMessage } from './parse.ts';
import type { DeployRequest, ExecutionResult, ParseResult } from './types.ts';

/** One message as the queue delivered it. */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  /** How many times the queue has delivered it, this time included (SQS ApproximateReceiveCount). */
  readonly receiveCount: number;
  /** The FIFO MessageGroupId; when absent, the release's `cluster/namespace/name`, as producers set it. */
  readonly groupId?: string;
}

export type Outcome = 'done' | 'retry' | 'rejected';

export interface MessageOutcome {
  readonly messageId: string;
  readonly outcome: Outcome;
  /** Why, for logs; never quotes input. */
  readonly reason?: string;
  /** What the engine reported, for `done`. */
  readonly result?: ExecutionResult;
}

export interface BatchDependencies {
  /**
   * Runs one request to an end. Resolving (deployed, failed, dry run …) means done; the engine
   * publishes its own status events. Throwing a retryable QuaysideError means try again later;
   * a non-retryable one means the request can never succeed as sent.
   */
  execute(request: DeployRequest): Promise<ExecutionResult>;
  /** Publishes one status event (here: only `Request Rejected`). */
  publish(event: StatusEvent): Promise<void>;
  readonly clock: Clock;
  /** Receives after which an unexpected error gives up instead of retrying. Default 5. */
  readonly maxReceives?: number;
  /** Groups run at once. Default 4. */
  readonly concurrency?: number;
  /**
   * No message is started at or after this time (epoch ms, by `clock`); those left are retried.
   * In Lambda: the invocation's deadline minus the longest an action may take, so that a message
   * is never cut off half-way by the function timeout.
   */
  readonly startDeadline?: number;
  /** Told of each error quayside did not raise on purpose (a bug), so that the caller can log it. */
  onUnexpectedError?(error: unknown, message: QueueMessage): void;
}

export const DEFAULT_MAX_RECEIVES = 5;
export const DEFAULT_BATCH_CONCURRENCY = 4;

/**
 * Parses and runs a batch of queue messages, returning one outcome per message in input order:
 * - invalid input: one `Request Rejected` event, `rejected` (never retried, engine not called);
 * - a retryable QuaysideError (a lease held by a live operation, throttling, a transient
 *   cluster fault): `retry`;
 * - any other QuaysideError (ValidationError, ReleaseNotFoundError, …): one event, `rejected`;
 * - any other error, a bug: `retry` until `maxReceives`, then one event and `rejected`.
 * Messages of one group run one after another in order, and once one is to be retried the
 * group's later messages are not run but retried too, so that they never overtake it.
 * Groups run concurrently, at most `concurrency` at once. Never throws for a message's sake.
 */
export async function processBatch(
  messages: readonly QueueMessage[],
  deps: BatchDependencies,
): Promise<MessageOutcome[]> {
  const parsed = messages.map((message) => parseQueueMessage(message.body));
  const groups = new Map<string, number[]>();
  messages.forEach((message, index) => {
    const key = groupKey(message, parsed[index] as ParseResult);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  const outcomes: MessageOutcome[] = new Array(messages.length);
  const runGroup = async (indexes: readonly number[]) => {
    let heldBack = false;
    for (const index of indexes) {
      const message = messages[index] as QueueMessage;
      const outcome = await handleMessage({ message, parsed: parsed[index] as ParseResult, heldBack, deps });
      outcomes[index] = outcome;
      heldBack ||= outcome.outcome === 'retry';
    }
  };
  await runWithConcurrency([...groups.values()], deps.concurrency ?? DEFAULT_BATCH_CONCURRENCY, runGroup);
  return outcomes;
}

function groupKey(message: QueueMessage, parsed: ParseResult): string {
  if (message.groupId !== undefined) return `group:${message.groupId}`;
  const release = parsed.ok ? parsed.request.release : parsed.release;
  // A message naming no valid release runs nothing, so it orders against nothing.
  return release ? `group:${formatReleaseId(release)}` : `message:${message.messageId}`;
}

interface HandleInput {
  readonly message: QueueMessage;
  readonly parsed: ParseResult;
  readonly heldBack: boolean;
  readonly deps: BatchDependencies;
}

async function handleMessage({ message, parsed, heldBack, deps }: HandleInput): Promise<MessageOutcome> {
  const startedAt = deps.clock.now();
  const { messageId } = message;
  const reject = (
    input: Omit<RejectionEventInput, 'startedAt' | 'finishedAt' | 'messageId'>,
    reason: string,
  ) =>
    publishRejection({
      deps,
      messageId,
      reason,
      event: { ...input, messageId, startedAt, finishedAt: deps.clock.now() },
    });

  // Invalid input changes nothing, so it is refused at once even behind a held-back message.
  if (!parsed.ok) {
    const { problems, requestId, action, release } = parsed;
    return reject({ problems, requestId, action, release }, outcomeReasons.invalid(problems));
  }
  if (heldBack) return { messageId, outcome: 'retry', reason: outcomeReasons.heldBack };
  if (deps.startDeadline !== undefined && startedAt >= deps.startDeadline) {
    return { messageId, outcome: 'retry', reason: outcomeReasons.outOfTime };
  }

  const { request } = parsed;
  const identity = {
    requestId: request.requestId,
    action: request.action,
    release: request.release,
    requestedBy: request.requestedBy,
  };
  try {
    const result = await deps.execute(request);
    return { messageId, outcome: 'done', result };
  } catch (error) {
    if (error instanceof QuaysideError) {
      if (error.retryable) return { messageId, outcome: 'retry', reason: error.message };
      const problems = error instanceof ValidationError ? error.problems : undefined;
      return reject({ ...identity, problems, error }, error.message);
    }
    deps.onUnexpectedError?.(error, message);
    const type = error instanceof Error ? error.name : typeof error;
    const maxReceives = deps.maxReceives ?? DEFAULT_MAX_RECEIVES;
    if (message.receiveCount < maxReceives) {
      return {
        messageId,
        outcome: 'retry',
        reason: outcomeReasons.unexpected(type, message.receiveCount, maxReceives),
      };
    }
    return reject({ ...identity, error }, outcomeReasons.gaveUp(type, message.receiveCount));
  }
}

async function publishRejection(input: {
  deps: BatchDependencies;
  messageId: string;
  reason: string;
  event: RejectionEventInput;
}): Promise<MessageOutcome> {
  try {
    await input.deps.publish(buildRejectionEvent(input.event));
  } catch (error) {
    // Unreported, the rejection would be silent: keep the message, and the queue's redrive
    // policy moves it to the dead-letter queue if publishing keeps failing.
    const type = error instanceof Error ? error.name : typeof error;
    return {
      messageId: input.messageId,
      outcome: 'retry',
      reason: outcomeReasons.rejectionNotPublished(type),
    };
  }
  return { messageId: input.messageId, outcome: 'rejected', reason: input.reason };
}

async function runWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
