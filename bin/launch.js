// What every start of the `quayside` CLI decides before the command runs, shared by bin/quayside.js
// (the bundle in dist/cli) and the CLI's start-up snapshot (lib/cli/snapshot.ts, run by bin/quayside).
// Plain JavaScript: bin/quayside.js runs it before any bundle exists. Types: launch.d.ts.
import { closeSync, constants, existsSync, openSync, readFileSync, stat, statSync } from 'node:fs';

/**
 * The bundle's build stamp: the files it was built from, each [size, mtime], or why there is nothing
 * to compare (no stamp, or one from another checkout).
 */
function readStamp(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(`${root}dist/cli/build-stamp.json`, 'utf8'));
  } catch {
    return { reason: 'there is none in dist/cli' };
  }
  // The start-up snapshot holds the paths it was built at (the engine's WebAssembly, the worker's script).
  if (stamp.root !== undefined && `${stamp.root}/` !== root)
    return { reason: `it was built in ${stamp.root}` };
  // Plain string paths: this check runs before every command, and URL objects per file cost more than the stats.
  return { inputs: Object.entries(stamp.inputs) };
}

/** How one input differs from what the stamp says of it (`stats` undefined: it is gone), or undefined. */
function changeOf(path, [size, mtime], stats) {
  if (!stats) return `${path} is gone since it was built`;
  if (stats.size !== size || stats.mtimeMs !== mtime) return `${path} changed since it was built`;
  return undefined;
}

/** Why the bundle in `${root}dist/cli` must be rebuilt, or undefined when it matches its sources. */
export function staleness(root) {
  const { reason, inputs } = readStamp(root);
  if (reason !== undefined) return reason;
  for (const [path, recorded] of inputs) {
    const change = changeOf(path, recorded, statSync(root + path, { throwIfNoEntry: false }));
    if (change !== undefined) return change;
  }
  return undefined;
}

/**
 * The same check, with the ~340 stats made on libuv's thread pool: this thread is free meanwhile (the
 * start-up snapshot starts the chart engine then), where the stats cost it 5–11 ms on these machines.
 * Resolves to whether the bundle is stale (true) rather than which file changed first: several may have.
 */
export function isStale(root) {
  const { reason, inputs } = readStamp(root);
  if (reason !== undefined) return Promise.resolve(true);
  return new Promise((resolve) => {
    let left = inputs.length;
    if (left === 0) resolve(false);
    for (const [path, recorded] of inputs) {
      stat(root + path, (error, stats) => {
        // A file that cannot be read (not only a missing one) is a change: the bundle path reports it.
        if (left > 0 && (error || changeOf(path, recorded, stats) !== undefined)) {
          left = 0;
          resolve(true);
        } else if (--left === 0) resolve(false);
      });
    }
  });
}

/**
 * The commands bin/quayside starts from the CLI's start-up snapshot (its own list matches this one):
 * those people run most and wait for. The others (`start`, `sim`, the service's admin commands) start
 * from the bundle: they run long, or rarely.
 */
export const SNAPSHOT_COMMANDS = new Set([
  undefined,
  'help',
  '--help',
  '-h',
  'version',
  '--version',
  'install',
  'upgrade',
  'rollback',
  'uninstall',
  'history',
  'status',
  'list',
  'get',
  'diff',
  'template',
]);

/** The blob this process started from (`node --snapshot-blob BLOB`, or `--snapshot-blob=BLOB`), if any. */
export function snapshotBlobOf(execArgv) {
  const at = execArgv.findIndex((a) => a === '--snapshot-blob' || a.startsWith('--snapshot-blob='));
  if (at < 0) return undefined;
  return execArgv[at].includes('=') ? execArgv[at].slice('--snapshot-blob='.length) : execArgv[at + 1];
}

/** Commands that render a chart in this process (unless sent to a queue: then a worker renders it). */
const RENDERING = new Set(['install', 'upgrade', 'template', 'diff']);

/**
 * What this command needs of the chart engine: 'render' when it renders a chart in this process;
 * 'verify' when it talks to a cluster from this process without rendering (rollback and uninstall
 * unless sent to a queue, test, import, status --show-resources): the native engine verifies the
 * cluster's certificate (lib/kube/verifying-agent.ts); undefined when it needs neither.
 */
export function engineNeeds(argv, env) {
  const [command] = argv;
  if (command === 'template') return 'render';
  if (command === 'test' || command === 'import') return 'verify';
  if (command === 'status') return argv.includes('--show-resources') ? 'verify' : undefined;
  const queued = Boolean(env.QUAYSIDE_QUEUE_URL) || argv.some((a) => a.startsWith('--queue-url'));
  if (queued) return undefined;
  if (RENDERING.has(command)) return 'render';
  if (command === 'rollback' || command === 'uninstall') return 'verify';
  return undefined;
}

