/**
 * Bundled by engine-image.test.ts beside a start-up image: renders the chart named on the command line
 * with the engine in this thread, prints the manifests, then how the engine started.
 */
import { engineStart } from '../../lib/chart/engine/wasm-engine.ts';
import { loadChart, renderChart } from '../../lib/chart/index.ts';

const chart = await loadChart({ kind: 'directory', path: process.argv[2]! });
const rendered = await renderChart({
  chart,
  values: {},
  release: { name: 'probe', namespace: 'default', revision: 1, isInstall: true, isUpgrade: false },
});
process.stdout.write(`${rendered.manifests.map((manifest) => manifest.content).join('\n---\n')}\n`);
process.stdout.write(`engine started: ${engineStart()}\n`);
