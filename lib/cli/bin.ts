/** The CLI's entry point as bundled into dist/cli/quayside.mjs (bin/quayside.js loads it). */
import type { StartedWorker } from '../chart/engine/engine-host.ts';

// The AWS SDK warns on Node < 22 about its 2027 support window; Lambda runs Node 24, and the CLI should not nag.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// For a command that renders a chart, bin/quayside.js has started the chart engine's worker thread
// (dist/cli/engine-worker.mjs) first thing; its renders go there. Other commands load none of it.
const started = (globalThis as Record<symbol, StartedWorker | undefined>)[
  Symbol.for('quayside.engineWorker')
];
if (started !== undefined) {
  const { useEngineWorker } = await import('../chart/engine/engine-host.ts');
  useEngineWorker(new URL('./engine-worker.mjs', import.meta.url), started);
}

const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
