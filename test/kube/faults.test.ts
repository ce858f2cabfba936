import { describe, expect, it } from 'vitest';
import { applyRevision, type KubeConnection } from '../../lib/kube/index.ts';
import type { Simulator } from '../../lib/sim/index.ts';
import { fastClock, inAMinute, manifest, readLive, useSimulatedCluster } from './sim-helpers.ts';

const objects = Array.from(
  { length: 12 },
  (_, i) =>
    manifest(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  index: "${i}"\n`)[0]!,
);

describe('applying through an unreliable API server', () => {
  let sim: Simulator;
  let connection: KubeConnection;
  useSimulatedCluster({ rolloutStepMs: 30 }, (started, connected) => {
    sim = started;
    connection = connected;
  });

  it('completes when 30% of calls fail with 503 or 429, retrying each failure', async () => {
    sim.injectFaults({
      seed: 7,
      errors: [
        { rate: 0.15, status: 503 },
        { rate: 0.15, status: 429, retryAfterSeconds: 1 },
      ],
    });
    const clock = fastClock();
    const phases: string[] = [];
    const outcome = await applyRevision({
      connection,
      objects,
      release: { name: 'flaky', namespace: 'default' },
      deadline: inAMinute(),
      clock,
      retryPolicy: { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 2_000 },
      onProgress: (event) => phases.push(event.phase),
    });
    sim.clearFaults();
    expect(outcome.ok).toBe(true);
    expect(outcome.results.every((r) => r.action === 'created')).toBe(true);

    const failed = sim.requests.filter((r) => r.status === 503 || r.status === 429);
    // Each failed call was retried once and reported, so the revision record can tell.
    expect(phases.filter((p) => p === 'retry')).toHaveLength(failed.length);
    const throttled = failed.filter((r) => r.status === 429).length;
    // Every failure was retried until it succeeded: one list read all twelve, then one apply each.
    expect(failed.length).toBeGreaterThan(0);
    const succeeded = sim.requests.filter((r) => r.status < 300);
    expect(succeeded.filter((r) => r.verb === 'list')).toHaveLength(1);
    expect(succeeded.filter((r) => r.verb === 'patch')).toHaveLength(objects.length);
    // Retry-After: 1 was honoured: at least that many one-second waits were taken.
    expect(clock.slept.filter((ms) => ms >= 1_000).length).toBeGreaterThanOrEqual(throttled);
    console.info(`API calls: ${sim.requests.length} (${failed.length} failed: ${throttled} throttled)`);
    for (const o of objects) {
      expect(
        await readLive(connection, `/api/v1/namespaces/default/configmaps/${o.metadata.name}`),
      ).toBeDefined();
    }
  });
});
