import type { Clock, Timers } from '../domain/index.ts';
import type { Lease } from './types.ts';

/**
 * Keeps one lease alive while its holder works: the lease itself is short (its
 * TTL, 30 s by default), so a holder that dies frees the release within about
 * that long, whatever the operation's timeout; a holder that lives renews it
 * every third of the TTL, up to its deadline and never after. A renewal that
 * fails for a moment is tried again sooner; once the lease has run out without
 * a renewal, or another holder took it, the keeper aborts its signal and the
 * holder must stop writing.
 */
export class LeaseKeeper {
  private readonly controller = new AbortController();
  private timer: { cancel(): void } | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  private expiresAt: number;

  constructor(
    private readonly input: {
      lease: Lease;
      ttlMs: number;
      renewUntil: number;
      clock: Clock;
      timers: Timers;
      /** Moves the lease's expiry; rejects with LeaseLostError when it was taken over. */
      renew: (lease: Lease, expiresAt: number) => Promise<void>;
      isLost: (error: unknown) => boolean;
    },
  ) {
    this.expiresAt = input.lease.expiresAt;
    this.schedule(input.ttlMs / 3);
  }

  /** Aborted when the lease can no longer be trusted to be this holder's. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops renewing and waits for a renewal in flight, so that a finishing write does not race it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.inFlight;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    // System timers are unreferenced: a CLI process must not wait for the next heartbeat to exit.
    this.timer = this.input.timers.schedule(() => this.beat(), Math.max(10, delayMs));
  }

  /** Resolves once a renewal in flight (if any) has settled: tests moving a manual clock wait on it. */
  async settled(): Promise<void> {
    await this.inFlight;
  }

  private beat(): void {
    const { clock, ttlMs, renewUntil, lease } = this.input;
    const now = clock.now();
    if (now >= this.expiresAt) {
      this.controller.abort(new Error('lease expired before it could be renewed'));
      return;
    }
    // Past its deadline the holder is stuck or gone: let the lease lapse.
    if (now >= renewUntil) return;
    const next = Math.min(now + ttlMs, renewUntil + ttlMs);
    this.inFlight = this.input
      .renew(lease, next)
      .then(
        () => {
          this.expiresAt = next;
          this.schedule(ttlMs / 3);
        },
        (error: unknown) => {
          if (this.input.isLost(error)) {
            this.controller.abort(error);
            return;
          }
          this.schedule(ttlMs / 6);
        },
      )
      .finally(() => {
        this.inFlight = undefined;
      });
  }
}
