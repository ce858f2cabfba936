import { realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { type ChartSource, parseValueFlags, type Values } from '../chart/index.ts';
import { formatReleaseId, ValidationError } from '../domain/index.ts';
import {
  type ActionOptions,
  type ActionResult,
  type EngineProgress,
  mergeValues,
  type ReleaseEngine,
  type RequestContext,
} from '../engine/index.ts';
import { type AutomationDetail, buildReleaseEvent, type EventPublisher } from '../events/index.ts';
import {
  type DeployRequest,
  type ExecutionResult,
  parseDuration,
  type ChartSource as RequestChartSource,
  type RequestOptions,
  requestDigest,
} from '../requests/index.ts';
import { OperationInProgressError, type ReleaseSummary } from '../store/index.ts';
import { EXECUTE_MESSAGES } from './messages.ts';
import type { ProgressRecorder } from './progress.ts';

export interface ExecutorOptions {
  readonly engine: ReleaseEngine;
  readonly publisher: EventPublisher;
  /**
   * Folders a request's `chart.path` may name (the local stack only, never in AWS); relative paths
   * resolve against the first. None: paths are refused.
   */
  readonly localChartRoots?: readonly string[];
  /** Epoch ms by which every action must be recorded (Lambda: the invocation's deadline less a margin). */
  readonly hardDeadline?: () => number | undefined;
  readonly onProgress?: (request: DeployRequest, event: EngineProgress) => void;
  /** Where each run's progress lines are written for senders following their request. */
  readonly progress?: ProgressRecorder;
  /** Schedules and bakes (lib/automation): guards around each run, and the cause in its events. */
  readonly automation?: ExecutorAutomation;
}

/** The automation's hooks around a run (issue 14); the worker knows nothing more of it. */
export interface ExecutorAutomation {
  /** Before the engine: throws a QuaysideError to refuse an automatic request whose reason is gone. */
  beforeRun(request: DeployRequest): Promise<void>;
  /** After the engine answered, duplicates included, and the events went out: e.g. a bake begins. */
  afterRun(request: DeployRequest, result: ActionResult): Promise<void>;
  /** What the request's status events say of the automation that sent it. */
  eventDetail(request: DeployRequest, result: ActionResult): AutomationDetail | undefined;
}

/**
 * Runs one validated DeployRequest with the engine and publishes its status
 * events (two for an atomic failure: the failure and the automatic rollback).
 * Errors the engine raises are left to the batch processor to classify.
 */
export function createExecutor(
  options: ExecutorOptions,
): (request: DeployRequest) => Promise<ExecutionResult> {
  return async (request) => {
    const head = await assertReleaseFree(options.engine, request);
    await options.automation?.beforeRun(request);
    const hardDeadline = options.hardDeadline?.();
    const context: RequestContext = {
      requestId: request.requestId,
      requestDigest: requestDigest(request),
      requestedBy: request.requestedBy,
      head: head ?? null,
      ...(hardDeadline === undefined ? {} : { hardDeadline }),
      onProgress: (event) => {
        options.progress?.note(request.requestId, event);
        options.onProgress?.(request, event);
      },
    };
    const actionOptions = toActionOptions(request.options);
    const result = await run(options, request, actionOptions, context).finally(() =>
      options.progress?.flush(request.requestId),
    );
    if (!result.duplicate) {
      await options.publisher.publish(
        eventsOf(request, result, options.automation?.eventDetail(request, result)),
      );
    }
    await options.automation?.afterRun(request, result);
    const finished = Date.parse(result.rollback?.finishedAt ?? result.finishedAt);
    return {
      status: result.rollback?.status === 'deployed' ? 'failed' : result.status,
      ...(result.revision === undefined ? {} : { revision: result.revision }),
      description: result.description,
      ...(result.rollback?.status === 'deployed' ? { rolledBack: true } : {}),
      durationMs: Math.max(0, finished - Date.parse(result.startedAt)),
    };
  };
}

/**
 * A release held by another live operation is waited for without loading or rendering anything
 * (the engine would find out too, but only after rendering the chart).
 * @returns the release's head as read (undefined: none), which the engine takes instead of reading it again.
 * @throws OperationInProgressError naming the revision and request the release is held for.
 */
async function assertReleaseFree(
  engine: ReleaseEngine,
  request: DeployRequest,
): Promise<ReleaseSummary | undefined> {
  const { store, clock } = engine.deps;
  const head = await store.getRelease(request.release);
  const lease = head?.lease;
  if (lease === undefined || lease.expiresAt <= clock.now()) return head;
  throw new OperationInProgressError({
    release: formatReleaseId(request.release),
    owner: lease.owner,
    requestId: lease.requestId,
    expiresAt: new Date(lease.expiresAt).toISOString(),
    ...(lease.revision === undefined ? {} : { revision: lease.revision }),
    ...(lease.deadline === undefined ? {} : { deadline: lease.deadline }),
  });
}

async function run(
  options: ExecutorOptions,
  request: DeployRequest,
  actionOptions: ActionOptions,
  context: RequestContext,
): Promise<ActionResult> {
  const { engine } = options;
  switch (request.action) {
    case 'install':
    case 'upgrade': {
      const input = {
        release: request.release,
        chart: toChartSource(request.chart, options.localChartRoots ?? []),
        values: await requestValues(request.values, request),
        options: actionOptions,
      };
      return request.action === 'install' ? engine.install(input, context) : engine.upgrade(input, context);
    }
    case 'rollback':
      return engine.rollback(
        {
          release: request.release,
          revision: request.revision,
          ...(request.guard === undefined ? {} : { guard: request.guard.revision }),
          options: actionOptions,
        },
        context,
      );
    case 'uninstall':
      return engine.uninstall({ release: request.release, options: actionOptions }, context);
    case 'import':
      return engine.import({ release: request.release }, context);
  }
}

/** values, then --set-json, --set, --set-string over them, by Helm's rules. */
async function requestValues(
  values: Values,
  request: { set: readonly string[]; setString: readonly string[]; setJson: readonly string[] },
): Promise<Values> {
  const flags = await parseValueFlags({
    jsonValues: [...request.setJson],
    values: [...request.set],
    stringValues: [...request.setString],
  });
  return mergeValues(values, flags);
}

export function toActionOptions(options: RequestOptions): ActionOptions {
  return {
    wait: options.wait,
    waitForJobs: options.waitForJobs,
    timeoutMs: parseDuration(options.timeout),
    atomic: options.atomic,
    cleanupOnFail: options.cleanupOnFail,
    reuseValues: options.reuseValues,
    resetValues: options.resetValues,
    resetThenReuseValues: options.resetThenReuseValues,
    dryRun: options.dryRun,
    ...(options.description === undefined ? {} : { description: options.description }),
    historyMax: options.historyMax,
    force: options.force,
    forceConflicts: options.forceConflicts,
    forceReplace: options.forceReplace,
    keepHistory: options.keepHistory,
    createNamespace: options.createNamespace,
    takeOwnership: options.takeOwnership,
    disableHooks: options.disableHooks,
    install: options.install,
    ...(options.helmRecords === undefined ? {} : { helmRecords: options.helmRecords }),
  };
}

/**
 * The engine's chart source for a request's chart. A `path` is read only when the worker has chart
 * roots (the local stack), and only inside one of them: it is resolved against the first root
 * (never the worker's own folder) and refused, before anything is read, when it or the real path
 * behind its symlinks lies outside every root.
 * @throws ValidationError for a path when the worker reads no charts from its disk, or one outside its roots.
 */
export function toChartSource(
  chart: RequestChartSource,
  localChartRoots: readonly string[] = [],
): ChartSource {
  if ('repo' in chart) {
    return {
      kind: 'repository',
      repoUrl: chart.repo,
      chart: chart.name,
      ...(chart.version === undefined ? {} : { version: chart.version }),
    };
  }
  if ('oci' in chart)
    return {
      kind: 'oci',
      reference: chart.oci,
      ...(chart.version === undefined ? {} : { version: chart.version }),
    };
  if ('inline' in chart) return { kind: 'archive-base64', data: chart.inline };
  const [first] = localChartRoots;
  if (first === undefined) {
    throw new ValidationError([{ field: 'chart.path', message: EXECUTE_MESSAGES.noLocalCharts }]);
  }
  const path = resolve(first, chart.path);
  const inside = (candidate: string) =>
    localChartRoots.some((root) => {
      const base = realOrResolved(root);
      return candidate === base || candidate.startsWith(`${base}${sep}`);
    });
  if (!inside(path) || !inside(realOrResolved(path))) {
    throw new ValidationError([
      { field: 'chart.path', message: EXECUTE_MESSAGES.outsideRoots(localChartRoots.map((r) => resolve(r))) },
    ]);
  }
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    // A missing path is reported by the chart loader, with the path.
  }
  return isFile ? { kind: 'archive-file', path } : { kind: 'directory', path };
}

