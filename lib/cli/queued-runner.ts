import { readFile } from 'node:fs/promises';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ChartInvalidError, type ChartSource, packChartDirectory } from '../chart/index.ts';
import { type FollowUpdate, followRequest, sendRequest } from '../client/index.ts';
import { type Action, type ReleaseId, type Requester, randomId, ValidationError } from '../domain/index.ts';
import type {
  ActionOptions,
  ActionResult,
  EngineClock,
  RollbackInput,
  UninstallInput,
  UpgradeInput,
} from '../engine/index.ts';
import { formatDuration } from '../requests/index.ts';
import type { ReleaseStore } from '../store/index.ts';
import { MESSAGES } from './messages.ts';
import type { ActionRunner } from './runner.ts';

export interface QueuedRunnerOptions {
  readonly queueUrl: string;
  /** The store the worker writes to: requests are followed through it. */
  readonly store: ReleaseStore;
  readonly clock: EngineClock;
  readonly requester: Requester;
  readonly newRequestId?: () => string;
  /** Progress lines (stderr). */
  readonly progress: (line: string) => void;
  /** An SQS client; by default the SDK's, which honours AWS_ENDPOINT_URL_SQS, AWS_REGION and the credentials chain. */
  readonly sqs?: SQSClient;
  /** false: return as soon as the request is on the queue (its result carries only the request id). */
  readonly follow?: boolean;
  /** Runs a --dry-run: it records nothing, so it runs in this process, as in direct mode. */
  readonly dryRunner?: () => ActionRunner;
  /** The bake each install, upgrade or rollback request carries (issue 14). */
  readonly bake?: Record<string, unknown>;
}

/** The request was refused by the worker; its reason names what is wrong. */
export class RequestRejectedError extends ValidationError {
  constructor(requestId: string, reason: string) {
    super([{ field: 'request', message: `request ${requestId} was rejected: ${reason}` }]);
    this.message = `request ${requestId} was rejected: ${reason}`;
  }
}

/** The request is still queued or running when following stops; it goes on without us. */
export class NoOutcomeYetError extends Error {}

/**
 * Queued mode: each action becomes a DeployRequest on the worker's FIFO queue,
 * followed through the store until its revision is final (or it is refused).
 */
export class QueuedRunner implements ActionRunner {
  constructor(private readonly options: QueuedRunnerOptions) {}

  install(input: UpgradeInput): Promise<ActionResult> {
    if (input.options?.dryRun) return this.dryRun().install(input);
    return this.change('install', input);
  }

  upgrade(input: UpgradeInput): Promise<ActionResult> {
    if (input.options?.dryRun) return this.dryRun().upgrade(input);
    return this.change('upgrade', input);
  }

  rollback(input: RollbackInput): Promise<ActionResult> {
    if (input.options?.dryRun) return this.dryRun().rollback(input);
    return this.run('rollback', input.release, input.options ?? {}, { revision: input.revision ?? 0 });
  }

  uninstall(input: UninstallInput): Promise<ActionResult> {
    if (input.options?.dryRun) return this.dryRun().uninstall(input);
    return this.run('uninstall', input.release, input.options ?? {}, {});
  }

  private dryRun(): ActionRunner {
    if (this.options.dryRunner === undefined) {
      throw new ValidationError([
        { field: '--dry-run', message: 'a dry run needs no queue: run it without --queue-url' },
      ]);
    }
    return this.options.dryRunner();
  }

  private async change(action: 'install' | 'upgrade', input: UpgradeInput): Promise<ActionResult> {
    // Integers from --set are bigint; the request is JSON.
    const values = JSON.parse(
      JSON.stringify(input.values ?? {}, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)),
    );
    const chart = await requestChart(input.chart);
    return this.run(action, input.release, input.options ?? {}, { chart, values });
  }

  private async run(
    action: Action,
    release: ReleaseId,
    options: ActionOptions,
    rest: Record<string, unknown>,
  ): Promise<ActionResult> {
    const requestId = this.options.newRequestId?.() ?? randomId();
    const startedAt = this.options.clock.now();
    const sqs = this.options.sqs ?? new SQSClient({});
    try {
      await sendRequest(sqs, this.options.queueUrl, {
        version: 'v1',
        requestId,
        action,
        release,
        ...rest,
        options: requestOptions(action, options),
        ...(this.options.bake === undefined || action === 'uninstall' ? {} : { bake: this.options.bake }),
        requestedBy: this.options.requester,
        requestedAt: new Date(startedAt).toISOString(),
      });
    } finally {
      if (this.options.sqs === undefined) sqs.destroy();
    }
    this.options.progress(
      `request ${requestId} queued for ${release.cluster}/${release.namespace}/${release.name}`,
    );
    if (this.options.follow === false) {
      const at = new Date(this.options.clock.now()).toISOString();
      const description = `queued as request ${requestId}`;
      return {
        release,
        action,
        status: 'unknown',
        description,
        objects: [],
        requestId,
        startedAt: at,
        finishedAt: at,
      };
    }
    const end = await this.follow(release, requestId, options.timeoutMs);
    const result = this.resultOf(action, release, end, startedAt, requestId);
    if (result.status !== 'failed' || !options.atomic) return result;
    const rollback = await this.follow(release, `${requestId}:rollback`, options.timeoutMs);
    return {
      ...result,
      rollback: this.resultOf('rollback', release, rollback, startedAt, `${requestId}:rollback`),
    };
  }

  private follow(
    release: ReleaseId,
    requestId: string,
    timeoutMs: number | undefined,
  ): Promise<FollowUpdate> {
    return followRequest({
      store: this.options.store,
      release,
      requestId,
      clock: this.options.clock,
      // Time in the queue comes on top of the action's own timeout.
      until: this.options.clock.now() + (timeoutMs ?? 300_000) + 120_000,
      onUpdate: (update) => this.options.progress(describe(update)),
    });
  }

  private resultOf(
    action: Action,
    release: ReleaseId,
    end: FollowUpdate,
    startedAt: number,
    requestId: string,
  ): ActionResult {
    if (end.kind === 'rejected') throw new RequestRejectedError(requestId, end.reason);
    if (end.kind !== 'finished') {
      throw new NoOutcomeYetError(`request ${requestId} has no outcome yet; it is still queued or running`);
    }
    const meta = end.revision;
    return {
      release,
      // upgrade --install of a missing release made an install: say so, as direct mode does.
      action: meta?.action ?? action,
      status: meta?.status ?? (action === 'uninstall' ? 'uninstalled' : 'unknown'),
      ...(meta === undefined ? {} : { revision: meta.revision, chart: meta.chart }),
      description: meta?.description ?? (action === 'uninstall' ? 'Uninstallation complete' : ''),
      objects: [],
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(this.options.clock.now()).toISOString(),
    };
  }
}

