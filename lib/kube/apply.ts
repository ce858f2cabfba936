import { clientFor, type KubeClient } from './client.ts';
import type { KubeConnection } from './connection.ts';
import { KubeDeadlineError, KubeError, KubeImmutableFieldError } from './errors.ts';
import { evaluateHealth } from './health.ts';
import { type LiveRead, readLiveObjects } from './live.ts';
import { MESSAGES } from './messages.ts';
import { normalizeForDiff } from './normalize.ts';
import { batchByRank, sortForInstall } from './order.ts';
import { assertMayOwn, isManagedByQuayside, isOwnedBy, markOwned } from './ownership.ts';
import { mapConcurrently, type NamespacePolicy, placeObject } from './placement.ts';
import { pruneObjects } from './prune.ts';
import { groupOf, identityOf, refOf } from './refs.ts';
import type { RetryPolicy } from './retry.ts';
import {
  type Clock,
  type KubeObject,
  type ObjectResult,
  type ProgressListener,
  type ReleaseRef,
  systemClock,
} from './types.ts';
import { UnchangedObjects } from './unchanged.ts';

export interface ApplyRevisionInput {
  connection: KubeConnection;
  /** The new revision's objects, as parsed from its manifest. */
  objects: readonly KubeObject[];
  /** The objects of the revision being replaced: those the new one dropped are pruned. */
  previousObjects?: readonly KubeObject[];
  /**
   * The objects of the last revision whose apply completed (the deployed one). An object whose
   * manifest is the same there, in previousObjects and now, and whose live state still holds every
   * value it sets, is reported unchanged without being sent again (see unchanged.ts).
   */
  settledObjects?: readonly KubeObject[];
  release: ReleaseRef;
  /** Take fields other managers own, and delete and recreate objects whose immutable fields changed. */
  force?: boolean;
  /** Take fields other managers own (Helm 4's --force-conflicts). */
  forceConflicts?: boolean;
  /** Delete and recreate objects whose immutable fields changed (Helm 4's --force-replace). */
  forceReplace?: boolean;
  /** Adopt objects that belong to another release or to none. */
  takeOwnership?: boolean;
  /** Namespaces other than the release's that objects may name: true for any. */
  allowNamespaces?: NamespacePolicy;
  /** Epoch ms: nothing new is started after it. */
  deadline: number;
  clock?: Clock;
  random?: () => number;
  retryPolicy?: RetryPolicy;
  /** Objects of one kind applied at once; kinds still go one after another. */
  concurrency?: number;
  onProgress?: ProgressListener;
}

export interface ApplyOutcome {
  /** True when every object was applied and pruning left nothing failed. */
  ok: boolean;
  /** Applied objects in apply order, then pruned ones; objects never attempted are absent. */
  results: ObjectResult[];
  /** The first error, also found on its object's result. */
  error?: KubeError;
}

/** Whether apply takes the fields other managers own: force or forceConflicts. */
export function takesConflicts(input: Pick<ApplyRevisionInput, 'force' | 'forceConflicts'>): boolean {
  return (input.force ?? false) || (input.forceConflicts ?? false);
}

/** Whether an object whose immutable fields changed is recreated: force or forceReplace. */
export function replaces(input: Pick<ApplyRevisionInput, 'force' | 'forceReplace'>): boolean {
  return (input.force ?? false) || (input.forceReplace ?? false);
}

// All objects of a kind at once, as Helm applies a kind (up to sixteen; the connection bounds requests in flight
// again and backs off on 429): one wave per kind keeps the API server busy instead of waiting between waves.
const DEFAULT_CONCURRENCY = 16;
// How often to look again for a deleted object or an establishing CRD; short because both take seconds.
const SETTLE_POLL_MS = 100;

interface Planned {
  object: KubeObject;
  live: KubeObject | undefined;
  /** The live object is this release's but was installed by Helm: its fields move to quayside. */
  fromHelm: boolean;
  /** Applying it would change nothing: it is not sent. */
  unchanged: boolean;
}

function failure(object: KubeObject, error: unknown): ObjectResult {
  const wrapped =
    error instanceof KubeError ? error : new KubeError(String(error), { ref: refOf(object), cause: error });
  return { ...refOf(object), action: 'failed', error: wrapped };
}

function checkDeadline(clock: Clock, deadline: number, what: string): void {
  if (clock.now() >= deadline) throw new KubeDeadlineError(MESSAGES.deadline(what));
}

/** Kinds a CRD in this revision will define: their objects cannot be looked up before it is applied. */
function kindsDefinedBy(objects: readonly KubeObject[]): Set<string> {
  const kinds = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = o.spec as { group?: string; names?: { kind?: string } } | undefined;
    if (spec?.group && spec.names?.kind) kinds.add(`${spec.group}/${spec.names.kind}`);
  }
  return kinds;
}

