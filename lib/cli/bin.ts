/** The CLI's entry point as bundled into dist/cli/quayside.mjs (bin/quayside.js loads it). */
import type { StartedWorker } from '../chart/engine/engine-host.ts';
import { runCli } from './run.ts';

// For a command that renders a chart, bin/quayside.js has started the chart engine's worker thread
// (dist/cli/engine-worker.mjs) first thing.
const started = (globalThis as Record<symbol, StartedWorker | undefined>)[
  Symbol.for('quayside.engineWorker')
];
process.exitCode = await runCli(
  process.argv.slice(2),
  started === undefined ? undefined : { url: new URL('./engine-worker.mjs', import.meta.url), started },
);
