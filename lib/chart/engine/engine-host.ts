/**
 * Where the template engine runs: in this thread (the default: Lambda, tests, the library), or in a
 * worker thread (the CLI). Starting the engine — compiling 10 MB of WebAssembly and running Go's
 * start-up — is about 100 ms of one core; in a worker started as the process starts, it runs beside
 * the command's own module loading, chart reading and cluster reads instead of before them.
 * The API is the same either way, and so are the answers: the worker runs this module's in-thread
 * engine and sends back its results and its errors (as the same error classes).
 */
import type { Worker } from 'node:worker_threads';
import { EngineError, TemplateError } from '../errors.ts';
import { ENGINE_MESSAGES } from '../messages.ts';
import * as here from './wasm-engine.ts';

export type {
  EngineDocument,
  EngineFile,
  EngineRequest,
  EngineResponse,
  LookupAnswer,
  YamlMode,
} from './wasm-engine.ts';
export { EngineYamlError, encodeGoValues } from './wasm-engine.ts';

/** A call as the worker receives it. */
export type EngineCall =
  | { id: number; op: 'render'; request: here.EngineRequest }
  | { id: number; op: 'yaml'; mode: here.YamlMode; text: string };

/** An error as it crosses from the worker: enough to throw the same class with the same fields. */
export type SentError =
  | { type: 'template'; message: string; template: string | undefined; phase: 'parse' | 'execute' | 'render' }
  | { type: 'yaml'; message: string }
  | { type: 'engine'; message: string; cause?: string };

/** The worker's answer to one call. */
export type EngineReply = { id: number; value: unknown } | { id: number; error: SentError };

/** What the worker sends for an error thrown by the in-thread engine. */
export function sendableError(error: unknown): SentError {
  if (error instanceof TemplateError)
    return { type: 'template', message: error.message, template: error.template, phase: error.phase };
  if (error instanceof here.EngineYamlError) return { type: 'yaml', message: error.message };
  const cause = error instanceof EngineError ? error.cause : error;
  return {
    type: 'engine',
    message: error instanceof EngineError ? error.message : ENGINE_MESSAGES.crashed,
    ...(cause === undefined ? {} : { cause: String((cause as Error)?.stack ?? cause) }),
  };
}

function receivedError(sent: SentError): Error {
  switch (sent.type) {
    case 'template':
      return new TemplateError(sent.message, sent.template, sent.phase);
    case 'yaml':
      return new here.EngineYamlError(sent.message);
    case 'engine':
      return new EngineError(sent.message, sent.cause === undefined ? {} : { cause: new Error(sent.cause) });
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Where the engine runs when not in this thread: a worker thread, or the native engine's process (native-engine.ts). */
export interface EngineChannel {
  call<T>(call: DistributiveOmit<EngineCall, 'id'>): Promise<T>;
  /** Stops the engine if it owes nothing; a later call starts it again. */
  release(): void;
}

/** A worker thread running the engine; replaced by a new one if it ever stops. */
class WorkerEngine implements EngineChannel {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly url: URL,
    started?: StartedWorker,
  ) {
    // A worker that failed or exited before it was handed over is left; the first call starts another.
    if (started !== undefined && !started.stopped) this.watch(started.worker);
  }

  call<T>(call: DistributiveOmit<EngineCall, 'id'>): Promise<T> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      // The worker holds the process open only while it owes an answer.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...call, id } satisfies EngineCall);
    });
  }

  /**
   * Stops the worker if it owes nothing; a later call starts another. Node joins a worker thread at
   * exit, and its teardown (the engine's ~20 MB of memory and compiled code) then delays the exit.
   */
  release(): void {
    const worker = this.worker;
    if (worker === undefined || this.pending.size > 0) return;
    this.worker = undefined;
    void worker.terminate();
  }

  private start(): Worker {
    // Reached when first needed: the CLI's start-up snapshot holds this module, and cannot hold worker_threads.
    const { Worker } = process.getBuiltinModule('node:worker_threads');
    const worker = new Worker(this.url);
    this.watch(worker);
    return worker;
  }

  private watch(worker: Worker): void {
    this.worker = worker;
    worker.on('message', (reply: EngineReply) => {
      const waiting = this.pending.get(reply.id);
      if (waiting === undefined) return;
      this.settled(reply.id);
      if ('error' in reply) waiting.reject(receivedError(reply.error));
      else waiting.resolve(reply.value);
    });
    const stopped = (cause: unknown) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const error = new EngineError(ENGINE_MESSAGES.crashed, { cause });
      for (const [id, waiting] of this.pending) {
        this.settled(id);
        waiting.reject(error);
      }
    };
    worker.on('error', stopped);
    worker.on('exit', (code) => stopped(new Error(`the engine's worker thread exited with code ${code}`)));
    // A 'message' listener refs the worker again: it holds the process open only while it owes an answer.
    if (this.pending.size === 0) worker.unref();
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Where renders go: a worker thread or the native engine's process; undefined, this thread. */
let channel: EngineChannel | undefined;

/** A worker someone started early (bin/quayside.js, first thing), and whether it has failed or exited since. */
export interface StartedWorker {
  readonly worker: Worker;
  readonly stopped: boolean;
}

/**
 * Runs the engine in a worker thread from now on; `url` is the worker's module
 * (dist/cli/engine-worker.mjs, built from ./engine-worker.ts). Call it before the first render.
 * `started` hands over a worker of that module already started (unref'd), used until it stops.
 */
export function useEngineWorker(url: URL, started?: StartedWorker): void {
  channel = new WorkerEngine(url, started);
}

/**
 * Runs the engine through this channel from now on (the CLI's native engine: native-engine.ts), or, when
 * undefined, in this thread again.
 */
export function useEngineChannel(next: EngineChannel | undefined): void {
  channel = next;
}

/**
 * Says that this process renders nothing more for now: a worker thread running the engine (or the
 * native engine's process) is stopped while other work goes on (an install's apply), instead of at the
 * process's exit. A render after it starts a new one. In this thread, nothing happens.
 */
export function releaseEngineWorker(): void {
  channel?.release();
}

/** Renders a chart tree in the engine. See wasm-engine.ts's runEngine. */
export function runEngine(request: here.EngineRequest): Promise<here.EngineResponse> {
  return channel ? channel.call({ op: 'render', request }) : here.runEngine(request);
}

/** Reads YAML as Helm does. See wasm-engine.ts's readYamlLikeHelm. */
export function readYamlLikeHelm(mode: here.YamlMode, text: string): Promise<unknown> {
  return channel ? channel.call({ op: 'yaml', mode, text }) : here.readYamlLikeHelm(mode, text);
}
