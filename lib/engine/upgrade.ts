import {
  type Chart,
  type ClusterCapabilities,
  type ClusterLookup,
  loadChart,
  type RenderedRelease,
  renderChart,
  type Values,
} from '../chart/index.ts';
import {
  type Action,
  type ChartRef,
  descriptions,
  type HookRecord,
  type ObjectResult,
  ReleaseNotFoundError,
  type Revision,
  type RevisionBody,
  type RevisionMeta,
  toIso,
} from '../domain/index.ts';
import { clusterLookup, diffRevision, type KubeObject, readClusterCapabilities } from '../kube/index.ts';
import type { Lease, ReleaseSummary } from '../store/index.ts';
import { planDeadlines } from './deadline.ts';
import { ReleaseExistsError } from './errors.ts';
import {
  applyAndWait,
  asStepFailure,
  deleteManifestObjects,
  openSteps,
  progress,
  runHooks,
  runsHooks,
  type StepContext,
  startApplying,
  underLease,
} from './kube-steps.ts';
import { joinManifests, parseManifest } from './manifest.ts';
import { objectsReleaseMayOwn } from './owned.ts';
import { duplicateResult, ensureNamespace, finishedEarlier, finishFailed, resultOf } from './record.ts';
import { rollbackRelease } from './rollback.ts';
import type { ActionResult, EngineDeps, RequestContext, UpgradeInput } from './types.ts';
import { resolveUpgradeValues } from './values.ts';

interface Prepared {
  readonly head: ReleaseSummary | undefined;
  readonly isInstall: boolean;
  /** The revision values are reused from: the deployed one, else the latest. */
  readonly current: Revision | undefined;
  /** Objects the release may own (see objectsReleaseMayOwn), for pruning. */
  readonly previousObjects: KubeObject[];
  /** Objects of the deployed revision, whose apply completed: unchanged ones need not be sent again. */
  readonly settledObjects: KubeObject[];
  readonly chart: Chart;
  readonly config: Values;
  readonly chartDefaults: Values | undefined;
}

/**
 * install and upgrade (`upgrade --install` when options.install): prepare and
 * render before taking the lease, so bad input changes nothing; then record
 * pending → hooks → apply and prune → wait → hooks → record the outcome. With
 * atomic, a failure is followed by a rollback to the last deployed revision.
 * @throws ReleaseNotFoundError (upgrade of an unknown release), ReleaseExistsError (install over a live one),
 *   chart errors, OperationInProgressError (retryable).
 */
