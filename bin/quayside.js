#!/usr/bin/env node
// `quayside` runs the esbuild bundle in dist/cli, which `npm ci` builds (the `prepare` script runs
// scripts/build-cli.ts). A bundle that is missing, or older than any file it was built from, is
// rebuilt first (saying so on stderr); one that cannot be rebuilt is reported, never bypassed.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

// Plain string paths: this check runs before every command, and URL objects per file cost more than the stats.
const root = fileURLToPath(new URL('../', import.meta.url));
const outdir = `${root}dist/cli/`;
const BUILD = ['--import', 'tsx', 'scripts/build-cli.ts'];

/** Why the bundle must be rebuilt, or undefined when it matches its sources (see scripts/bundle.ts). */
function staleness() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(`${outdir}build-stamp.json`, 'utf8'));
  } catch {
    return 'there is none in dist/cli';
  }
  for (const [path, [size, mtime]] of Object.entries(stamp.inputs)) {
    const stat = statSync(root + path, { throwIfNoEntry: false });
    if (!stat) return `${path} is gone since it was built`;
    if (stat.size !== size || stat.mtimeMs !== mtime) return `${path} changed since it was built`;
  }
  return undefined;
}

/** Commands that render a chart in this process (unless sent to a queue: then a worker renders it). */
const RENDERING = new Set(['install', 'upgrade', 'template', 'diff']);

/** Whether this command renders a chart here. */
function renders(argv, env) {
  const [command] = argv;
  if (command === undefined || !RENDERING.has(command)) return false;
  if (command === 'template') return true;
  return !env.QUAYSIDE_QUEUE_URL && !argv.some((a) => a.startsWith('--queue-url'));
}

/**
 * The chart engine's worker thread (lib/chart/engine/engine-host.ts), started before anything else:
 * its start-up (about 100 ms of one core: 10 MB of WebAssembly, then Go's own) then runs beside the bundle's
 * loading on the other core. Unref'd: it keeps the process alive only while it owes an answer.
 */
function startEngine() {
  const started = { worker: new Worker(`${outdir}engine-worker.mjs`), stopped: false };
  started.worker.unref();
  // Its failure is the first render's to report: the bundle sees `stopped` and starts another.
  started.worker.on('error', () => {
    started.stopped = true;
  });
  started.worker.on('exit', () => {
    started.stopped = true;
  });
  return started;
}

const engine = renders(process.argv.slice(2), process.env) ? startEngine() : undefined;
const reason = staleness();
if (reason !== undefined) {
  // It runs the old bundle's engine; the rebuilt bundle starts its own.
  await engine?.worker.terminate();
  process.stderr.write(`quayside: rebuilding the CLI bundle (${reason})\n`);
  // The build's own output goes to stderr: stdout belongs to the command (`quayside template > out.yaml`).
  const { spawnSync } = await import('node:child_process');
  const built = spawnSync(process.execPath, BUILD, { cwd: root, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) {
    process.stderr.write(
      'quayside: the CLI bundle could not be rebuilt; run `npm run build` in the quayside checkout and try again\n',
    );
    process.exit(1);
  }
}
if (engine && reason === undefined) globalThis[Symbol.for('quayside.engineWorker')] = engine;
await import(new URL('../dist/cli/quayside.mjs', import.meta.url).href);
