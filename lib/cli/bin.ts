/** The CLI's entry point as bundled into dist/cli/quayside.mjs (bin/quayside.js loads it). */
import type { StartedEngine } from '../../bin/launch.js';
import { exitWhenWritten, runCli } from './run.ts';

// For a command that renders a chart or talks to a cluster, bin/quayside.js has started the chart engine
// first thing (bin/launch.js's engineFor): the native engine's process, or the worker thread of
// dist/cli/engine-worker.mjs.
const started = (globalThis as Record<symbol, StartedEngine | undefined>)[
  Symbol.for('quayside.engineWorker')
];
await exitWhenWritten(await runCli(process.argv.slice(2), started));