export async function upgradeRelease(
  deps: EngineDeps,
  input: UpgradeInput,
  request: RequestContext,
  mode: 'install' | 'upgrade',
): Promise<ActionResult> {
  const startedAt = deps.clock.now();
  const options = input.options ?? {};
  // A redelivered request that already ran answers as it did, before any check that its own run would now fail.
  const earlier = await finishedEarlier(deps, input.release, request);
  if (earlier !== undefined) {
    return settleDuplicate(deps, {
      input,
      request,
      meta: earlier.revision,
      startedAt,
      action: earlier.revision?.action ?? mode,
    });
  }
  // The cluster is read while the release and its chart are (each mostly waits: on the API server, on
  // the store, on the chart engine's start); a failure of prepare's still comes first.
  const reading = readCluster(deps, input, request);
  reading.catch(() => {});
  const prepared = await prepare(deps, input, mode, request.head);
  const action = prepared.isInstall ? 'install' : 'upgrade';
  const predicted = (prepared.head?.lastRevision ?? 0) + 1;
  const cluster = await reading;
  let rendered = await render(input, prepared, predicted, cluster);
  const { ctx, deadlines } = await openSteps({ deps, release: input.release, request, options });
  const { connection } = ctx;

  if (options.dryRun) {
    const diff = await diffRevision({
      connection,
      objects: objectsOf(rendered, prepared.isInstall),
      previousObjects: prepared.previousObjects,
      release: { name: input.release.name, namespace: input.release.namespace },
      force: options.force ?? false,
      forceConflicts: options.forceConflicts ?? false,
      forceReplace: options.forceReplace ?? false,
      takeOwnership: options.takeOwnership ?? false,
      deadline: deadlines.work,
      clock: deps.clock,
    });
    return {
      release: input.release,
      action,
      status: 'dry-run',
      description: 'Dry run complete',
      chart: chartRef(rendered),
      objects: [],
      diff,
      startedAt: toIso(startedAt),
      finishedAt: toIso(deps.clock.now()),
      ...(prepared.head?.deployedRevision === undefined
        ? {}
        : { previousRevision: prepared.head.deployedRevision }),
    };
  }

  const [pre, post] = prepared.isInstall ? ['pre-install', 'post-install'] : ['pre-upgrade', 'post-upgrade'];
  let body = bodyOf(prepared, rendered);
  let manifestObjects = objectsOf(rendered, prepared.isInstall);
  // The cluster's copies of the objects are read and checked while the pending record is written, unless
  // something runs between the two that could change what they read: a hook, or creating the namespace.
  // Nothing is written to the cluster before the record.
  let started =
    options.createNamespace || runsHooks(ctx, rendered.hooks, pre)
      ? undefined
      : startApplying(ctx, manifestObjects, prepared.previousObjects, prepared.settledObjects);
  // One turn of the event loop first, so that those reads are on their way: a file store writes the
  // record synchronously, fsync included, and would otherwise hold them back until it is done (install
  // of the bench chart 0.97–0.98 of its time, 41 alternating runs each way).
  if (started !== undefined) await new Promise<void>((resolve) => setImmediate(resolve));

  progress(ctx, 'lease', `recording revision ${predicted} as pending`);
  // What is about to be applied is on record before anything is applied: a run killed part way
  // leaves a revision whose manifest names every object it may have created.
  const begun = await deps.store.begin({
    release: input.release,
    requestId: request.requestId,
    action,
    requestedBy: request.requestedBy,
    chart: chartRef(rendered),
    ...(options.description === undefined ? {} : { description: options.description }),
    body,
    leaseExpiresAt: deadlines.lease,
    renewUntil: deadlines.renewUntil,
    ...(request.requestDigest === undefined ? {} : { requestDigest: request.requestDigest }),
    ...(options.historyMax === undefined ? {} : { historyMax: options.historyMax }),
  });
  if (begun.kind === 'duplicate') {
    return settleDuplicate(deps, { input, request, meta: begun.revision, startedAt, action });
  }
  let lease = begun.lease;
  return underLease(ctx, lease, async () => {
    if (lease.revision !== predicted) {
      // Another revision number (a race, or a resumed run): render for it and record that instead.
      rendered = await render(input, prepared, lease.revision, cluster);
      body = bodyOf(prepared, rendered);
      lease = await deps.store.recordBody(lease, body);
      manifestObjects = objectsOf(rendered, prepared.isInstall);
      started = undefined;
    }
    let hooks: HookRecord[] = [...body.hooks];
    let objects: ObjectResult[] = [];
    try {
      if (options.createNamespace) await ensureNamespace(ctx);
      hooks = await runHooks(ctx, hooks, pre);
      objects = await applyAndWait(
        ctx,
        manifestObjects,
        prepared.previousObjects,
        prepared.settledObjects,
        started,
      );
      hooks = await runHooks(ctx, hooks, post);
    } catch (thrown) {
      const error = asStepFailure(thrown);
      if (error === undefined) throw thrown;
      return fail(deps, {
        ctx,
        input,
        lease,
        body: { ...body, hooks, objects: error.objects },
        reason: error.reason,
        prepared,
        startedAt,
        manifestObjects,
      });
    }
    progress(ctx, 'record', `recording revision ${lease.revision} as deployed`);
    const meta = await deps.store.finish({
      lease,
      status: 'deployed',
      description:
        options.description ??
        (prepared.isInstall ? descriptions.installComplete() : descriptions.upgradeComplete()),
      body: { ...body, hooks, objects },
    });
    return resultOf({ meta, objects, startedAt, deps, previousRevision: lease.deployedAtStart });
  });
}

async function prepare(
  deps: EngineDeps,
  input: UpgradeInput,
  mode: 'install' | 'upgrade',
  known: ReleaseSummary | null | undefined,
): Promise<Prepared> {
  const options = input.options ?? {};
  // The chart loads while the store is read; the store's verdict (exists, not found) still comes first.
  const loading = (deps.loadChart ?? loadChart)(input.chart);
  loading.catch(() => {});
  const head = known === undefined ? await deps.store.getRelease(input.release) : (known ?? undefined);
  // Installing is allowed over a name whose history holds nothing live: every revision failed or uninstalled.
  const live = head !== undefined && head.deployedRevision !== undefined;
  if (mode === 'install' && live) throw new ReleaseExistsError(input.release.name, input.release.namespace);
  if (mode === 'upgrade' && head === undefined && !options.install)
    throw new ReleaseNotFoundError(input.release);
  const isInstall = head === undefined || (mode === 'install' && !live);
  const current =
    head === undefined
      ? undefined
      : await deps.store.getRevision(input.release, head.deployedRevision ?? head.latestRevision);
  const chart = await loading;
  const resolved = isInstall
    ? { config: input.values ?? {} }
    : resolveUpgradeValues(input.values ?? {}, current, options);
  return {
    head,
    isInstall,
    current,
    previousObjects: await objectsReleaseMayOwn(deps.store, input.release, head),
    settledObjects:
      current !== undefined && current.revision === head?.deployedRevision
        ? parseManifest(current.body.manifest)
        : [],
    chart,
    config: resolved.config,
    chartDefaults: resolved.chartDefaults,
  };
}

/** What charts see of the target cluster: .Capabilities and `lookup`, as `helm install` gives them. */
interface ClusterView {
  readonly capabilities: ClusterCapabilities;
  readonly lookup: ClusterLookup;
}

/**
 * Reads the target cluster's version and API versions for .Capabilities, and opens `lookup` on it
 * with the access this worker has, as helm install, upgrade and --dry-run=server do.
 */
