import { type Clock, formatReleaseId, QuaysideError, ValidationError } from '../domain/index.ts';
import { buildRejectionEvent, type RejectionEventInput, type StatusEvent } from '../events/index.ts';
import { parseDuration } from './duration.ts';
import { outcomeReasons } from './messages.ts';
import { parseQueueMessage } from './parse.ts';
import { retryDelaySeconds } from './queue-settings.ts';
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

/**
 * - `done`: ran to an end (deployed, failed, dry run…); delete it.
 * - `rejected`: can never succeed as sent; a `Request Rejected` event was published; delete it.
 * - `retry`: try again after `retryAfterSeconds` (the group's later messages wait with it).
 * - `dead-letter`: gave up on a message that kept failing for no known reason; a `Request Rejected`
 *   event was published and the message is returned at once, so the queue's redrive policy moves it
 *   to the dead-letter queue, where it can be inspected and redriven once the cause is fixed.
 */
export type Outcome = 'done' | 'retry' | 'rejected' | 'dead-letter';

export interface MessageOutcome {
  readonly messageId: string;
  readonly outcome: Outcome;
  /** Why, for logs; never quotes input. */
  readonly reason?: string;
  /** What the engine reported, for `done`. */
  readonly result?: ExecutionResult;
  /** For `retry` and `dead-letter`: when the message should be delivered again. */
  readonly retryAfterSeconds?: number;
  /** The request, once parsed (for logs and metrics: id, action, release; it holds values, never log it whole). */
  readonly request?: DeployRequest;
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
  /** Waits; needed (with `deadline`) to retry in the same invocation. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Receives after which an unexpected error gives up: the queue's maxReceiveCount. Default 5. */
  readonly maxReceives?: number;
  /** Groups run at once. Default 4. */
  readonly concurrency?: number;
  /**
   * Epoch ms (by `clock`) by which every action must have finished: in Lambda, the invocation's end
   * less a margin. A message starts only when its whole timeout fits before it (those that do not
   * are returned unstarted), and a retryable error (a release held by a live operation, the store
   * unavailable for a moment) is tried again in this invocation while the message's timeout still
   * fits, so that waiting does not use up the message's receives.
   */
  readonly deadline?: number;
  /** The longest one action may take here; a request asking for more is rejected. */
  readonly maxActionMs?: number;
  /** Told of each error quayside did not raise on purpose (a bug), so that the caller can log it. */
  onUnexpectedError?(error: unknown, message: QueueMessage): void;
  /** Told when a request waits to be tried again in this invocation, and why (never quotes input). */
  onWaiting?(request: DeployRequest, reason: string): void;
}

export const DEFAULT_MAX_RECEIVES = 5;
export const DEFAULT_BATCH_CONCURRENCY = 4;
/** A message returned unstarted or held back comes back this soon: it did nothing wrong. */
const NOT_STARTED_DELAY_SECONDS = 1;
/** In-process retries look again at least this often and wait at most this long between looks. */
const MIN_WAIT_MS = 250;
const MAX_WAIT_MS = 5_000;
/** The longest a message is put back for: SQS's visibility timeout limit is 12 hours. */
const MAX_RETRY_DELAY_SECONDS = 12 * 3600;

