import { clientFor, type KubeClient } from './client.ts';
import type { KubeConnection } from './connection.ts';
import { KubeWaitFailedError, KubeWaitTimeoutError } from './errors.ts';
import {
  describePodFailure,
  evaluateHealth,
  type Health,
  type HealthState,
  POD_OWNING_KINDS,
  podFailure,
  sameImage,
  selectorOf,
  templateImages,
} from './health.ts';
import { HEALTH, MESSAGES, PROGRESS } from './messages.ts';
import { mapConcurrently } from './placement.ts';
import { describeRef, refOf } from './refs.ts';
import type { RetryPolicy } from './retry.ts';
import { type Clock, type KubeObject, type ObjectRef, type ProgressListener, systemClock } from './types.ts';

export interface PollPolicy {
  initialMs: number;
  maxMs: number;
}

// Rollouts take seconds to minutes: start looking after a quarter second, then back off to every 3 s.
export const DEFAULT_POLL: PollPolicy = { initialMs: 250, maxMs: 3_000 };
const POLL_GROWTH = 1.5;
const WAIT_CONCURRENCY = 8;

export interface WaitInput {
  connection: KubeConnection;
  objects: readonly KubeObject[];
  /** Namespace of objects that name none: the release namespace. */
  namespace: string;
  deadline: number;
  clock?: Clock;
  poll?: PollPolicy;
  random?: () => number;
  retryPolicy?: RetryPolicy;
  onProgress?: ProgressListener;
  /**
   * Wait for Jobs to complete (helm's --wait-for-jobs; hooks always do). Without it a Job counts
   * as ready once it exists, as kstatus reports a running Job, unless it has already failed.
   */
  waitForJobs?: boolean;
}

export interface ObjectHealth extends ObjectRef {
  state: HealthState;
  reason: string;
}

export interface WaitOutcome {
  status: 'ready' | 'failed' | 'timeout';
  /** Empty when ready; else what failed, or every object not ready and why. */
  message: string;
  /** The last known health of every object. */
  objects: ObjectHealth[];
  error?: KubeWaitFailedError | KubeWaitTimeoutError;
}

/** For a workload that is not ready, a pod of its current template that will never start turns it failed. */
async function podVerdict(client: KubeClient, live: KubeObject): Promise<Health | undefined> {
  const selector = selectorOf(live);
  if (!selector) return undefined;
  const images = templateImages(live);
  const pods = await client.list({
    apiVersion: 'v1',
    kind: 'Pod',
    labelSelector: selector,
    ...(live.metadata.namespace ? { namespace: live.metadata.namespace } : {}),
  });
  for (const pod of pods) {
    const failure = podFailure(pod);
    // Old pods stuck on an image the template no longer runs are the previous revision's problem.
    const wanted = images.get(failure?.container ?? '');
    if (failure && (wanted === undefined || sameImage(failure.image, wanted))) {
      return { state: 'failed', reason: describePodFailure(failure) };
    }
  }
  return undefined;
}

async function healthOf(client: KubeClient, ref: ObjectRef, waitForJobs: boolean): Promise<Health> {
  const live = await client.get(ref);
  if (!live) return { state: 'progressing', reason: HEALTH.notFound };
  const health = evaluateHealth(live, { waitForJobs });
  if (health.state !== 'progressing' || !POD_OWNING_KINDS.has(live.kind)) return health;
  return (await podVerdict(client, live)) ?? health;
}

async function place(
  client: KubeClient,
  object: KubeObject,
  namespace: string | undefined,
): Promise<ObjectRef> {
  const ref = refOf(object);
  const resource = await client.resource(ref);
  if (!resource.namespaced) {
    delete ref.namespace;
    return ref;
  }
  return { ...ref, namespace: ref.namespace ?? namespace };
}

/**
 * Polls the objects (with backoff) until all are ready, one fails, or the deadline passes.
 * Fails fast when a Pod of a workload is in ImagePullBackOff, ErrImagePull or CrashLoopBackOff, or a
 * Deployment reports ProgressDeadlineExceeded. Throws only API errors that outlast retries.
 */
export async function waitForHealthy(input: WaitInput): Promise<WaitOutcome> {
  const clock = input.clock ?? systemClock;
  const poll = input.poll ?? DEFAULT_POLL;
  const client = clientFor({ ...input, clock });

  const refs = await mapConcurrently(input.objects, WAIT_CONCURRENCY, (o) =>
    place(client, o, input.namespace),
  );
  const latest = new Map<ObjectRef, Health>(
    refs.map((ref) => [ref, { state: 'progressing', reason: HEALTH.notChecked }]),
  );
  let pending = refs;
  let interval = poll.initialMs;
  const snapshot = (): ObjectHealth[] => refs.map((ref) => ({ ...ref, ...latest.get(ref)! }));

  for (;;) {
    const waitForJobs = input.waitForJobs ?? true;
    const healths = await mapConcurrently(pending, WAIT_CONCURRENCY, (ref) =>
      healthOf(client, ref, waitForJobs),
    );
    for (const [i, ref] of pending.entries()) latest.set(ref, healths[i]!);
    const failedIndex = healths.findIndex((h) => h.state === 'failed');
    if (failedIndex >= 0) {
      const ref = pending[failedIndex]!;
      const reason = healths[failedIndex]!.reason;
      const message = MESSAGES.waitFailed(describeRef(ref), reason);
      input.onProgress?.({ phase: 'wait', ref, action: 'failed', message });
      return {
        status: 'failed',
        message,
        objects: snapshot(),
        error: new KubeWaitFailedError(message, { ref, reason }),
      };
    }
    pending = pending.filter((_, i) => healths[i]!.state !== 'ready');
    if (pending.length === 0) return { status: 'ready', message: '', objects: snapshot() };
    input.onProgress?.({
      phase: 'wait',
      message: PROGRESS.waiting(pending.length, refs.length),
    });

    const remaining = input.deadline - clock.now();
    if (remaining <= 0) {
      const laggards = pending.map((ref) => ({ ref, reason: latest.get(ref)!.reason }));
      const message = MESSAGES.waitTimeout(laggards.map((l) => `${describeRef(l.ref)}: ${l.reason}`));
      return {
        status: 'timeout',
        message,
        objects: snapshot(),
        error: new KubeWaitTimeoutError(message, laggards),
      };
    }
    // The last look happens right at the deadline, so a rollout finishing just in time still counts.
    await clock.sleep(Math.min(interval, remaining));
    interval = Math.min(poll.maxMs, interval * POLL_GROWTH);
  }
}
