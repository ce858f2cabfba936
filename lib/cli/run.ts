import type { StartedWorker } from '../chart/engine/engine-host.ts';

/** Where the chart engine runs for this command: a worker thread from `url`, maybe started already. */
export interface WorkerEngine {
  readonly url: URL;
  readonly started?: StartedWorker | undefined;
}

/**
 * Runs one CLI command and returns its exit code: for bin/quayside.js (the bundle's entry, bin.ts)
 * and for the start-up snapshot (snapshot.ts) alike. For a command that renders a chart the chart
 * engine's worker thread was started first thing (see bin/launch.js) and its renders go there;
 * other commands load none of it.
 */
export async function runCli(argv: readonly string[], engine?: WorkerEngine): Promise<number> {
  // The AWS SDK warns on Node < 22 about its 2027 support window; Lambda runs Node 24, and the CLI should not nag.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (engine !== undefined) {
    const { useEngineWorker } = await import('../chart/engine/engine-host.ts');
    useEngineWorker(engine.url, engine.started);
  }
  const { main } = await import('./main.ts');
  return main(argv);
}
