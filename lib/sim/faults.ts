/** Injected failures for tests: latency, error rates per verb, dropped connections; seeded so runs repeat. */
import type { FaultSpec } from './types.ts';

/**
 * mulberry32: a tiny deterministic PRNG; good enough to spread faults, and repeatable from a seed.
 * Tests use it too, so that generated inputs are the same on every run.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultDecision =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'drop'; latencyMs: number }
  | { kind: 'error'; latencyMs: number; status: 429 | 500 | 503; retryAfterSeconds?: number };

export class FaultInjector {
  private spec: FaultSpec | undefined;
  private next: () => number = Math.random;

  set(spec: FaultSpec): void {
    this.spec = spec;
    this.next = spec.seed === undefined ? Math.random : seededRandom(spec.seed);
  }

  clear(): void {
    this.spec = undefined;
  }

  /** Decides the fate of one request with the given API verb (get, list, create, patch, …). */
  decide(verb: string): FaultDecision {
    const spec = this.spec;
    if (!spec) return { kind: 'none', latencyMs: 0 };
    const latencyMs = spec.latencyMs ?? 0;
    if (spec.dropRate && this.next() < spec.dropRate) return { kind: 'drop', latencyMs };
    for (const rule of spec.errors ?? []) {
      if (rule.verbs && !rule.verbs.includes(verb)) continue;
      if (this.next() < rule.rate) {
        return {
          kind: 'error',
          latencyMs,
          status: rule.status,
          ...(rule.retryAfterSeconds !== undefined ? { retryAfterSeconds: rule.retryAfterSeconds } : {}),
        };
      }
    }
    return { kind: 'none', latencyMs };
  }
}
