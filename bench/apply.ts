/**
 * Benchmark: the same 50-object manifest applied by quayside's applier and by
 * `kubectl apply --server-side`, each as a whole process, against one simulator that is reset
 * before every run (so every run is a first install). Prints min/median/max wall time, the ratio
 * of medians and the API calls each made (from the simulator's request log).
 *
 * quayside runs two ways: bundled into one file by esbuild (as a Lambda ships it) and through tsx
 * (as `npx quayside` runs today); the difference is module loading, mostly @kubernetes/client-node.
 *
 *   node --import tsx bench/apply.ts [runs=5]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSimulator } from '../lib/sim/index.ts';
import { benchManifest } from './apply-manifest.ts';

const run = promisify(execFile);
const runs = Number(process.argv[2] ?? 5);

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]! };
};

async function hasKubectl(): Promise<boolean> {
  return run('kubectl', ['version', '--client']).then(
    () => true,
    () => false,
  );
}

const sim = await startSimulator({ rolloutStepMs: 30 });
const dir = mkdtempSync(join(tmpdir(), 'quayside-bench-'));
const kubeconfig = join(dir, 'kubeconfig');
const manifest = join(dir, 'manifest.yaml');
writeFileSync(kubeconfig, sim.kubeconfig);
writeFileSync(manifest, benchManifest());

// esbuild comes with tsx; the bundle is what a Lambda would load.
const { build } = await import('esbuild');
const bundle = join(dir, 'apply-once.mjs');
await build({
  entryPoints: ['bench/apply-once.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: bundle,
  // client-node's CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

const tools: Record<string, string[]> = {
  'quayside bundled': [process.execPath, bundle, kubeconfig, manifest],
  'quayside tsx': [process.execPath, '--import', 'tsx', 'bench/apply-once.ts', kubeconfig, manifest],
};
if (await hasKubectl()) {
  tools.kubectl = [
    'kubectl',
    '--kubeconfig',
    kubeconfig,
    'apply',
    '--server-side',
    '-n',
    'default',
    '-f',
    manifest,
  ];
}

const results: Record<string, { ms: number[]; calls: number[] }> = {};
for (let i = 0; i < runs; i++) {
  for (const [name, [command, ...args]] of Object.entries(tools)) {
    await sim.reset();
    const before = sim.requests.length;
    const start = performance.now();
    await run(command!, args, { maxBuffer: 16 * 1024 * 1024 });
    const ms = performance.now() - start;
    results[name] ??= { ms: [], calls: [] };
    results[name].ms.push(ms);
    results[name].calls.push(sim.requests.length - before);
  }
}
await sim.stop();
rmSync(dir, { recursive: true, force: true });

console.log(
  `50 objects, ${runs} runs each, first install every run, load average ${loadavg()[0]!.toFixed(1)}\n`,
);
console.log('tool              min ms  median ms  max ms  API calls');
for (const [name, r] of Object.entries(results)) {
  const t = stats(r.ms);
  console.log(
    `${name.padEnd(17)} ${t.min.toFixed(0).padStart(6)} ${t.median.toFixed(0).padStart(10)} ${t.max.toFixed(0).padStart(7)}  ${stats(r.calls).median}`,
  );
}
if (results.kubectl) {
  for (const name of ['quayside bundled', 'quayside tsx']) {
    const ratio = stats(results[name]!.ms).median / stats(results.kubectl.ms).median;
    console.log(`${name} / kubectl median time: ${ratio.toFixed(2)}`);
  }
} else {
  console.log('\nkubectl not on PATH: only quayside measured');
}
