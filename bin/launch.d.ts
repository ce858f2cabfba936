import type { Worker } from 'node:worker_threads';

/** A chart engine worker started before the bundle's code runs (see lib/chart/engine/engine-host.ts). */
export interface StartedEngineWorker {
  readonly worker: Worker;
  stopped: boolean;
}

/** Why the bundle in `${root}dist/cli` must be rebuilt, or undefined when it matches its sources. */
export function staleness(root: string): string | undefined;
/** The commands bin/quayside starts from the CLI's start-up snapshot. */
export const SNAPSHOT_COMMANDS: ReadonlySet<string | undefined>;
/** The blob this process started from (`node --snapshot-blob BLOB`), if any. */
export function snapshotBlobOf(execArgv: readonly string[]): string | undefined;
/** Whether this command renders a chart in this process. */
export function renders(argv: readonly string[], env: NodeJS.ProcessEnv): boolean;
/** Where the bundle's code looks for a chart engine's worker started before it. */
export const ENGINE_WORKER: unique symbol;
/** Starts the chart engine's worker thread from `${root}dist/cli`. */
export function startEngineWorker(root: string, worker: typeof Worker): StartedEngineWorker;
