import { describe, expect, it } from 'vitest';
import { KubeDeadlineError, KubeForbiddenError, KubeUnavailableError } from '../../lib/kube/errors.ts';
import { DEFAULT_RETRY_POLICY, retryDelay, withRetry } from '../../lib/kube/retry.ts';
import type { Clock } from '../../lib/kube/types.ts';

function fakeClock(start = 0): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const unavailable = (retryAfterSeconds?: number) =>
  new KubeUnavailableError('busy', {
    status: 503,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });

function failing(times: number, error: () => Error) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    run: async () => {
      calls++;
      if (calls <= times) throw error();
      return 'done';
    },
  };
}

describe('retrying API calls', () => {
  it('backs off exponentially with full jitter under a cap', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, unavailable(), policy, () => 0.999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(retryDelay(3, unavailable(), policy, () => 0.5)).toBe(200);
    expect(retryDelay(3, unavailable(), policy, () => 0)).toBe(0);
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(retryDelay(1, unavailable(3), DEFAULT_RETRY_POLICY, () => 0.5)).toBe(3000);
  });

  it('retries a retryable error until it succeeds', async () => {
    const clock = fakeClock();
    const op = failing(3, () => unavailable());
    await expect(withRetry(op.run, { clock, deadline: 60_000, random: () => 0.5 })).resolves.toBe('done');
    expect(op.calls).toBe(4);
    expect(clock.slept).toEqual([100, 200, 400]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const clock = fakeClock();
    const op = failing(100, () => unavailable());
    await expect(withRetry(op.run, { clock, deadline: 600_000, random: () => 0.5 })).rejects.toBeInstanceOf(
      KubeUnavailableError,
    );
    expect(op.calls).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
  });

  it('does not retry a forbidden request', async () => {
    const op = failing(1, () => new KubeForbiddenError('no', { status: 403 }));
    await expect(withRetry(op.run, { clock: fakeClock(), deadline: 60_000 })).rejects.toBeInstanceOf(
      KubeForbiddenError,
    );
    expect(op.calls).toBe(1);
  });

  it('stops instead of sleeping past the deadline', async () => {
    const clock = fakeClock(1_000);
    const op = failing(5, () => unavailable(30));
    const error = await withRetry(op.run, { clock, deadline: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeDeadlineError);
    expect((error as Error).cause).toBeInstanceOf(KubeUnavailableError);
    expect(clock.slept).toEqual([]);
  });
});
