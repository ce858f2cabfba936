#!/usr/bin/env node
// `quayside` runs the esbuild bundle in dist/cli, which `npm ci` builds (the `prepare` script runs
// scripts/build-cli.ts). A bundle that is missing, or older than any file it was built from, is
// rebuilt first (saying so on stderr); one that cannot be rebuilt is reported, never bypassed.
// bin/quayside (the command npm installs) starts the same bundle from its V8 start-up snapshot when
// it can, and comes here when it cannot.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ENGINE_WORKER, engineFor, staleness, startEngine, stopEngine } from './launch.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const BUILD = ['--import', 'tsx', 'scripts/build-cli.ts'];

const { needs, native } = engineFor(root, process.argv.slice(2), process.env);
const engine = needs === undefined ? undefined : startEngine(root, native);
const reason = staleness(root);
if (reason !== undefined) {
  // It runs the old bundle's engine; the rebuilt bundle starts its own.
  if (engine) await stopEngine(engine);
  process.stderr.write(`quayside: rebuilding the CLI bundle (${reason})\n`);
  // The build's own output goes to stderr: stdout belongs to the command (`quayside template > out.yaml`).
  const built = spawnSync(process.execPath, BUILD, { cwd: root, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) {
    process.stderr.write(
      'quayside: the CLI bundle could not be rebuilt; run `npm run build` in the quayside checkout and try again\n',
    );
    process.exit(1);
  }
}
if (engine && reason === undefined) globalThis[ENGINE_WORKER] = engine;
await import(new URL('../dist/cli/quayside.mjs', import.meta.url).href);