class ApplyRun {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly unchanged: UnchangedObjects;
  /** The objects in apply order. */
  readonly ordered: KubeObject[];
  /**
   * Every object placed, read and checked (ownership, known kind) before any is written, so that a
   * refusal applies nothing at all. Started with the run: reading writes nothing.
   */
  private readonly checking: Promise<(Planned | ObjectResult | undefined)[]>;

  constructor(readonly input: ApplyRevisionInput) {
    this.clock = input.clock ?? systemClock;
    this.client = clientFor({ ...input, clock: this.clock });
    this.unchanged = new UnchangedObjects(input.settledObjects ?? [], input.previousObjects ?? []);
    this.ordered = sortForInstall(input.objects);
    this.checking = this.planAll(this.ordered, kindsDefinedBy(this.ordered));
    // Awaited by run(); a run never awaited (its caller gave up first) leaves no unhandled rejection.
    this.checking.catch(() => {});
  }

  /** Puts the object in its namespace (its kind's scope comes from discovery). */
  async place(object: KubeObject): Promise<KubeObject> {
    const { release, allowNamespaces } = this.input;
    checkDeadline(this.clock, this.input.deadline, `checking ${object.kind}/${object.metadata.name}`);
    return placeObject(object, await this.client.resource(refOf(object)), release, allowNamespaces);
  }

  /** Checks that this release may write the placed manifest object, given what reading it found. */
  check(manifest: KubeObject, placed: KubeObject, read: LiveRead | undefined): Planned {
    const { release, takeOwnership, force } = this.input;
    if (read === undefined || 'error' in read) throw read?.error ?? new KubeError(MESSAGES.notRead);
    const { live } = read;
    if (live) assertMayOwn(live, release, takeOwnership ?? false);
    const fromHelm = live !== undefined && !isManagedByQuayside(live) && isOwnedBy(live, release);
    const object = markOwned(placed, release);
    const unchanged = !force && !takeOwnership && !fromHelm && this.unchanged.holds(manifest, object, live);
    return { object, live, fromHelm, unchanged };
  }

  /** Places, reads and checks one object on its own (objects of kinds a CRD of this revision defines). */
  async plan(object: KubeObject): Promise<Planned> {
    const placed = await this.place(object);
    const reads = await readLiveObjects(this.client, [placed]);
    return this.check(object, placed, reads.get(identityOf(refOf(placed))));
  }

  async applyOne(planned: Planned): Promise<ObjectResult> {
    const { object, live } = planned;
    const ref = refOf(object);
    if (planned.unchanged) return { ...ref, action: 'unchanged' };
    // Helm's field manager holds every field of the chart it installed; adopting the release means
    // taking them, or the first upgrade would conflict on every changed value.
    const force = takesConflicts(this.input) || planned.fromHelm;
    try {
      checkDeadline(this.clock, this.input.deadline, `applying ${ref.kind}/${ref.name}`);
      const applied = await this.client.apply(object, { force, dryRun: false });
      if (!live || applied.created) return { ...ref, action: 'created' };
      // Not resourceVersion: controllers write status between our read and our apply. What counts is
      // whether the object apart from status and server bookkeeping changed.
      const changed =
        JSON.stringify(normalizeForDiff(live)) !== JSON.stringify(normalizeForDiff(applied.object));
      return { ...ref, action: changed ? 'configured' : 'unchanged' };
    } catch (error) {
      if (!(error instanceof KubeImmutableFieldError) || !replaces(this.input)) return failure(object, error);
      return this.recreate(object, error);
    }
  }

  /** force: only the object whose immutable field changed is deleted, and created again once gone. */
  async recreate(object: KubeObject, cause: KubeImmutableFieldError): Promise<ObjectResult> {
    const ref = refOf(object);
    try {
      await this.client.remove(ref);
      while (await this.client.get(ref)) {
        checkDeadline(this.clock, this.input.deadline, `waiting for ${ref.kind}/${ref.name} to be deleted`);
        await this.clock.sleep(SETTLE_POLL_MS);
      }
      await this.client.apply(object, { force: true, dryRun: false });
      return { ...ref, action: 'recreated', detail: MESSAGES.recreated(cause.fields) };
    } catch (error) {
      return failure(object, error);
    }
  }

  /** CRs cannot be applied until their CRD is Established and discovery serves them. */
  async settleCrds(crds: readonly KubeObject[]): Promise<void> {
    for (const crd of crds) {
      const ref = refOf(crd);
      for (;;) {
        const live = await this.client.get(ref);
        if (live && evaluateHealth(live).state === 'ready') break;
        checkDeadline(this.clock, this.input.deadline, `waiting for ${ref.name} to be established`);
        await this.clock.sleep(SETTLE_POLL_MS);
      }
      const spec = crd.spec as { group?: string; versions?: { name?: string }[] } | undefined;
      for (const version of spec?.versions ?? []) this.client.forget(`${spec?.group}/${version.name}`);
    }
  }

