/**
 * The benchmarks' stopwatch: a process of its own that starts each timed command and times it, spawn to
 * exit, while it does nothing else.
 *
 * The benchmarks serve the simulator from their own process. Timed there, a command's end is seen only
 * when the simulator's event loop is free again: after the work the command left it (a Deployment's
 * ReplicaSet and Pods, made once the command has its answer), tens of ms that the command never
 * waited for, and the more of them the faster its requests arrived. Timed here, a command ends when
 * it exits, as a shell sees it.
 *
 * bench/peers.ts forks this file once and sends it one command at a time over IPC.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface StopwatchCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

interface Request extends StopwatchCommand {
  readonly id: number;
}

export interface StopwatchResult {
  readonly id: number;
  /** Wall time from spawn until the process exited and its output closed, in ms. */
  readonly ms: number;
  /** When it was spawned, in ms since the epoch (the clock the simulator stamps its requests with). */
  readonly startedAt: number;
  readonly code: number | null;
  readonly signal: string | null;
  /** stdout and stderr, interleaved as they came. */
  readonly output: string;
  /** Set when the command could not be started. */
  readonly error?: string;
}

/** A running stopwatch process. It ends with the process that started it. */
export interface Stopwatch {
  time(command: StopwatchCommand): Promise<StopwatchResult>;
}

export function startStopwatch(): Stopwatch {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const waiting = new Map<number, (result: StopwatchResult) => void>();
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure = error;
    for (const resolve of waiting.values())
      resolve({ id: -1, ms: 0, startedAt: 0, code: null, signal: null, output: '', error: error.message });
    waiting.clear();
  };
  child.on('message', (result: StopwatchResult) => {
    const resolve = waiting.get(result.id);
    waiting.delete(result.id);
    resolve?.(result);
  });
  child.on('error', failAll);
  child.on('exit', (code, signal) => failAll(new Error(`the stopwatch exited (${code ?? signal})`)));
  // The benchmark may end while the stopwatch is idle: it does not hold the benchmark open.
  child.unref();
  child.channel?.unref();
  return {
    time: (command) => {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      child.channel?.ref();
      return new Promise<StopwatchResult>((resolve) => {
        waiting.set(id, (result) => {
          if (waiting.size === 0) child.channel?.unref();
          resolve(result);
        });
        child.send({ id, ...command } satisfies Request);
      });
    },
  };
}

/** The stopwatch process itself. */
function serve(): void {
  process.on('message', (request: Request) => {
    const output: Buffer[] = [];
    const started = performance.now();
    // The wall clock, as the simulator stamps its requests: performance.timeOrigin is read once, when
    // this process started, and a long benchmark sees the system clock adjusted since (by 8 s once).
    const startedAt = Date.now();
    const command = spawn(request.file, request.args, {
      env: request.env,
      cwd: request.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    command.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    command.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    let answered = false;
    const answer = (code: number | null, signal: string | null, error?: string) => {
      if (answered) return;
      answered = true;
      const ms = performance.now() - started;
      const result: StopwatchResult = {
        id: request.id,
        ms,
        startedAt,
        code,
        signal,
        output: Buffer.concat(output).toString(),
        ...(error === undefined ? {} : { error }),
      };
      process.send?.(result);
    };
    command.on('error', (thrown) => answer(null, null, thrown.message));
    command.on('close', (code, signal) => answer(code, signal));
  });
  // Gone with the benchmark that forked it.
  process.on('disconnect', () => process.exit(0));
}

if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) serve();