/**
 * The engine this command starts first thing: `needs` 'render' (the native engine, `native`, where one
 * ships, else the WebAssembly one), 'verify' (the native engine alone: Node would otherwise parse its
 * ~140 bundled root certificates, ~20 ms, to verify the cluster; where none ships, no engine, and
 * OpenSSL verifies) or undefined (none).
 */
export function engineFor(root, argv, env) {
  const needs = engineNeeds(argv, env);
  const native = needs === undefined ? undefined : nativeEngineOf(root, env);
  if (needs === 'verify' && native === undefined) return { needs: undefined, native };
  return { needs, native };
}

/** Where the bundle's code looks for a chart engine started before it (startEngine's answer; lib/cli/bin.ts). */
export const ENGINE_WORKER = Symbol.for('quayside.engineWorker');

/**
 * Starts the chart engine's worker thread (lib/chart/engine/engine-host.ts) from `${root}dist/cli`:
 * its start-up (about 100 ms of one core: 10 MB of WebAssembly, then Go's own) then runs beside the
 * command's own start on the other core. Unref'd: it keeps the process alive only while it owes an
 * answer. Its failure is the first render's to report: the bundle sees `stopped` and starts another.
 */
export function startEngineWorker(root, Worker) {
  const started = { worker: new Worker(`${root}dist/cli/engine-worker.mjs`), stopped: false };
  started.worker.unref();
  started.worker.on('error', () => {
    started.stopped = true;
  });
  started.worker.on('exit', () => {
    started.stopped = true;
  });
  return started;
}

/** The native chart engine's file name for this machine, as lib/chart/engine/build.sh names it. */
export function nativeEngineName() {
  return `engine-${process.platform}-${process.arch}`;
}

/**
 * The native chart engine for this machine in the folder `dir` (`engine-linux-x64`: the engine's Go
 * built for it, lib/chart/engine/native-engine.ts), or why a command runs the WebAssembly engine
 * instead: none ships for this platform, or QUAYSIDE_ENGINE=wasm asks for it.
 */
export function nativeEngineIn(dir, env) {
  if (env.QUAYSIDE_ENGINE === 'wasm') return { unusable: 'QUAYSIDE_ENGINE=wasm is set' };
  const path = `${dir}${nativeEngineName()}`;
  if (!existsSync(path)) return { unusable: `none ships for ${process.platform}/${process.arch}` };
  return { path };
}

/** The native chart engine in `${root}dist/cli`, or undefined (see nativeEngineIn). */
export function nativeEngineOf(root, env) {
  const found = nativeEngineIn(`${root}dist/cli/`, env);
  return 'path' in found ? found.path : undefined;
}

/** Whether the native engine's process and its pipes keep this process alive: only while it owes an answer. */
export function holdEngineOpen(child, hold) {
  for (const handle of [child, child.stdin, child.stdout, child.stderr]) {
    if (hold) handle.ref();
    else handle.unref();
  }
}

/**
 * Starts the native chart engine at `path` with `spawn` (node:child_process's): it is ready in a few
 * milliseconds. Unref'd, as the worker is: it keeps this process alive only while it owes an answer,
 * and exits when this process's end closes its input.
 */
export function startEngineProcess(path, spawn) {
  const child = spawn(path, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const started = { child, stopped: false };
  const stop = () => {
    started.stopped = true;
  };
  child.on('error', stop);
  child.on('exit', stop);
  // A write after it stopped fails here; the engine's host reports the stop itself.
  child.stdin.on('error', () => {});
  holdEngineOpen(child, false);
  return started;
}

/**
 * The environment variable in which bin/quayside names the native engine it started for this command
 * (`engine --handoff PID`, PID being the launcher's own process, which is now this one).
 */
export const ENGINE_HANDOFF = 'QUAYSIDE_ENGINE_HANDOFF';

/** Where the engine keeps the CLI's ends of its pipes: calls, answers, standard error (handoff_linux.go). */
const HANDOFF_FD = 100;
/** How long a command waits for a handed engine to have made its pipes before starting one itself. */
const HANDOFF_WAIT_MS = 200;

/** The fields of /proc/PID/stat after the command's name (which may hold spaces and parentheses). */
function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const [state, parent] = text.slice(text.lastIndexOf(')') + 2).split(' ', 2);
    return { state, parent: Number(parent) };
  } catch {
    return undefined;
  }
}