  /**
   * Places every object and reads them all (a list per kind and namespace where that saves calls),
   * then checks ownership: a refusal of any is known before anything is written.
   */
  async planAll(
    objects: readonly KubeObject[],
    deferred: Set<string>,
  ): Promise<(Planned | ObjectResult | undefined)[]> {
    const limit = this.input.concurrency ?? DEFAULT_CONCURRENCY;
    const placements = await mapConcurrently(objects, limit, async (object) => {
      if (deferred.has(`${groupOf(object.apiVersion)}/${object.kind}`)) return undefined;
      try {
        return { placed: await this.place(object) };
      } catch (error) {
        return failure(object, error);
      }
    });
    const placed = placements.flatMap((p) => (p !== undefined && 'placed' in p ? [p.placed] : []));
    const reads = await readLiveObjects(this.client, placed);
    return placements.map((p, i) => {
      if (p === undefined || !('placed' in p)) return p;
      try {
        return this.check(objects[i]!, p.placed, reads.get(identityOf(refOf(p.placed))));
      } catch (error) {
        return failure(objects[i]!, error);
      }
    });
  }

  async run(): Promise<ApplyOutcome> {
    const { ordered } = this;
    const checked = await this.checking;
    const refused = checked.filter((c): c is ObjectResult => c !== undefined && 'action' in c);
    if (refused.length > 0) return { ok: false, results: refused, error: refused[0]!.error! };

    const planned = new Map(ordered.map((o, i) => [o, checked[i] as Planned | undefined]));
    const results: ObjectResult[] = [];
    const limit = this.input.concurrency ?? DEFAULT_CONCURRENCY;
    for (const batch of batchByRank(ordered)) {
      const batchResults = await mapConcurrently(batch, limit, async (object) => {
        try {
          return await this.applyOne(planned.get(object) ?? (await this.plan(object)));
        } catch (error) {
          return failure(object, error);
        }
      });
      for (const result of batchResults) {
        results.push(result);
        this.input.onProgress?.({
          phase: 'apply',
          ref: result,
          action: result.action,
          message: result.error?.message ?? result.action,
        });
      }
      const failed = batchResults.find((r) => r.action === 'failed');
      if (failed) return { ok: false, results, error: failed.error! };
      if (batch[0]?.kind === 'CustomResourceDefinition') {
        try {
          await this.settleCrds(batch);
        } catch (error) {
          const wrapped = error instanceof KubeError ? error : new KubeError(String(error), { cause: error });
          return { ok: false, results, error: wrapped };
        }
      }
    }
    const pruned = await pruneObjects({
      client: this.client,
      objects: ordered,
      previousObjects: this.input.previousObjects ?? [],
      release: this.input.release,
      ...(this.input.onProgress ? { onProgress: this.input.onProgress } : {}),
    });
    results.push(...pruned);
    const prunedFailure = pruned.find((r) => r.action === 'failed');
    return prunedFailure ? { ok: false, results, error: prunedFailure.error! } : { ok: true, results };
  }
}

/**
 * Applies a revision's objects with server-side apply (field manager `quayside`), CRDs and Namespaces
 * first, then in Helm's install order; then deletes what the previous revision had and this one
 * dropped. Every object is checked before any is written: one that belongs to another release (or
 * to none, without takeOwnership), or sits in a namespace not allowed, fails the whole apply with
 * nothing written. Apply stops after the first kind with a failure and then prunes nothing.
 * Never throws for per-object failures: they are in the outcome, typed (KubeConflictError,
 * KubeImmutableFieldError, KubeMissingNamespaceError, KubeUnknownKindError, KubeDeadlineError…).
 */
export async function applyRevision(input: ApplyRevisionInput): Promise<ApplyOutcome> {
  return startApply(input).run();
}

/** An apply whose reads have started (startApply); `run` writes. */
export interface StartedApply {
  /** Applies and prunes as applyRevision does, with the objects as read when the apply started. */
  run(): Promise<ApplyOutcome>;
}

/**
 * Starts an apply: every object is placed, read and checked now, and nothing is written until `run`.
 * For a caller with other work before writing (recording the revision as pending), so that the API
 * server's reads overlap it. What is read is what `run` decides on: nothing may change the objects in
 * between that the caller does not expect (hooks, say, run before the apply, not in between).
 */
export function startApply(input: ApplyRevisionInput): StartedApply {
  const run = new ApplyRun(input);
  return { run: () => run.run() };
}
