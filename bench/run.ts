/**
 * `npm run bench`: every benchmark case, one after another, each printing its
 * own table. `npm run bench -- store chart` runs only the named cases.
 * Each case but the store's is its own script, run as a whole process so that
 * module loading and start-up count as they do for users.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchStore } from './store.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const script = (name: string) => async () => {
  const path = fileURLToPath(new URL(`./${name}`, import.meta.url));
  const result = spawnSync(process.execPath, ['--import', 'tsx', path], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`bench/${name} exited with ${result.status ?? result.signal}`);
};

const cases: Record<string, () => Promise<void>> = {
  store: benchStore,
  chart: script('chart-render.ts'),
  sim: script('sim-startup.ts'),
  cli: script('cli.ts'),
  apply: script('apply.ts'),
  charts: script('real-charts.ts'),
  lambda: script('lambda.ts'),
  scale: script('scale.ts'),
  chatops: script('chatops.ts'),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in cases));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown bench case(s): ${unknown.join(', ')}; cases: ${Object.keys(cases).join(', ')}\n`,
  );
  process.exit(2);
}
for (const [name, run] of Object.entries(cases)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`\n== bench: ${name}\n`);
  await run();
}
