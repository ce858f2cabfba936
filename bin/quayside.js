#!/usr/bin/env node
// `quayside` runs the esbuild bundle in dist/cli, which `npm ci` builds (the `prepare` script runs
// scripts/build-cli.ts). A bundle that is missing, or older than any file it was built from, is
// rebuilt first (saying so on stderr); one that cannot be rebuilt is reported, never bypassed.
// bin/quayside (the command npm installs) starts the same bundle from its V8 start-up snapshot when
// it can, and comes here when it cannot.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  dismissEngine,
  ENGINE_WORKER,
  engineFor,
  handedEngine,
  staleness,
  startEngine,
  stopEngine,
} from './launch.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const BUILD = ['--import', 'tsx', 'scripts/build-cli.ts'];

// bin/quayside hands a native engine only to the snapshot's start; one named here is taken over all the same.
const handed = handedEngine(process.env);
const { needs, native } = engineFor(root, process.argv.slice(2), process.env);
const engine = needs === undefined ? undefined : startEngine(root, native, handed);
if (engine === undefined && handed !== undefined) dismissEngine(handed);
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
