import {
  compareText,
  formatReleaseId,
  type HookRecord,
  type ObjectResult,
  QuaysideError,
  type ReleaseId,
} from '../domain/index.ts';
import {
  deleteObjects,
  type KubeConnection,
  type KubeObject,
  type ObjectResult as KubeObjectResult,
  type ProgressEvent,
  type StartedApply,
  startApply,
  waitForHealthy,
} from '../kube/index.ts';
import { type Lease, LeaseLostError, StoreError } from '../store/index.ts';
import { type Deadlines, planDeadlines } from './deadline.ts';
import { parseManifest } from './manifest.ts';
import type { ActionOptions, EngineDeps, EngineProgress, RequestContext } from './types.ts';

/** A step that did not succeed, with the reason users read in the revision description. */
export class StepFailure extends Error {
  constructor(
    readonly reason: string,
    readonly objects: readonly ObjectResult[] = [],
  ) {
    super(reason);
  }
}

/**
 * The step failure an error amounts to: a StepFailure as it is, or any other
 * error quayside raised on purpose about the cluster or the chart (it names
 * what failed, never values). Store errors and bugs are not step failures: they
 * propagate, the lease runs out, and the redelivered request resumes.
 */
export function asStepFailure(
  error: unknown,
  objects: readonly ObjectResult[] = [],
): StepFailure | undefined {
  if (error instanceof StepFailure) return error;
  if (error instanceof QuaysideError && !(error instanceof StoreError))
    return new StepFailure(error.message, objects);
  return undefined;
}

export interface StepContext {
  readonly deps: EngineDeps;
  readonly connection: KubeConnection;
  readonly release: ReleaseId;
  readonly request: RequestContext;
  /** Epoch ms by which kube work must stop, leaving time to record the outcome. */
  readonly workDeadline: number;
  readonly options: ActionOptions;
  /** The lease the steps run under, once taken: they stop as soon as it can no longer be trusted. */
  readonly held: { lease?: Lease; signal?: AbortSignal };
}

/** Connects to the release's cluster and plans the action's time budget. */
export async function openSteps(input: {
  deps: EngineDeps;
  release: ReleaseId;
  request: RequestContext;
  options: ActionOptions;
}): Promise<{ ctx: StepContext; deadlines: Deadlines }> {
  const connection = await input.deps.connections.connect(input.release.cluster);
  const deadlines = planDeadlines(input.deps, input.request, input.options.timeoutMs);
  return { ctx: { ...input, connection, workDeadline: deadlines.work, held: {} }, deadlines };
}

/**
 * Runs the steps that follow taking the lease. The store keeps the lease alive
 * meanwhile; afterwards (finished, failed or thrown) it stops renewing it, so a
 * run that gave up frees the release within one short lease.
 */
export async function underLease<T>(ctx: StepContext, lease: Lease, run: () => Promise<T>): Promise<T> {
  ctx.held.lease = lease;
  const signal = ctx.deps.store.leaseSignal(lease);
  if (signal !== undefined) ctx.held.signal = signal;
  try {
    return await run();
  } finally {
    await ctx.deps.store.stopRenewing(lease);
  }
}

/**
 * Reports a step; every step reports as it goes, so this is also where a run
 * that lost its lease stops.
 * @throws LeaseLostError once the lease can no longer be trusted to be this run's.
 */
export function progress(
  ctx: StepContext,
  step: EngineProgress['step'],
  message: string,
  kube?: ProgressEvent,
): void {
  if (ctx.held.signal?.aborted && ctx.held.lease !== undefined) {
    throw new LeaseLostError({ release: formatReleaseId(ctx.release), owner: ctx.held.lease.owner });
  }
  ctx.request.onProgress?.({
    at: ctx.deps.clock.now(),
    step,
    message,
    ...(kube === undefined ? {} : { kube }),
  });
}

/** Kube's per-object results, as the revision record keeps them (errors as text). */
export function recordResults(results: readonly KubeObjectResult[]): ObjectResult[] {
  return results.map((r) => ({
    apiVersion: r.apiVersion,
    kind: r.kind,
    ...(r.namespace === undefined ? {} : { namespace: r.namespace }),
    name: r.name,
    action: r.action,
    ...(r.error === undefined ? {} : { error: r.error.message }),
  }));
}

/**
 * Starts applying the objects: they are read from the cluster and checked now, and written by
 * applyAndWait (see startApply). For an action with work of its own before it writes.
 */
export function startApplying(
  ctx: StepContext,
  objects: KubeObject[],
  previous: KubeObject[],
  settled: KubeObject[] = [],
): StartedApply {
  return startApply({
    connection: ctx.connection,
    objects,
    previousObjects: previous,
    settledObjects: settled,
    release: { name: ctx.release.name, namespace: ctx.release.namespace },
    force: ctx.options.force ?? false,
    forceConflicts: ctx.options.forceConflicts ?? false,
    forceReplace: ctx.options.forceReplace ?? false,
    takeOwnership: ctx.options.takeOwnership ?? false,
    deadline: ctx.workDeadline,
    clock: ctx.deps.clock,
    onProgress: (event) =>
      progress(ctx, event.phase === 'prune' ? 'prune' : 'apply', describeKube(event), event),
  });
}

