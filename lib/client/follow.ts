import { isPending, QuaysideError, type ReleaseId, type RevisionMeta } from '../domain/index.ts';
import type { EngineClock } from '../engine/index.ts';
import type { ReleaseStore } from '../store/index.ts';

export type FollowUpdate =
  | { readonly kind: 'queued'; readonly elapsedMs: number }
  /** A step the worker reported (an object applied, a wait, a hook), at `at` (epoch ms). */
  | { readonly kind: 'step'; readonly message: string; readonly at: number; readonly elapsedMs: number }
  | { readonly kind: 'running'; readonly revision: RevisionMeta; readonly elapsedMs: number }
  | { readonly kind: 'finished'; readonly revision: RevisionMeta | undefined; readonly elapsedMs: number }
  | { readonly kind: 'rejected'; readonly reason: string; readonly elapsedMs: number }
  | { readonly kind: 'gave-up'; readonly elapsedMs: number }
  /** The store did not answer this time; following goes on. */
  | { readonly kind: 'store-unavailable'; readonly reason: string; readonly elapsedMs: number };

/**
 * Follows a queued request through the store until it ends: waiting in the
 * queue, each step the worker reports, its revision pending, then final (or
 * refused). Calls `onUpdate` on every change and returns the last update.
 * Polls with backoff, 200 ms to 1 s.
 */
export async function followRequest(input: {
  store: ReleaseStore;
  release: ReleaseId;
  requestId: string;
  clock: EngineClock;
  /** Epoch ms after which following stops (the request itself goes on). */
  until: number;
  onUpdate?: (update: FollowUpdate) => void;
}): Promise<FollowUpdate> {
  const started = input.clock.now();
  let delay = 200;
  let last = '';
  const shown = new Set<string>();
  for (;;) {
    let update: FollowUpdate;
    try {
      // The request's state first, then its steps: a worker writes its steps before it makes the revision
      // final, so steps read after a look that found it final are all of them. Read the other way round,
      // a request that finished between the two reads lost the steps written in between.
      update = await look(input, input.clock.now() - started);
      for (const line of await input.store.readProgress(input.requestId)) {
        const key = `${line.at}|${line.message}`;
        if (shown.has(key)) continue;
        shown.add(key);
        input.onUpdate?.({
          kind: 'step',
          message: line.message,
          at: line.at,
          elapsedMs: input.clock.now() - started,
        });
      }
    } catch (error) {
      // The store away for a moment (DynamoDB throttling, DynamoDB Local restarting): look again.
      if (!(error instanceof QuaysideError && error.retryable)) throw error;
      update = { kind: 'store-unavailable', reason: error.message, elapsedMs: input.clock.now() - started };
    }
    const key = update.kind === 'running' ? `running:${update.revision.status}` : update.kind;
    if (key !== last) input.onUpdate?.(update);
    last = key;
    if (update.kind === 'finished' || update.kind === 'rejected') return update;
    if (input.clock.now() >= input.until) {
      const gaveUp: FollowUpdate = { kind: 'gave-up', elapsedMs: input.clock.now() - started };
      input.onUpdate?.(gaveUp);
      return gaveUp;
    }
    await input.clock.sleep(delay);
    delay = Math.min(1_000, delay * 1.5);
  }
}

async function look(
  input: { store: ReleaseStore; release: ReleaseId; requestId: string },
  elapsedMs: number,
): Promise<FollowUpdate> {
  const rejection = await input.store.findRejection(input.requestId);
  if (rejection !== undefined) return { kind: 'rejected', reason: rejection.reason, elapsedMs };
  const found = await input.store.findRequest(input.release, input.requestId);
  if (found === undefined) return { kind: 'queued', elapsedMs };
  if (found.revision !== undefined && isPending(found.revision.status)) {
    return { kind: 'running', revision: found.revision, elapsedMs };
  }
  return { kind: 'finished', revision: found.revision, elapsedMs };
}