/**
 * Takes over the native engine bin/quayside started before Node (process `pid`): opens the three
 * pipes it made for this process through /proc/PID/fd/ and gives it the shape startEngineProcess's
 * child has, for lib/chart/engine/native-engine.ts. Forking a process from Node costs its main thread
 * ~10 ms here and its heap copy-on-write faults afterwards; the launcher's fork costs almost nothing.
 * Undefined when `pid` is not this process's child (the variable was not set by the launcher), when
 * the engine is gone or has not made its pipes within HANDOFF_WAIT_MS, or when /proc cannot open them:
 * the caller then starts its own (and ends this one).
 */
export function adoptEngineProcess(pid) {
  // A process id cannot be reused while its parent has not reaped it: a child of ours is the engine.
  if (!Number.isSafeInteger(pid) || pid <= 0 || procStat(pid)?.parent !== process.pid) return undefined;
  const fdPath = (i) => `/proc/${pid}/fd/${HANDOFF_FD + i}`;
  if (!existsSync(fdPath(2))) {
    // The engine makes the last of the three last. Slept on synchronously: there is nothing else to do.
    const deadline = Date.now() + HANDOFF_WAIT_MS;
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    do {
      const state = procStat(pid)?.state;
      if (Date.now() >= deadline || state === undefined || state === 'Z' || state === 'X') return undefined;
      Atomics.wait(sleeper, 0, 0, 1);
    } while (!existsSync(fdPath(2)));
  }
  const fds = [];
  try {
    // Non-blocking: opening a pipe's write end with no reader fails at once instead of waiting.
    fds.push(openSync(fdPath(0), constants.O_WRONLY | constants.O_NONBLOCK));
    fds.push(openSync(fdPath(1), constants.O_RDONLY | constants.O_NONBLOCK));
    fds.push(openSync(fdPath(2), constants.O_RDONLY | constants.O_NONBLOCK));
  } catch {
    for (const fd of fds) closeSync(fd);
    return undefined;
  }
  const { Socket } = process.getBuiltinModule('node:net');
  const { EventEmitter } = process.getBuiltinModule('node:events');
  const child = new EventEmitter();
  child.pid = pid;
  child.stdin = new Socket({ fd: fds[0], readable: false, writable: true });
  child.stdout = new Socket({ fd: fds[1], readable: true, writable: false });
  child.stderr = new Socket({ fd: fds[2], readable: true, writable: false });
  // Not Node's child process: only its pipes keep this process alive.
  child.ref = () => {};
  child.unref = () => {};
  child.kill = (signal) => {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  };
  // Its exit is seen as its answers' end; its status is not ours to read.
  child.stdout.on('close', () => child.emit('exit', null, null));
  const started = { child, stopped: false };
  child.on('exit', () => {
    started.stopped = true;
  });
  child.stdin.on('error', () => {});
  // A pipe cannot be shut down as a socket can (Node's child processes get socket pairs): the engine
  // sees the end of its calls once this end is closed.
  // One that was never called still holds its copies of this end (handoff_linux.go): it is ended.
  child.stdin.on('finish', () => {
    child.stdin.destroy();
    if (child.stdin.bytesWritten === 0) child.kill();
  });
  holdEngineOpen(child, false);
  return started;
}

/**
 * The process id of the engine bin/quayside started for this command, named in ENGINE_HANDOFF, if
 * any. The variable is removed from `env`: nothing this command runs inherits it.
 */
export function handedEngine(env) {
  const value = env[ENGINE_HANDOFF];
  delete env[ENGINE_HANDOFF];
  if (value === undefined || !/^[1-9][0-9]*$/.test(value)) return undefined;
  return Number(value);
}

/** Ends a handed engine this command does not take over (it would end with this process anyway). */
export function dismissEngine(pid) {
  if (procStat(pid)?.parent !== process.pid) return;
  try {
    process.kill(pid);
  } catch {}
}

/**
 * Starts the chart engine for a command that needs one (engineFor): the native one at `native` when
 * there is one (nativeEngineOf), else the worker thread. Node's modules for it come from process.getBuiltinModule(),
 * which the start-up snapshot can reach where it cannot import them. `handed`: the process id of the
 * native engine bin/quayside started, taken over when it can be (adoptEngineProcess) and ended otherwise.
 */
export function startEngine(root, native, handed) {
  if (native !== undefined && handed !== undefined) {
    const adopted = adoptEngineProcess(handed);
    if (adopted !== undefined) return { native, started: adopted };
  }
  if (handed !== undefined) dismissEngine(handed);
  if (native !== undefined) {
    return {
      native,
      started: startEngineProcess(native, process.getBuiltinModule('node:child_process').spawn),
    };
  }
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  return { worker: `${root}dist/cli/engine-worker.mjs`, started: startEngineWorker(root, Worker) };
}

/** Stops an engine startEngine started (the command goes elsewhere); resolves once it has. */
export async function stopEngine(engine) {
  if ('native' in engine) engine.started.child.kill();
  else await engine.started.worker.terminate();
}
