/**
 * Benchmark: the same 50-object manifest applied by quayside's applier and by
 * `kubectl apply --server-side`, each as a whole process, against one simulator that is reset
 * before every run (so every run is a first install). Prints min/median/max wall time, the ratio
 * of medians and the API calls each made (from the simulator's request log).
 *
 *   node --import tsx bench/apply.ts [runs=5]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSimulator } from '../lib/sim/index.ts';

const run = promisify(execFile);
const runs = Number(process.argv[2] ?? 5);

function benchManifest(): string {
  const docs: string[] = [];
  for (let i = 0; i < 10; i++) {
    docs.push(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${i}\ndata:\n  index: "${i}"\n  mode: fast\n`,
    );
    docs.push(
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: secret-${i}\ntype: Opaque\nstringData:\n  token: t${i}\n`,
    );
    docs.push(`apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: account-${i}\n`);
    docs.push(
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  selector:\n    app: app-${i}\n  ports:\n    - port: 80\n      targetPort: 8080\n`,
    );
    docs.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: app-${i}\n  template:\n    metadata:\n      labels:\n        app: app-${i}\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n          ports:\n            - containerPort: 8080\n`,
    );
  }
  return docs.join('---\n');
}

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

const tools: Record<string, string[]> = {
  quayside: [process.execPath, '--import', 'tsx', 'bench/apply-once.ts', kubeconfig, manifest],
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

console.log(`50 objects, ${runs} runs each, first install every run\n`);
console.log('tool      min ms  median ms  max ms  API calls');
for (const [name, r] of Object.entries(results)) {
  const t = stats(r.ms);
  console.log(
    `${name.padEnd(9)} ${t.min.toFixed(0).padStart(6)} ${t.median.toFixed(0).padStart(10)} ${t.max.toFixed(0).padStart(7)}  ${stats(r.calls).median}`,
  );
}
if (results.quayside && results.kubectl) {
  const ratio = stats(results.quayside.ms).median / stats(results.kubectl.ms).median;
  console.log(`\nquayside / kubectl median time: ${ratio.toFixed(2)}`);
} else {
  console.log('\nkubectl not on PATH: only quayside measured');
}
