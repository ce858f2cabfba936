/**
 * How many requests one connection has in flight. The API server's priority and fairness answers 429
 * when a client asks too much at once; each 429 halves the number allowed, and every success wins a
 * little of it back (additive increase, multiplicative decrease, as TCP does), so a busy server sees
 * fewer requests at once while the throttled ones wait out their Retry-After (retry.ts).
 */
export class RequestGate {
  readonly #max: number;
  #allowed: number;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(max: number) {
    this.#max = max;
    this.#allowed = max;
  }

  /** Requests allowed in flight now (between 1 and the maximum). */
  get allowed(): number {
    return Math.floor(this.#allowed);
  }

  /** Resolves when this request may go. */
  enter(): Promise<void> {
    if (this.#inFlight < this.allowed) {
      this.#inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** A request finished: `throttled` when the server answered 429. */
  leave(outcome: 'done' | 'throttled'): void {
    this.#inFlight--;
    this.#allowed =
      outcome === 'throttled'
        ? Math.max(1, this.#allowed / 2)
        : Math.min(this.#max, this.#allowed + 1 / this.#allowed);
    while (this.#waiting.length > 0 && this.#inFlight < this.allowed) {
      this.#inFlight++;
      this.#waiting.shift()!();
    }
  }
}
