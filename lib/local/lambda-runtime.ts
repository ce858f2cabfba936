import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';

/** One function of the local stack, run as Lambda runs it. */
export interface LocalFunctionOptions {
  readonly name: string;
  /** The bundle's index.mjs, as deployed. */
  readonly bundle: string;
  /** The sandbox bootstrap (lib/local/lambda-sandbox.mjs). */
  readonly sandboxScript: string;
  /** The function's own environment variables, as the stack sets them in AWS. */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** Execution environments at most (reserved concurrency). */
  readonly maxConcurrency: number;
  readonly region?: string;
  /** Each line the function writes (its logs: JSON from Powertools, EMF metrics). */
  readonly onLog?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export type InvokeResult =
  | { readonly ok: true; readonly result: unknown; readonly initMs?: number; readonly durationMs: number }
  | {
      readonly ok: false;
      /** error: the handler threw; timeout: killed at the function timeout; crash: the process died. */
      readonly kind: 'error' | 'timeout' | 'crash';
      readonly error: { readonly errorType: string; readonly errorMessage: string };
      readonly durationMs: number;
    };

export interface LocalFunction {
  readonly name: string;
  /** Runs one invocation in a free environment (a new one, cold, when none is free). */
  invoke(event: unknown): Promise<InvokeResult>;
  /**
   * Process ids of the environments (chaos tests kill -9 them): all of them, or with `working`
   * only those at least WORKING_AFTER_MS into an invocation past their init. A crash earlier is
   * another failure: until the function's first visibility change reaches the queue (10–70 ms
   * into a warm invocation, 250–330 ms into an environment's first one on this machine), its
   * messages stay invisible for the queue's whole visibility timeout, in Lambda as here.
   */
  pids(filter?: { working?: boolean }): number[];
  /** Stops taking invocations, waits for those running, and ends every environment. */
  close(): Promise<void>;
}

const LOCAL_ACCOUNT = '000000000000';
/** How far into an invocation (past init) an environment counts as `working`: three times the longest wait above. */
export const WORKING_AFTER_MS = 1_000;

interface Sandbox {
  readonly child: ChildProcess;
  busy: boolean;
  dead: boolean;
  /** When init ended (epoch ms), once it has. */
  initializedAt?: number;
  ready: Promise<void>;
  pending?: { id: string; resolve: (result: InvokeResult) => void; started: number; timer: NodeJS.Timeout };
}

/**
 * Lambda's execution model on this machine: each environment is a Node process
 * that loads the bundle on its first invocation and then stays warm; one
 * invocation at a time per environment, at most `maxConcurrency` environments;
 * an invocation past the timeout is killed (its environment with it); an
 * environment that dies fails its invocation and is replaced by the next one.
 * Environments see only the function's variables and the runtime's own
 * (AWS_LAMBDA_FUNCTION_NAME, AWS_REGION, …), never the stack's.
 */
export function startLocalFunction(options: LocalFunctionOptions): LocalFunction {
  const sandboxes = new Set<Sandbox>();
  const waiting: ((sandbox: Sandbox) => void)[] = [];
  let closing = false;
  let streams = 0;
  const region = options.region ?? 'us-east-1';

  function spawnSandbox(): Sandbox {
    streams += 1;
    const child = fork(options.sandboxScript, [options.bundle, 'handler'], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        TZ: 'UTC',
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_LAMBDA_FUNCTION_NAME: options.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${options.name}`,
        AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${streams}`,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        // The local services accept any key; the role's credentials in AWS.
        AWS_ACCESS_KEY_ID: 'quayside',
        AWS_SECRET_ACCESS_KEY: 'quayside',
        // Lambda runs Node 24; this machine runs 20, which the SDK would warn about on every start.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...options.environment,
      },
      // The memory size caps the heap, roughly as the environment's memory caps the process. Lambda
      // gives an environment CPU in proportion to its memory (1,024 MB: ~0.6 of a vCPU), where V8's
      // helper threads bring little; here ten environments share two cores, and their garbage
      // collectors' and compilers' helper threads competed with the work: one helper and a
      // collector on the main thread (`scale`, 300 installs: 27.4 s against 31.5, medians of three).
      execArgv: [
        `--max-old-space-size=${Math.max(64, Math.floor(options.memoryMb * 0.85))}`,
        '--single-threaded-gc',
        '--v8-pool-size=1',
      ],
    });
    const sandbox: Sandbox = {
      child,
      busy: false,
      dead: false,
      ready: Promise.resolve(),
    };
    sandbox.ready = new Promise<void>((resolve) => {
      child.once('message', () => resolve());
      child.once('exit', () => resolve());
    });
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      if (stream) createInterface({ input: stream }).on('line', (line) => options.onLog?.(line, name));
    }
    child.on('message', (message: { type?: string; id?: string } & Record<string, unknown>) => {
      if (message.type === 'initialized') sandbox.initializedAt = Date.now();
      const pending = sandbox.pending;
      if (message.type !== 'result' || pending === undefined || pending.id !== message.id) return;
      const { resolve, started, timer } = pending;
      clearTimeout(timer);
      sandbox.pending = undefined;
      const durationMs = Date.now() - started;
      resolve(
        message.ok
          ? {
              ok: true,
              result: message.result,
              durationMs,
              ...(typeof message.initMs === 'number' ? { initMs: message.initMs } : {}),
            }
          : {
              ok: false,
              kind: 'error',
              error: message.error as { errorType: string; errorMessage: string },
              durationMs,
            },
      );
      release(sandbox);
    });
    child.once('exit', (code, signal) => {
      sandbox.dead = true;
      sandboxes.delete(sandbox);
      const pending = sandbox.pending;
      if (pending !== undefined) {
        clearTimeout(pending.timer);
        sandbox.pending = undefined;
        pending.resolve({
          ok: false,
          kind: 'crash',
          error: {
            errorType: 'Runtime.ExitError',
            errorMessage: `the environment exited (${signal ?? `code ${code}`}) during the invocation`,
          },
          durationMs: Date.now() - pending.started,
        });
      }
      // A waiting invocation gets a new environment in its place.
      const next = waiting.shift();
      if (next !== undefined && !closing) next(take(spawnSandbox()));
    });
    sandboxes.add(sandbox);
    return sandbox;
  }

  function take(sandbox: Sandbox): Sandbox {
    sandbox.busy = true;
    return sandbox;
  }

  function release(sandbox: Sandbox): void {
    sandbox.busy = false;
    const next = waiting.shift();
    if (next !== undefined) next(take(sandbox));
  }

  function acquire(): Promise<Sandbox> {
    const idle = [...sandboxes].find((s) => !s.busy && !s.dead);
    if (idle !== undefined) return Promise.resolve(take(idle));
    if (sandboxes.size < options.maxConcurrency) return Promise.resolve(take(spawnSandbox()));
    return new Promise((resolve) => waiting.push(resolve));
  }

  async function invoke(event: unknown): Promise<InvokeResult> {
    if (closing) throw new Error(`function ${options.name} is shutting down`);
    const sandbox = await acquire();
    await sandbox.ready;
    const id = randomUUID();
    const started = Date.now();
    return new Promise<InvokeResult>((resolve) => {
      const timer = setTimeout(() => {
        sandbox.pending = undefined;
        resolve({
          ok: false,
          kind: 'timeout',
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `Task timed out after ${(options.timeoutMs / 1000).toFixed(2)} seconds`,
          },
          durationMs: Date.now() - started,
        });
        // Lambda ends the environment of a timed-out invocation.
        sandbox.child.kill('SIGKILL');
      }, options.timeoutMs);
      sandbox.pending = { id, resolve, started, timer };
      if (sandbox.dead || !sandbox.child.connected) {
        clearTimeout(timer);
        sandbox.pending = undefined;
        resolve({
          ok: false,
          kind: 'crash',
          error: {
            errorType: 'Runtime.ExitError',
            errorMessage: 'the environment exited before the invocation',
          },
          durationMs: 0,
        });
        return;
      }
      sandbox.child.send({
        type: 'invoke',
        id,
        event,
        functionName: options.name,
        memoryMb: options.memoryMb,
        requestId: id,
        deadline: started + options.timeoutMs,
        region,
        account: LOCAL_ACCOUNT,
      });
    });
  }

  return {
    name: options.name,
    invoke,
    pids: (filter = {}) => {
      const now = Date.now();
      const working = (s: Sandbox) =>
        s.pending !== undefined &&
        s.initializedAt !== undefined &&
        !s.dead &&
        now - Math.max(s.pending.started, s.initializedAt) >= WORKING_AFTER_MS;
      return [...sandboxes]
        .filter((s) => !filter.working || working(s))
        .flatMap((s) => (s.child.pid === undefined ? [] : [s.child.pid]));
    },
    close: async () => {
      closing = true;
      while ([...sandboxes].some((s) => s.busy && !s.dead)) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await Promise.all(
        [...sandboxes].map(
          (s) =>
            new Promise<void>((resolve) => {
              if (s.dead) return resolve();
              s.child.once('exit', () => resolve());
              s.child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
