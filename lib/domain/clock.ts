import { randomUUID } from 'node:crypto';

/** The time source. Passed in everywhere so that tests control time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Runs something later. Passed in beside the clock, so that tests decide when "later" is. */
export interface Timers {
  /** Calls `run` after `ms`; the timer never keeps a process alive on its own. */
  schedule(run: () => void, ms: number): { cancel(): void };
}

export const systemTimers: Timers = {
  schedule(run, ms) {
    const timer = setTimeout(run, Math.max(0, ms));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** A clock tests move by hand; its timers fire as it is moved past them. */
export class ManualClock implements Clock, Timers {
  private pending: { at: number; run: () => void; cancelled: boolean }[] = [];

  constructor(private time = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.set(this.time + ms);
  }
  set(ms: number): void {
    // Timers due on the way fire in time order, each seeing the clock at its own time.
    for (;;) {
      const due = this.pending.filter((t) => !t.cancelled && t.at <= ms).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.pending = this.pending.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.run();
    }
    this.time = ms;
  }
  schedule(run: () => void, ms: number): { cancel(): void } {
    const timer = { at: this.time + Math.max(0, ms), run, cancelled: false };
    this.pending.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }
}

/** Makes unique ids (lease owner tokens, request ids). Injected like the clock. */
export type IdGenerator = () => string;

/**
 * Random UUIDs, each from fresh random bytes. Node's default keeps a cache of random bytes for the next
 * 128 UUIDs; the CLI's start-up snapshot would keep that cache if anything drew from it while the
 * snapshot was built, and every process started from it would then make the same ids. A few fresh
 * bytes per id cost microseconds.
 */
export const randomId: IdGenerator = () => randomUUID({ disableEntropyCache: true });

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
