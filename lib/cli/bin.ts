/** The CLI's entry point as bundled into dist/cli/quayside.mjs (bin/quayside.js loads it). */
import { existsSync } from 'node:fs';
import { type StartedWorker, useEngineWorker } from '../chart/engine/engine-host.ts';

// The AWS SDK warns on Node < 22 about its 2027 support window; Lambda runs Node 24, and the CLI should not nag.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The bundle's chart engine runs in a worker thread (built beside this file). bin/quayside.js starts it
// first thing for a command that renders; any other starts it on its first render, if it has one.
// (Run from source, this file has no worker module beside it, and the engine runs in this thread.)
const workerModule = new URL('./engine-worker.mjs', import.meta.url);
const started = (globalThis as Record<symbol, StartedWorker | undefined>)[
  Symbol.for('quayside.engineWorker')
];
if (existsSync(workerModule)) useEngineWorker(workerModule, started);

const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
