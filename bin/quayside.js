#!/usr/bin/env node
// `quayside` runs the esbuild bundle in dist/cli, which `npm ci` builds (the `prepare` script runs
// scripts/build-cli.ts). A bundle that is missing, or older than any file it was built from, is
// rebuilt first (saying so on stderr); one that cannot be rebuilt is reported, never bypassed.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

const reason = staleness();
if (reason !== undefined) {
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
await import(new URL('../dist/cli/quayside.mjs', import.meta.url).href);
