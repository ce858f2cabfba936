import { userInfo } from 'node:os';
import { releaseEngineWorker } from '../chart/index.ts';
import { type ReleaseId, type Requester, randomId } from '../domain/index.ts';
import {
  type ActionResult,
  type EngineClock,
  type EngineProgress,
  type ImportInput,
  ReleaseEngine,
  type RollbackInput,
  type TestOutcome,
  type UninstallInput,
  type UpgradeInput,
} from '../engine/index.ts';
import { kubeconfigConnectionProvider, systemClock } from '../kube/index.ts';
import type { ReleaseStore } from '../store/index.ts';

/**
 * How the CLI performs the four changing actions. Direct mode runs the engine in this
 * process, as helm does; queued mode (a QueuedRunner) sends a DeployRequest and follows it.
 * Reads never go through a runner: they read the store in both modes.
 */
export interface ActionRunner {
  install(input: UpgradeInput): Promise<ActionResult>;
  upgrade(input: UpgradeInput): Promise<ActionResult>;
  rollback(input: RollbackInput): Promise<ActionResult>;
  uninstall(input: UninstallInput): Promise<ActionResult>;
}

export interface DirectRunnerOptions {
  readonly store: ReleaseStore;
  /** The kubeconfig whose contexts are the clusters. */
  readonly kubeconfig: string;
  readonly clock?: EngineClock;
  readonly newRequestId?: () => string;
  readonly requester?: Requester;
  /** Each engine step as it happens (the CLI prints them with --debug). */
  readonly onProgress?: (event: EngineProgress) => void;
}

/** Runs actions with a ReleaseEngine over the store and the kubeconfig's clusters. */
export class DirectRunner implements ActionRunner {
  readonly engine: ReleaseEngine;
  readonly #options: DirectRunnerOptions;

  constructor(options: DirectRunnerOptions) {
    this.#options = options;
    this.engine = new ReleaseEngine({
      store: options.store,
      connections: kubeconfigConnectionProvider({ file: options.kubeconfig }),
      clock: options.clock ?? systemClock,
      // Every release's helm records kept up to date, not only those that have them already.
      keepHelmRecords: process.env.QUAYSIDE_KEEP_HELM_RECORDS === '1',
    });
  }

  install(input: UpgradeInput): Promise<ActionResult> {
    return this.engine.install(input, this.request({ rendering: true }));
  }

  upgrade(input: UpgradeInput): Promise<ActionResult> {
    return this.engine.upgrade(input, this.request({ rendering: true }));
  }

  rollback(input: RollbackInput): Promise<ActionResult> {
    return this.engine.rollback(input, this.request());
  }

  uninstall(input: UninstallInput): Promise<ActionResult> {
    return this.engine.uninstall(input, this.request());
  }

  /** `import` reads helm's records and writes quayside's store: it runs in this process. */
  import(input: ImportInput): Promise<ActionResult> {
    return this.engine.import(input, this.request());
  }

  helmReleases(input: { cluster: string; namespace?: string }): Promise<ReleaseId[]> {
    return this.engine.helmReleases(input, this.request());
  }

  /** `test` runs in this process in both modes: it changes no revision. */
  test(input: UninstallInput): Promise<TestOutcome> {
    return this.engine.test(input, this.request());
  }

  private request({ rendering = false } = {}) {
    const { onProgress } = this.#options;
    return {
      requestId: this.#options.newRequestId?.() ?? randomId(),
      requestedBy: this.#options.requester ?? { principal: currentUser(), channel: 'cli' },
      onProgress: (event: EngineProgress) => {
        // Install and upgrade take the lease once the chart is rendered: the chart engine's worker thread
        // then stops while the objects are applied, not at exit (install of the bench chart ~3% faster).
        // The other actions render nothing, and the native engine may still have the cluster's
        // certificate to verify: it stays (released then, it would be started again for that).
        if (rendering && event.step === 'lease') releaseEngineWorker();
        onProgress?.(event);
      },
    };
  }
}

/** Who runs the CLI: the OS user. */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export interface RunnerChoice {
  /** --queue-url, else $QUAYSIDE_QUEUE_URL: set means queued mode. */
  readonly queueUrl?: string;
  /** Queued mode only: return once the request is on the queue (--no-follow). */
  readonly follow?: boolean;
  /** Queued mode only: the request's bake (--bake-for, --bake-alarm, --bake-health). */
  readonly bake?: Record<string, unknown>;
  readonly direct: DirectRunnerOptions;
}

/**
 * The seam between direct and queued mode: a queue URL selects the queued runner, none the direct one.
 * The queued runner (and with it the SQS client) is loaded only in queued mode.
 */
export async function createActionRunner(choice: RunnerChoice): Promise<ActionRunner> {
  if (choice.queueUrl !== undefined && choice.queueUrl !== '') {
    const { direct } = choice;
    const { QueuedRunner } = await import('./queued-runner.ts');
    return new QueuedRunner({
      queueUrl: choice.queueUrl,
      store: direct.store,
      clock: direct.clock ?? systemClock,
      requester: direct.requester ?? { principal: currentUser(), channel: 'cli' },
      ...(direct.newRequestId === undefined ? {} : { newRequestId: direct.newRequestId }),
      progress: (line) => process.stderr.write(`${line}\n`),
      follow: choice.follow ?? true,
      ...(choice.bake === undefined ? {} : { bake: choice.bake }),
      dryRunner: () => new DirectRunner(direct),
    });
  }
  return new DirectRunner(choice.direct);
}
