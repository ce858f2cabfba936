/** `quayside sim`: runs the Kubernetes API simulator in the foreground until interrupted. */

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SimUsageError, type SimulatorOptions, startSimulator, stateSavedAgain } from '../sim/index.ts';

const USAGE = `Usage: quayside sim [--port N] [--kubeconfig FILE] [--state DIR] [--unpullable PATTERN]...

Runs a Kubernetes API simulator on https://127.0.0.1 for kubectl and quayside.

Flags:
  --port N               listen on this port (default: a free port)
  --kubeconfig FILE      write the kubeconfig here (default: ./.quayside/sim-kubeconfig)
  --state DIR            keep objects in DIR across restarts
  --unpullable PATTERN   images containing PATTERN never pull (repeatable)
  --step-ms N            delay of one controller step in milliseconds (default 1000)`;

const DEFAULT_KUBECONFIG = '.quayside/sim-kubeconfig';

function parseSimFlags(argv: string[]): SimulatorOptions & { help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      kubeconfig: { type: 'string' },
      state: { type: 'string' },
      unpullable: { type: 'string', multiple: true },
      'step-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    throw new SimUsageError(`invalid --port "${values.port}": want a number from 0 to 65535`);
  }
  const stepMs = values['step-ms'] === undefined ? undefined : Number(values['step-ms']);
  if (stepMs !== undefined && !(stepMs > 0))
    throw new SimUsageError(`invalid --step-ms "${values['step-ms']}"`);
  return {
    help: values.help === true,
    kubeconfigPath: resolve(values.kubeconfig ?? DEFAULT_KUBECONFIG),
    ...(port !== undefined ? { port } : {}),
    ...(values.state ? { stateDir: resolve(values.state) } : {}),
    ...(values.unpullable ? { unpullable: values.unpullable } : {}),
    ...(stepMs !== undefined ? { rolloutStepMs: stepMs } : {}),
  };
}

/** Runs `quayside sim`; resolves with the exit code once SIGINT/SIGTERM stops the simulator. */
export async function runSimCommand(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseSimFlags>;
  try {
    options = parseSimFlags(argv);
  } catch (error) {
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { mkdir } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  if (options.kubeconfigPath) await mkdir(dirname(options.kubeconfigPath), { recursive: true });
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  try {
    simulator = await startSimulator({
      ...options,
      onStateSaveError: (error) => process.stderr.write(`Warning: ${error.message}\n`),
      onStateSaveRecovered: (dir) => process.stderr.write(`${stateSavedAgain(dir)}\n`),
    });
  } catch (error) {
    const cause =
      error instanceof SimUsageError && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    process.stderr.write(
      `Error: cannot start the simulator: ${error instanceof Error ? error.message : String(error)}${cause}\n`,
    );
    return 1;
  }
  // The handlers go in before anything is printed: whoever reads the output may signal at once.
  const stopped = new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write(
    `Kubernetes API simulator listening on ${simulator.url}\n` +
      `kubeconfig: ${simulator.kubeconfigPath}\n\n` +
      `Use it with kubectl:\n  export KUBECONFIG=${simulator.kubeconfigPath}\n  kubectl get namespaces\n\n` +
      (options.stateDir
        ? `State is kept in ${options.stateDir}\n`
        : 'State is lost on exit (use --state DIR to keep it)\n') +
      'Press Ctrl+C to stop.\n',
  );
  await stopped;
  await simulator.stop();
  return 0;
}
