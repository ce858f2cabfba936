import { pathToFileURL } from 'node:url';
import type { StartedEngine } from '../../bin/launch.js';

/**
 * Runs one CLI command and returns its exit code: for bin/quayside.js (the bundle's entry, bin.ts)
 * and for the start-up snapshot (snapshot.ts) alike. For a command that renders a chart the chart
 * engine was started first thing (bin/launch.js's engineFor and startEngine) and its renders go there;
 * the native engine also verifies the clusters' certificates, and is started for that alone for a
 * command that only talks to a cluster. Other commands load none of it.
 */
export async function runCli(argv: readonly string[], engine?: StartedEngine): Promise<number> {
  // The AWS SDK warns on Node < 22 about its 2027 support window; Lambda runs Node 24, and the CLI should not nag.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (engine !== undefined && 'native' in engine) {
    const [{ useEngineChannel }, { ProcessEngine }, { useServerCertificateVerifier }] = await Promise.all([
      import('../chart/engine/engine-host.ts'),
      import('../chart/engine/native-engine.ts'),
      import('../kube/server-verifier.ts'),
    ]);
    const native = new ProcessEngine(engine.native, engine.started);
    useEngineChannel(native);
    // The cluster's certificate is verified by the native engine too, as kubectl verifies it: Node 20
    // would parse its ~140 bundled root certificates first (lib/kube/verifying-agent.ts).
    useServerCertificateVerifier((certificate) => native.verifyServerCertificate(certificate));
  } else if (engine !== undefined) {
    const { useEngineWorker } = await import('../chart/engine/engine-host.ts');
    useEngineWorker(pathToFileURL(engine.worker), engine.started);
  }
  const { main } = await import('./main.ts');
  return main(argv);
}

/**
 * Ends the process with a finished command's exit code as soon as its output has been written, for
 * the CLI's entry points (bin.ts, snapshot.ts). Left to itself, Node waits for its event loop to empty
 * (the cluster's keep-alive connections closed one by one) and then takes its heap apart page by page:
 * after install had printed its result, ~25 ms more on these machines before the process was gone
 * (docs/cli.md). 'exit' listeners still run. Output is never cut short: each stream is flushed first
 * (an empty write's callback runs once everything written before it has gone out; on Linux stdout and
 * stderr are written synchronously anyway, elsewhere pipes are not).
 */
export async function exitWhenWritten(code: number): Promise<never> {
  const flushed = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => {
      if (stream.destroyed || !stream.writable) resolve();
      else stream.write('', () => resolve());
    });
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}