async function readCluster(
  deps: EngineDeps,
  input: UpgradeInput,
  request: RequestContext,
): Promise<ClusterView> {
  const connection = await deps.connections.connect(input.release.cluster);
  const read = {
    connection,
    clock: deps.clock,
    deadline: planDeadlines(deps, request, input.options?.timeoutMs).work,
  };
  const capabilities = await readClusterCapabilities(read);
  const lookup = clusterLookup(read);
  return { capabilities, lookup: (call) => lookup(call) as Promise<Record<string, unknown> | undefined> };
}

async function render(
  input: UpgradeInput,
  prepared: Prepared,
  revision: number,
  cluster: ClusterView,
): Promise<RenderedRelease> {
  const chart =
    prepared.chartDefaults === undefined
      ? prepared.chart
      : { ...prepared.chart, values: prepared.chartDefaults };
  return renderChart({
    chart,
    values: prepared.config,
    release: {
      name: input.release.name,
      namespace: input.release.namespace,
      revision,
      isInstall: prepared.isInstall,
      isUpgrade: !prepared.isInstall,
    },
    capabilities: { cluster: cluster.capabilities },
    lookup: cluster.lookup,
  });
}

/** The revision body as recorded before anything is applied: no hooks run, no object results yet. */
function bodyOf(prepared: Prepared, rendered: RenderedRelease): RevisionBody {
  return {
    config: prepared.config,
    values: rendered.computedValues,
    manifest: joinManifests(rendered.manifests),
    notes: rendered.notes,
    hooks: rendered.hooks,
    objects: [],
  };
}

/** What gets applied: CRDs from crds/ on install (as Helm does), then the manifest. */
function objectsOf(rendered: RenderedRelease, isInstall: boolean): KubeObject[] {
  const crds = isInstall ? rendered.crds.flatMap((crd) => parseManifest(crd.content)) : [];
  return [...crds, ...parseManifest(joinManifests(rendered.manifests))];
}

export function chartRef(rendered: RenderedRelease): ChartRef {
  return {
    name: rendered.chart.name,
    version: rendered.chart.version,
    ...(rendered.chart.appVersion === '' ? {} : { appVersion: rendered.chart.appVersion }),
  };
}

interface FailInput {
  readonly ctx: StepContext;
  readonly input: UpgradeInput;
  readonly lease: Lease;
  readonly body: RevisionBody;
  readonly reason: string;
  readonly prepared: Prepared;
  readonly startedAt: number;
  /** The objects the apply was given (CRDs, then the manifest's). */
  readonly manifestObjects: readonly KubeObject[];
}

/** Records the failure; then cleans up (cleanup-on-fail) or rolls back (atomic) as asked. */
async function fail(deps: EngineDeps, f: FailInput): Promise<ActionResult> {
  const { ctx, input, lease } = f;
  const options = input.options ?? {};
  if (options.cleanupOnFail && !options.atomic) {
    const created = f.body.objects.filter((o) => o.action === 'created');
    const mine = f.manifestObjects.filter((object) =>
      created.some((c) => c.kind === object.kind && c.name === object.metadata.name),
    );
    await deleteManifestObjects(
      { ...ctx, workDeadline: Math.max(ctx.workDeadline, deps.clock.now() + 30_000) },
      mine,
    );
  }
  const description = f.prepared.isInstall
    ? descriptions.installFailed(input.release.name, f.reason)
    : descriptions.upgradeFailed(input.release.name, f.reason);
  const failed = await finishFailed(deps, {
    lease,
    description,
    body: f.body,
    startedAt: f.startedAt,
    reason: f.reason,
  });
  const target = lease.deployedAtStart;
  if (!options.atomic || target === undefined) return failed;
  return { ...failed, rollback: await atomicRollback(deps, ctx.request, input, target) };
}

/** The automatic rollback of atomic: its own revision, request id and time budget. */
/**
 * The answer to a request that already ran. A run that recorded its failure
 * but died before its atomic rollback still owes the rollback: it runs now,
 * under its own request id, so it too happens once.
 */
async function settleDuplicate(
  deps: EngineDeps,
  d: {
    input: UpgradeInput;
    request: RequestContext;
    meta: RevisionMeta | undefined;
    startedAt: number;
    action: Action;
  },
): Promise<ActionResult> {
  const result = duplicateResult(d.input.release, d.action, d.meta, d.startedAt, deps);
  if (result.status !== 'failed' || !d.input.options?.atomic) return result;
  const head = await deps.store.getRelease(d.input.release);
  if (head?.deployedRevision === undefined || head.deployedRevision === d.meta?.revision) return result;
  return { ...result, rollback: await atomicRollback(deps, d.request, d.input, head.deployedRevision) };
}

function atomicRollback(
  deps: EngineDeps,
  request: RequestContext,
  input: UpgradeInput,
  target: number,
): Promise<ActionResult> {
  request.onProgress?.({
    at: deps.clock.now(),
    step: 'rollback',
    message: `atomic: rolling back to revision ${target}`,
  });
  return rollbackRelease(
    deps,
    {
      release: input.release,
      revision: target,
      options: { ...(input.options ?? {}), atomic: false, dryRun: false },
    },
    { ...request, requestId: `${request.requestId}:rollback` },
  );
}
