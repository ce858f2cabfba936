import { randomUUID } from 'node:crypto';

/** The time source. Passed in everywhere so that tests control time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private time = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
  set(ms: number): void {
    this.time = ms;
  }
}

/** Makes unique ids (lease owner tokens, request ids). Injected like the clock. */
export type IdGenerator = () => string;

export const randomId: IdGenerator = () => randomUUID();

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
