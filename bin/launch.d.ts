import type { ChildProcess, spawn } from 'node:child_process';
import type { Worker } from 'node:worker_threads';

/** A chart engine worker started before the bundle's code runs (see lib/chart/engine/engine-host.ts). */
export interface StartedEngineWorker {
  readonly worker: Worker;
  stopped: boolean;
}

/**
 * The native chart engine's process as the CLI uses it: a child process Node spawned, or the one
 * bin/quayside started and this process took over (adoptEngineProcess; `exit` then comes with neither
 * a code nor a signal).
 */
export type EngineProcess = Pick<
  ChildProcess,
  'stdin' | 'stdout' | 'stderr' | 'on' | 'ref' | 'unref' | 'kill'
>;

/** A native chart engine started before the bundle's code runs (see lib/chart/engine/native-engine.ts). */
export interface StartedEngineProcess {
  readonly child: EngineProcess;
  stopped: boolean;
}

/** The chart engine startEngine started: the native one (its path), or a worker (its module's path). */
export type StartedEngine =
  | { readonly native: string; readonly started: StartedEngineProcess }
  | { readonly worker: string; readonly started: StartedEngineWorker };

/** Why the bundle in `${root}dist/cli` must be rebuilt, or undefined when it matches its sources. */
export function staleness(root: string): string | undefined;
/** Whether the bundle must be rebuilt: staleness's check, its stats made off this thread. */
export function isStale(root: string): Promise<boolean>;
/** The commands bin/quayside starts from the CLI's start-up snapshot. */
export const SNAPSHOT_COMMANDS: ReadonlySet<string | undefined>;
/** The blob this process started from (`node --snapshot-blob BLOB`), if any. */
export function snapshotBlobOf(execArgv: readonly string[]): string | undefined;
/** What this command needs of the chart engine: to render a chart here, to verify a cluster's certificate, or nothing. */
export function engineNeeds(argv: readonly string[], env: NodeJS.ProcessEnv): 'render' | 'verify' | undefined;
/** The engine this command starts first thing (`needs` undefined: none), and the native engine's path if one ships. */
export function engineFor(
  root: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { needs: 'render' | 'verify' | undefined; native: string | undefined };
/** Where the bundle's code looks for a chart engine's worker started before it. */
export const ENGINE_WORKER: unique symbol;
/** Starts the chart engine's worker thread from `${root}dist/cli`. */
export function startEngineWorker(root: string, worker: typeof Worker): StartedEngineWorker;
/** The native chart engine's file name for this machine (`engine-linux-x64`). */
export function nativeEngineName(): string;
/** The native chart engine in the folder `dir` (with its trailing slash), or why there is none to run. */
export function nativeEngineIn(dir: string, env: NodeJS.ProcessEnv): { path: string } | { unusable: string };
/** The native chart engine for this machine in `${root}dist/cli`, unless QUAYSIDE_ENGINE=wasm or none ships for it. */
export function nativeEngineOf(root: string, env: NodeJS.ProcessEnv): string | undefined;
/** Whether the native engine's process and its pipes keep this process alive. */
export function holdEngineOpen(child: EngineProcess, hold: boolean): void;
/** Starts the native chart engine at `path`, unref'd. */
export function startEngineProcess(
  path: string,
  spawnEngine: typeof spawn,
): StartedEngineProcess & { readonly child: ChildProcess };
/** The environment variable in which bin/quayside names the native engine it started (its process id). */
export const ENGINE_HANDOFF: 'QUAYSIDE_ENGINE_HANDOFF';
/** Takes over the native engine bin/quayside started (process `pid`, a child of this one), or undefined when it cannot. */
export function adoptEngineProcess(pid: number): StartedEngineProcess | undefined;
/** The process id of the engine bin/quayside started for this command, if any; removes the variable from `env`. */
export function handedEngine(env: NodeJS.ProcessEnv): number | undefined;
/** Ends a handed engine this command does not take over. */
export function dismissEngine(pid: number): void;
/**
 * Starts the chart engine for a rendering command: the native one at `native` when given (the one
 * bin/quayside started, `handed`, when it can be taken over), else the worker.
 */
export function startEngine(root: string, native: string | undefined, handed?: number): StartedEngine;
/** Stops an engine startEngine started. */
export function stopEngine(engine: StartedEngine): Promise<void>;