/**
 * Applies the objects, prunes what `previous` had and they dropped, and waits
 * for health when asked. `settled`: the deployed revision's objects, which lets
 * apply skip objects it would not change. `started`: the same objects' apply, started earlier.
 * @throws StepFailure with the reason and the per-object results so far.
 */
export async function applyAndWait(
  ctx: StepContext,
  objects: KubeObject[],
  previous: KubeObject[],
  settled: KubeObject[] = [],
  started?: StartedApply,
): Promise<ObjectResult[]> {
  progress(ctx, 'apply', `applying ${objects.length} objects`);
  const outcome = await (started ?? startApplying(ctx, objects, previous, settled)).run();
  const results = recordResults(outcome.results);
  if (!outcome.ok) throw new StepFailure(outcome.error?.message ?? 'applying the objects failed', results);
  if (!(ctx.options.wait ?? true)) return results;
  progress(ctx, 'wait', 'waiting for the objects to become ready');
  const waited = await waitForHealthy({
    connection: ctx.connection,
    objects,
    namespace: ctx.release.namespace,
    deadline: ctx.workDeadline,
    clock: ctx.deps.clock,
    ...(ctx.deps.poll === undefined ? {} : { poll: ctx.deps.poll }),
    waitForJobs: ctx.options.waitForJobs ?? false,
    onProgress: (event) => progress(ctx, 'wait', describeKube(event), event),
  });
  if (waited.status !== 'ready') throw new StepFailure(waited.message, results);
  return results;
}

/** Deletes the objects of a manifest (uninstall, cleanup-on-fail), in reverse install order. */
export async function deleteManifestObjects(
  ctx: StepContext,
  objects: KubeObject[],
): Promise<ObjectResult[]> {
  progress(ctx, 'delete', `deleting ${objects.length} objects`);
  const results = await deleteObjects({
    connection: ctx.connection,
    objects,
    release: { name: ctx.release.name, namespace: ctx.release.namespace },
    deadline: ctx.workDeadline,
    clock: ctx.deps.clock,
    onProgress: (event) => progress(ctx, 'delete', describeKube(event), event),
  });
  return recordResults(results);
}

/** The hooks runHooks runs for `event`: none with disableHooks. */
function hooksDue(ctx: StepContext, hooks: readonly HookRecord[], event: string): HookRecord[] {
  return ctx.options.disableHooks ? [] : hooks.filter((hook) => hook.events.includes(event));
}

/** Whether runHooks would run any hook for `event`. */
export function runsHooks(ctx: StepContext, hooks: readonly HookRecord[], event: string): boolean {
  return hooksDue(ctx, hooks, event).length > 0;
}

/**
 * Runs the hooks of one event (pre-upgrade, post-install, …) in weight order:
 * each is (re)created, waited for, and deleted as its delete policy says.
 * @throws StepFailure naming the hook that failed.
 */
export async function runHooks(
  ctx: StepContext,
  hooks: readonly HookRecord[],
  event: string,
): Promise<HookRecord[]> {
  const due = hooksDue(ctx, hooks, event).sort((a, b) => a.weight - b.weight || compareText(a.name, b.name));
  const ran = new Map<string, HookRecord>();
  for (const hook of due) {
    progress(ctx, 'hooks', `running ${event} hook ${hook.kind}/${hook.name}`);
    const objects = parseManifest(hook.manifest);
    const policies = hook.deletePolicies.length === 0 ? ['before-hook-creation'] : hook.deletePolicies;
    if (policies.includes('before-hook-creation')) await deleteManifestObjects(ctx, objects);
    const startedAt = new Date(ctx.deps.clock.now()).toISOString();
    let failure: StepFailure | undefined;
    try {
      // A hook has run when its Jobs and Pods have completed, as helm waits for hooks.
      await applyAndWait({ ...ctx, options: { ...ctx.options, wait: true, waitForJobs: true } }, objects, []);
    } catch (error) {
      if (!(error instanceof StepFailure)) throw error;
      failure = new StepFailure(
        `${event} hook ${hook.kind}/${hook.name} failed: ${error.reason}`,
        error.objects,
      );
    }
    const phase = failure === undefined ? 'Succeeded' : 'Failed';
    ran.set(hook.path + hook.name, {
      ...hook,
      lastRun: { startedAt, completedAt: new Date(ctx.deps.clock.now()).toISOString(), phase },
    });
    if (policies.includes(failure === undefined ? 'hook-succeeded' : 'hook-failed')) {
      await deleteManifestObjects(ctx, objects);
    }
    if (failure !== undefined) throw failure;
  }
  return hooks.map((hook) => ran.get(hook.path + hook.name) ?? hook);
}

/** A kube event as a line a person follows: the object first, when there is one. */
function describeKube(event: ProgressEvent): string {
  if (event.ref === undefined) return event.message;
  const object = `${event.ref.kind.toLowerCase()}/${event.ref.name}`;
  return event.message.includes(event.ref.name) ? event.message : `${object}: ${event.message}`;
}