/** The real path (symlinks resolved) when it exists, else the resolved one. */
function realOrResolved(path: string): string {
  try {
    return realpathSync(resolve(path));
  } catch {
    return resolve(path);
  }
}

function eventsOf(request: DeployRequest, result: ActionResult, automation: AutomationDetail | undefined) {
  const one = (r: ActionResult, requestId: string) =>
    buildReleaseEvent({
      requestId,
      action: r.action,
      release: r.release,
      status: r.status,
      description: r.description,
      ...(r.revision === undefined ? {} : { revision: r.revision }),
      ...(r.previousRevision === undefined ? {} : { previousRevision: r.previousRevision }),
      // The event schema's rollbackTo: which revision a rollback copied (the notifier says so).
      ...(r.rollbackTo === undefined ? {} : { rollbackTo: r.rollbackTo }),
      ...(r.chart === undefined ? {} : { chart: r.chart }),
      requestedBy: request.requestedBy,
      startedAt: Date.parse(r.startedAt),
      finishedAt: Date.parse(r.finishedAt),
      objects: r.objects,
      ...(r.error === undefined ? {} : { error: new ActionFailure(r.error.message) }),
      ...(automation === undefined ? {} : { automation }),
    });
  const events = [one(result, request.requestId)];
  if (result.rollback !== undefined) events.push(one(result.rollback, `${request.requestId}:rollback`));
  return events;
}

/** The reason an action failed, as quayside wrote it (it names objects and images, never values). */
class ActionFailure extends ValidationError {
  constructor(message: string) {
    super([]);
    this.message = message;
    this.name = 'ActionFailed';
  }
}
