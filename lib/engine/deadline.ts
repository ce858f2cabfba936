import type { EngineDeps, RequestContext } from './types.ts';

/** Helm's default --timeout. */
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
/** Time kept to record the outcome and release the lease after kube work stops. */
export const DEFAULT_FINALIZE_MARGIN_MS = 5_000;
/**
 * How long a lease lasts unless renewed. The store renews it every third of this while the
 * action runs, so a killed run frees its release this soon, whatever the action's timeout.
 */
export const DEFAULT_LEASE_TTL_MS = 30_000;
/** After its finish deadline a run still gets this long to write its outcome before renewals stop. */
const RECORD_GRACE_MS = 10_000;

export interface Deadlines {
  /** Kube work (hooks, apply, wait) stops here. */
  readonly work: number;
  /** The action must be recorded by here. */
  readonly finish: number;
  /** The lease runs out here unless renewed. */
  readonly lease: number;
  /** The lease is renewed until here and no longer. */
  readonly renewUntil: number;
}

/** The action's time budget: its own timeout, cut short by the caller's hard deadline (Lambda's remaining time). */
export function planDeadlines(
  deps: EngineDeps,
  request: RequestContext,
  timeoutMs: number | undefined,
): Deadlines {
  const now = deps.clock.now();
  const finish = Math.min(
    now + (timeoutMs ?? DEFAULT_TIMEOUT_MS),
    request.hardDeadline ?? Number.POSITIVE_INFINITY,
  );
  const margin = Math.min(
    deps.finalizeMarginMs ?? DEFAULT_FINALIZE_MARGIN_MS,
    Math.max(0, (finish - now) / 4),
  );
  return {
    work: finish - margin,
    finish,
    lease: now + (deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS),
    renewUntil: finish + RECORD_GRACE_MS,
  };
}