/**
 * Parses and runs a batch of queue messages, returning one outcome per message in input order:
 * - invalid input: one `Request Rejected` event, `rejected` (never retried, engine not called);
 * - a retryable QuaysideError (a lease held by a live operation, throttling, a transient
 *   cluster fault): `retry`; one not waiting on a live lease gives up on the last receive
 *   (`maxReceives`) with one event naming the cause, `dead-letter`;
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
  const reject = async (
    input: Omit<RejectionEventInput, 'startedAt' | 'finishedAt' | 'messageId'>,
    reason: string,
    outcome: 'rejected' | 'dead-letter' = 'rejected',
  ): Promise<MessageOutcome> => {
    const settled = await publishRejection({
      deps,
      messageId,
      reason,
      outcome,
      event: { ...input, messageId, startedAt, finishedAt: deps.clock.now() },
    });
    return parsed.ok ? { ...settled, request: parsed.request } : settled;
  };

  // Invalid input changes nothing, so it is refused at once even behind a held-back message.
  if (!parsed.ok) {
    const { problems, requestId, action, release } = parsed;
    return reject({ problems, requestId, action, release }, outcomeReasons.invalid(problems));
  }
  const { request } = parsed;
  const identity = {
    requestId: request.requestId,
    action: request.action,
    release: request.release,
    requestedBy: request.requestedBy,
  };
  const timeoutMs = parseDuration(request.options.timeout);
  if (deps.maxActionMs !== undefined && timeoutMs > deps.maxActionMs) {
    const problems = [{ field: 'options.timeout', message: outcomeReasons.timeoutTooLong(deps.maxActionMs) }];
    return reject({ ...identity, problems }, outcomeReasons.invalid(problems));
  }
  const later = (reason: string, seconds = NOT_STARTED_DELAY_SECONDS): MessageOutcome => ({
    messageId,
    outcome: 'retry',
    reason,
    retryAfterSeconds: seconds,
    request,
  });
  if (heldBack) return later(outcomeReasons.heldBack);
  const fits = (waitMs: number) =>
    deps.deadline === undefined || deps.clock.now() + waitMs + timeoutMs <= deps.deadline;
  if (!fits(0)) return later(outcomeReasons.outOfTime);

  for (let attempt = 1; ; attempt++) {
    try {
      const result = await deps.execute(request);
      return { messageId, outcome: 'done', result, request };
    } catch (error) {
      if (error instanceof QuaysideError && error.retryable) {
        const waitMs = inProcessWait(error, attempt, deps.clock.now());
        if (deps.deadline !== undefined && deps.sleep !== undefined && fits(waitMs)) {
          deps.onWaiting?.(request, error.message);
          await deps.sleep(waitMs);
          continue;
        }
        // Waiting on nobody (a cluster that does not answer, throttling that does not end): not
        // forever. On the last receive the queue allows, one event names the cause, and the message
        // goes to the dead-letter queue to be redriven once the cause is gone.
        const maxReceives = deps.maxReceives ?? DEFAULT_MAX_RECEIVES;
        if (error.busyUntil === undefined && message.receiveCount >= maxReceives) {
          return reject(
            { ...identity, error },
            outcomeReasons.gaveUpRetrying(message.receiveCount, error.message),
            'dead-letter',
          );
        }
        return later(error.message, queueDelaySeconds(error, message.receiveCount, deps.clock.now()));
      }
      if (error instanceof QuaysideError && !error.serviceFault) {
        const problems = error instanceof ValidationError ? error.problems : undefined;
        return reject({ ...identity, problems, error }, error.message);
      }
      // A bug, or a service fault: not the request's fault; kept until the receives run out.
      if (!(error instanceof QuaysideError)) deps.onUnexpectedError?.(error, message);
      const type = error instanceof Error ? error.name : typeof error;
      const maxReceives = deps.maxReceives ?? DEFAULT_MAX_RECEIVES;
      if (message.receiveCount < maxReceives) {
        return later(
          outcomeReasons.unexpected(type, message.receiveCount, maxReceives),
          retryDelaySeconds(message.receiveCount),
        );
      }
      return reject({ ...identity, error }, outcomeReasons.gaveUp(type, message.receiveCount), 'dead-letter');
    }
  }
}

/** How long to wait before trying a retryable error again in this invocation. */
function inProcessWait(error: QuaysideError, attempt: number, now: number): number {
  const backoff = Math.min(MAX_WAIT_MS, 500 * 2 ** (attempt - 1));
  const hinted = error.retryAt === undefined ? backoff : error.retryAt - now;
  return Math.max(MIN_WAIT_MS, Math.min(MAX_WAIT_MS, backoff, hinted));
}

/**
 * When a message that could not be retried in this invocation comes back: once whatever blocks it
 * is gone (a holder's deadline), else after the growing delay; so a message waiting for something
 * else uses up one receive per wait, not one per poll.
 */
function queueDelaySeconds(error: QuaysideError, receiveCount: number, now: number): number {
  const until = error.busyUntil ?? error.retryAt;
  if (until === undefined) return retryDelaySeconds(receiveCount);
  return Math.max(1, Math.min(MAX_RETRY_DELAY_SECONDS, Math.ceil((until - now) / 1000) + 1));
}

async function publishRejection(input: {
  deps: BatchDependencies;
  messageId: string;
  reason: string;
  outcome: 'rejected' | 'dead-letter';
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
      retryAfterSeconds: NOT_STARTED_DELAY_SECONDS,
    };
  }
  return {
    messageId: input.messageId,
    outcome: input.outcome,
    reason: input.reason,
    ...(input.outcome === 'dead-letter' ? { retryAfterSeconds: 0 } : {}),
  };
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
