import type { ReleaseId } from '../domain/index.ts';
import { parseManifest } from '../engine/index.ts';
import { type Clock, type ConnectionProvider, type HealthState, waitForHealthy } from '../kube/index.ts';
import type { ReleaseStore } from '../store/index.ts';

export interface WorkloadHealth {
  readonly state: HealthState;
  /** Empty when ready; else what failed, or each object not ready and why (names and images, never values). */
  readonly reason: string;
}

/**
 * One look at the readiness of a revision's objects on its cluster, as the worker's wait judges
 * them (kstatus-style; a pod in ImagePullBackOff or CrashLoopBackOff fails at once). Jobs count as
 * ready once they exist, as without --wait-for-jobs. The cluster not answering is thrown, never
 * taken for unhealthy: the guard must not roll back because it could not look.
 */
export async function checkWorkloads(input: {
  connections: ConnectionProvider;
  store: ReleaseStore;
  release: ReleaseId;
  revision: number;
  clock: Clock;
}): Promise<WorkloadHealth> {
  const stored = await input.store.getRevision(input.release, input.revision);
  const objects = parseManifest(stored.body.manifest);
  if (objects.length === 0) return { state: 'ready', reason: '' };
  const connection = await input.connections.connect(input.release.cluster);
  try {
    // A deadline of now: one look at every object, no waiting.
    const outcome = await waitForHealthy({
      connection,
      objects,
      namespace: input.release.namespace,
      deadline: input.clock.now(),
      clock: input.clock,
      waitForJobs: false,
    });
    if (outcome.status === 'ready') return { state: 'ready', reason: '' };
    if (outcome.status === 'failed') return { state: 'failed', reason: outcome.message };
    const laggards = outcome.objects
      .filter((o) => o.state !== 'ready')
      .map((o) => `${o.kind.toLowerCase()}/${o.name}: ${o.reason}`);
    return { state: 'progressing', reason: laggards.join('; ') };
  } finally {
    connection.close();
  }
}
