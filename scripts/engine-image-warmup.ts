/**
 * Run by scripts/engine-image.ts (bundled beside a new start-up image, under
 * `node --trace-wasm-compilation-times`): loads and renders the charts named on the command line as
 * the CLI does (their values and Chart.yaml read by the chart engine, then a render), so that V8 names
 * every WebAssembly function a render compiles. Prints how the engine started, last; with --print,
 * the rendered manifests before it (test/chart/engine-image.test.ts reads them).
 *   node --trace-wasm-compilation-times warmup.mjs [--print] CHART_DIR...
 */
import { engineStart } from '../lib/chart/engine/wasm-engine.ts';
import { loadChart, renderChart } from '../lib/chart/index.ts';

const print = process.argv[2] === '--print';
for (const path of process.argv.slice(print ? 3 : 2)) {
  const chart = await loadChart({ kind: 'directory', path });
  const rendered = await renderChart({
    chart,
    values: {},
    release: { name: 'warm-up', namespace: 'default', revision: 1, isInstall: true, isUpgrade: false },
  });
  if (print)
    process.stdout.write(`${rendered.manifests.map((manifest) => manifest.content).join('\n---\n')}\n`);
}
process.stdout.write(`\nengine started: ${engineStart()}\n`);
