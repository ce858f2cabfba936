#!/usr/bin/env node
// `quayside` runs the esbuild bundle in dist/cli, which `npm ci` builds (the `prepare` script runs
// scripts/build-cli.ts). A bundle that is missing, or older than any file it was built from, is
// rebuilt first (saying so on stderr); one that cannot be rebuilt is reported, never bypassed.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const outdir = new URL('dist/cli/', root);
const BUILD = ['--import', 'tsx', 'scripts/build-cli.ts'];

/** Why the bundle must be rebuilt, or undefined when it matches its sources (see scripts/bundle.ts). */
function staleness() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(new URL('build-stamp.json', outdir), 'utf8'));
  } catch {
    return 'there is none in dist/cli';
  }
  for (const [path, [size, mtime]] of Object.entries(stamp.inputs)) {
    const stat = statSync(new URL(path, root), { throwIfNoEntry: false });
    if (!stat) return `${path} is gone since it was built`;
    if (stat.size !== size || stat.mtimeMs !== mtime) return `${path} changed since it was built`;
  }
  return undefined;
}

const reason = staleness();
if (reason !== undefined) {
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
await import(new URL('quayside.mjs', outdir).href);
