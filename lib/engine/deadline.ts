import type { EngineDeps, RequestContext } from './types.ts';

/** Helm's default --timeout. */
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
/** Time kept to record the outcome and release the lease after kube work stops. */
export const DEFAULT_FINALIZE_MARGIN_MS = 5_000;
/** How long a lease outlives its deadline: a run killed at its deadline is recoverable this soon after. */
export const DEFAULT_LEASE_MARGIN_MS = 10_000;

export interface Deadlines {
  /** Kube work (hooks, apply, wait) stops here. */
  readonly work: number;
  /** The action must be recorded by here. */
  readonly finish: number;
  /** The lease expires here. */
  readonly lease: number;
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
  return { work: finish - margin, finish, lease: finish + (deps.leaseMarginMs ?? DEFAULT_LEASE_MARGIN_MS) };
}