/**
 * Where the worker finds the chart. A local directory or .tgz travels inside the request as a
 * base64 .tgz: the worker may run elsewhere (Lambda), and a relative path would resolve in the
 * worker's folder, not the sender's.
 */
export async function requestChart(chart: ChartSource): Promise<Record<string, unknown>> {
  switch (chart.kind) {
    case 'directory':
      return { inline: Buffer.from(await packChartDirectory(chart.path)).toString('base64') };
    case 'archive-file':
      return { inline: await readArchive(chart.path) };
    case 'archive-base64':
      return { inline: chart.data };
    case 'repository':
      return {
        repo: chart.repoUrl,
        name: chart.chart,
        ...(chart.version === undefined ? {} : { version: chart.version }),
      };
    case 'oci':
      return { oci: chart.reference, ...(chart.version === undefined ? {} : { version: chart.version }) };
  }
}

/** The request's options: only what was set, so the worker's defaults and checks apply as for any producer. */
async function readArchive(path: string): Promise<string> {
  try {
    return (await readFile(path)).toString('base64');
  } catch (error) {
    throw new ChartInvalidError(MESSAGES.cannotReadChart(path), { cause: error });
  }
}

export function requestOptions(action: Action, o: ActionOptions): Record<string, unknown> {
  const changing = action === 'install' || action === 'upgrade';
  const entries: Array<[string, unknown]> = [
    ['wait', o.wait],
    ['waitForJobs', action === 'uninstall' ? undefined : o.waitForJobs || undefined],
    ['timeout', o.timeoutMs === undefined ? undefined : formatDuration(o.timeoutMs)],
    ['atomic', action === 'uninstall' ? undefined : o.atomic || undefined],
    ['cleanupOnFail', changing ? o.cleanupOnFail || undefined : undefined],
    ['reuseValues', action === 'upgrade' ? o.reuseValues || undefined : undefined],
    ['resetValues', action === 'upgrade' ? o.resetValues || undefined : undefined],
    ['resetThenReuseValues', action === 'upgrade' ? o.resetThenReuseValues || undefined : undefined],
    ['description', o.description],
    ['historyMax', action === 'uninstall' ? undefined : o.historyMax],
    ['force', action === 'uninstall' ? undefined : o.force || undefined],
    ['forceConflicts', action === 'uninstall' ? undefined : o.forceConflicts || undefined],
    ['forceReplace', action === 'uninstall' ? undefined : o.forceReplace || undefined],
    ['keepHistory', action === 'uninstall' ? o.keepHistory || undefined : undefined],
    ['createNamespace', changing ? o.createNamespace || undefined : undefined],
    ['takeOwnership', changing ? o.takeOwnership || undefined : undefined],
    ['disableHooks', o.disableHooks || undefined],
    ['install', action === 'upgrade' ? o.install || undefined : undefined],
    ['helmRecords', o.helmRecords],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

function describe(update: FollowUpdate): string {
  const elapsed = `${(update.elapsedMs / 1000).toFixed(1)} s`;
  switch (update.kind) {
    case 'queued':
      return `  waiting in the queue (${elapsed})`;
    case 'step':
      return `    ${update.message} (${elapsed})`;
    case 'running':
    case 'finished':
      return update.revision === undefined
        ? `  done (${elapsed})`
        : `  revision ${update.revision.revision} ${update.revision.status}: ${update.revision.description} (${elapsed})`;
    case 'rejected':
      return `  rejected (${elapsed})`;
    case 'gave-up':
      return `  no outcome after ${elapsed}`;
    case 'store-unavailable':
      return `  the store does not answer (${update.reason}); still following (${elapsed})`;
  }
}
