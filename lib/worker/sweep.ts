import type { Clock } from '../domain/index.ts';
import { buildReleaseEvent, type EventPublisher } from '../events/index.ts';
import type { ReleaseStore } from '../store/index.ts';

/** What one sweep did. */
export interface SweepResult {
  /** Releases whose operation had died, now recorded failed as interrupted. */
  readonly interrupted: readonly { release: string; revision: number; requestId: string }[];
  /** Releases the store listed as expired that another process settled first. */
  readonly alreadySettled: number;
}

/**
 * Finds operations whose lease ran out (their worker died) and ends them: the pending revision is
 * recorded failed as interrupted, the lease released, and a `Release Failed` event published, so a
 * killed worker is visible within minutes even when no new request arrives for the release.
 * Safe to run anywhere, any number of times at once: each release is settled by one transaction.
 */
export async function sweepExpiredLeases(input: {
  store: ReleaseStore;
  publisher: EventPublisher;
  clock: Clock;
}): Promise<SweepResult> {
  const { store, publisher, clock } = input;
  const expired = (await store.needingAttention({ limit: 100 })).filter((e) => e.reason === 'lease-expired');
  const interrupted: { release: string; revision: number; requestId: string }[] = [];
  let alreadySettled = 0;
  for (const entry of expired) {
    const startedAt = clock.now();
    const revision = await store.interrupt(entry.release);
    if (revision === undefined) {
      alreadySettled += 1;
      continue;
    }
    await publisher.publish([
      buildReleaseEvent({
        requestId: revision.requestId,
        action: revision.action,
        release: revision.release,
        status: 'failed',
        description: revision.description,
        revision: revision.revision,
        chart: revision.chart,
        requestedBy: revision.requestedBy,
        startedAt,
        finishedAt: clock.now(),
      }),
    ]);
    const { cluster, namespace, name } = revision.release;
    interrupted.push({
      release: `${cluster}/${namespace}/${name}`,
      revision: revision.revision,
      requestId: revision.requestId,
    });
  }
  return { interrupted, alreadySettled };
}
