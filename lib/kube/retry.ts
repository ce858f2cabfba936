import { isRetryable, KubeDeadlineError, KubeUnavailableError } from './errors.ts';
import { MESSAGES } from './messages.ts';
import type { Clock } from './types.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

// Six attempts with full jitter from 200 ms doubling to a 5 s cap wait about 6 s on average in all:
// long enough to ride out an API server restart or a throttling burst, short enough for a Lambda.
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 5_000 };

export interface RetryOptions {
  clock: Clock;
  /** Epoch ms; no retry is scheduled to start after it. */
  deadline: number;
  policy?: RetryPolicy;
  /** Returns [0, 1); injected so tests pin the jitter. */
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * The delay before retry number `attempt` (1-based): full jitter over an exponentially growing cap,
 * but never less than the server's Retry-After.
 */
export function retryDelay(
  attempt: number,
  error: unknown,
  policy: RetryPolicy,
  random: () => number,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * cap);
  const retryAfter = error instanceof KubeUnavailableError ? error.retryAfterSeconds : undefined;
  return retryAfter !== undefined ? Math.max(jittered, retryAfter * 1000) : jittered;
}

/**
 * Runs `operation`, retrying retryable errors (throttling, 5xx, transport) with bounded exponential
 * backoff. Other errors are thrown at once. When attempts run out the last error is thrown; when the
 * next wait would pass the deadline a KubeDeadlineError is thrown with the last error as its cause.
 */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.maxAttempts) throw error;
      const delayMs = retryDelay(attempt, error, policy, random);
      if (options.clock.now() + delayMs > options.deadline) {
        throw new KubeDeadlineError(MESSAGES.deadline('retrying a failed API call'), { cause: error });
      }
      options.onRetry?.({ attempt, delayMs, error });
      await options.clock.sleep(delayMs);
    }
  }
}
