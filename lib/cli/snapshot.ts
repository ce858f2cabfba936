/**
 * The CLI's V8 start-up snapshot. scripts/build-cli.ts bundles this file, as one CommonJS script, into
 * dist/cli/snapshot.cjs and runs it under `node --build-snapshot`, which writes dist/cli/quayside.blob;
 * bin/quayside starts `node --snapshot-blob dist/cli/quayside.blob -- ARGS` when that node built it.
 *
 * Building runs the modules of the command table and of the release reads (the stores, zod's schemas,
 * the YAML readers) once, and V8 saves the heap they leave. A start from the snapshot deserializes
 * that heap instead of reading, compiling and running those modules.
 *
 * Nothing evaluated while building may keep what it reads of the process it runs in (its environment,
 * arguments, working folder, home, streams): those would be the build's. The modules read them when
 * a command runs; `start` below runs in the process of the command.
 */
import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { startupSnapshot } from 'node:v8';
import { config as zodConfig } from 'zod';
import {
  dismissEngine,
  engineFor,
  handedEngine,
  isStale,
  SNAPSHOT_COMMANDS,
  snapshotBlobOf,
  staleness,
  startEngine,
  stopEngine,
} from '../../bin/launch.js';
import { exitWhenWritten, runCli } from './run.ts';
import { warmUp } from './snapshot-warm-up.ts';

// zod compiles each object schema into a function (`new Function`) the first time it checks a value:
// ~1 ms a schema, which a command that checks a few records once never wins back (history read 3–4
// schemas). Lambda functions, which check many, keep the compiled checks.
zodConfig({ jitless: true });

/** The checkout the snapshot was built in, with a trailing slash (an esbuild `define`). */
declare const QUAYSIDE_ROOT: string;

/**
 * The modules evaluated into the snapshot: the command table, what `history`, `status`, `get` and
 * `list` load, and the release actions (the engine, the kube client, the chart loader). Node's TLS,
 * vm, worker_threads and child_process, which the snapshot builder does not take, are reached with
 * process.getBuiltinModule() when first used (lib/kube/connection.ts, the chart engine's hosts).
 */
const PRELOADED = [
  import('./main.ts'),
  import('./command.ts'),
  import('./release-reads.ts'),
  import('./list.ts'),
  import('./release-actions.ts'),
];

/** The checkout of the blob this process started from, with a trailing slash. */
function checkoutOf(execArgv: readonly string[]): string | undefined {
  const blob = snapshotBlobOf(execArgv);
  return blob === undefined ? undefined : `${dirname(dirname(dirname(realpathSync(resolve(blob)))))}/`;
}

/**
 * Runs bin/quayside.js instead: it rebuilds a stale bundle (and with it this snapshot) and runs it.
 * Used when the sources changed since the build, when the checkout moved, and for a command the
 * snapshot does not start (bin/quayside sends none here; `node --snapshot-blob` by hand might).
 */
function delegate(root: string, argv: readonly string[]): void {
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const run = spawnSync(process.execPath, [`${root}bin/quayside.js`, ...argv], { stdio: 'inherit' });
  if (run.signal) process.kill(process.pid, run.signal);
  process.exitCode = run.status ?? 1;
}

async function start(): Promise<void> {
  // bin/quayside set glibc's tunables for this process alone: what it runs gets the user's environment.
  if (process.env.QUAYSIDE_SET_GLIBC_TUNABLES !== undefined) {
    delete process.env.GLIBC_TUNABLES;
    delete process.env.QUAYSIDE_SET_GLIBC_TUNABLES;
  }
  // The native engine bin/quayside started for this command, if it did (taken over or ended below).
  const handed = handedEngine(process.env);
  // In a process started from a snapshot, argv[1] is the first argument after `--`.
  const argv = process.argv.slice(1);
  const here = checkoutOf(process.execArgv) ?? QUAYSIDE_ROOT;
  const moved = here !== QUAYSIDE_ROOT;
  // The chart engine is started before anything else, as bin/quayside.js does: its start-up then
  // overlaps the checks below and the command's own. Commands that neither render nor talk to a
  // cluster load no part of it; those that only talk to a cluster start the native engine to verify
  // its certificate, or none (engineFor). The native engine, where one ships for this machine, is a
  // process of its own, ready in a few ms. Otherwise the WebAssembly engine: `template` reads no
  // cluster, so this thread has little else to do and it starts here (a worker's own start is ~30 ms;
  // `template` of the bench chart measured 174 against 206 ms); the others read a cluster meanwhile
  // (TLS set-up, ~20 ms of this thread) and start it in a worker.
  const { needs, native } = moved
    ? { needs: undefined, native: undefined }
    : engineFor(here, argv, process.env);
  const inThisThread = needs === 'render' && native === undefined && argv[0] === 'template';
  if (inThisThread) {
    const engine = await import('../chart/engine/wasm-engine.ts');
    // As in the engine's worker (engine-worker.ts): parses are kept on disk for the next process.
    engine.useParseStore((await import('../chart/engine/parse-store.ts')).parseStoreDir());
    void engine.warmEngine().catch(() => {});
  }
  // When an engine starts, the sources' stats go to the thread pool first and are answered while it
  // starts (~10 ms of this thread: Node forks the process). Otherwise there is nothing to overlap, and
  // the thread pool's own start would cost more than it saves (--help 1.05 of its time).
  const startsEngine = needs !== undefined && !inThisThread;
  // startEngine ends a handed engine it does not take over; a command that starts none ends it here.
  if (handed !== undefined && !startsEngine) dismissEngine(handed);
  // A native engine the launcher started costs this thread nothing: there is no fork to overlap.
  const forks = startsEngine && (native === undefined || handed === undefined);
  const stale =
    moved || !SNAPSHOT_COMMANDS.has(argv[0]) ? true : forks ? isStale(here) : staleness(here) !== undefined;
  const started = startsEngine ? startEngine(here, native, handed) : undefined;
  if (await stale) {
    if (started !== undefined) await stopEngine(started);
    return delegate(here, argv);
  }
  await exitWhenWritten(await runCli(argv, started));
}

if (startupSnapshot.isBuildingSnapshot()) {
  // Waits for the modules above: an import that failed fails the build, not a command later. Then the
  // read commands run once (snapshot-warm-up.ts), so that the snapshot holds their compiled functions.
  Promise.all(PRELOADED)
    .then(() => warmUp((argv) => runCli(argv)))
    .then(
      () =>
        startupSnapshot.setDeserializeMainFunction(() => {
          start().catch((error: unknown) => {
            process.stderr.write(`quayside: ${(error as Error).stack ?? String(error)}\n`);
            process.exitCode = 1;
          });
        }),
      (error: unknown) => {
        process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
        process.exitCode = 1;
      },
    );
}
