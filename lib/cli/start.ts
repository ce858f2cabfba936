import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type StatusEvent, StreamPublisher } from '../events/index.ts';
import { playDemo } from '../local/demo.ts';
import { startLocalStack } from '../local/index.ts';
import type { MessageOutcome } from '../requests/index.ts';

const HELP = `Run the whole quayside service on this machine.

Usage: quayside start [--ephemeral] [--data-dir DIR] [--kubeconfig FILE] [--chart-root DIR]... [--demo]

  --ephemeral        keep nothing after stopping (the default keeps data in .quayside/)
  --data-dir DIR     where to keep data (default .quayside)
  --kubeconfig FILE  deploy to the cluster of this kubeconfig's current context instead of the simulator
                     ($KUBECONFIG does the same)
  --chart-root DIR   a folder requests may name charts in by chart.path (repeatable; default: this folder).
                     The CLI sends local charts inline, so this is only for requests written by hand
  --demo             play the blog story through the queue, print its history and exit (implies --ephemeral)

It starts an SQS-API queue with its dead-letter queue, DynamoDB Local (the file store without Java),
the Kubernetes simulator, and the worker, and prints every status event as it happens.
Ctrl-C stops it cleanly: the request in hand is finished and queued ones are kept for the next start.`;

/** `quayside start`; resolves with the exit code once the stack has stopped. */
export async function runStartCommand(argv: string[]): Promise<number> {
  let flags: ReturnType<typeof parse>;
  try {
    flags = parse(argv);
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\nRun 'quayside start --help' for usage.\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const demo = flags.demo ?? false;
  const waiters = new Map<string, (outcome: MessageOutcome) => void>();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const events = new StreamPublisher({ stream: process.stdout, format: 'human' });
  const kubeconfig = flags.kubeconfig ?? process.env.KUBECONFIG;
  const stack = await startLocalStack({
    dataDir: flags['data-dir'] ?? '.quayside',
    ephemeral: demo || (flags.ephemeral ?? false),
    ...(kubeconfig === undefined || kubeconfig === '' ? {} : { kubeconfig }),
    events: { publish: (list: readonly StatusEvent[]) => events.publish(list) },
    log: (line) => process.stderr.write(`${line}\n`),
    ...(demo ? { rolloutStepMs: 300 } : {}),
    ...(flags['chart-root'] === undefined
      ? {}
      : { chartRoots: flags['chart-root'].map((root) => resolve(root)) }),
    onOutcome: (outcome, message) => {
      const requestId = requestIdOf(message.body);
      if (requestId !== undefined) waiters.get(requestId)?.(outcome);
      if (outcome.outcome !== 'done')
        say(
          `  request ${requestId ?? message.messageId}: ${outcome.outcome}${outcome.reason ? ` (${outcome.reason})` : ''}`,
        );
    },
  });
  say('quayside is running on this machine');
  say(`  queue    ${stack.queueUrl}`);
  say(`  store    ${stack.storeDescription}`);
  say(`  cluster  ${stack.clusterDescription}`);
  say('  events   printed below as they happen\n');
  say('From another terminal:');
  say(`  export QUAYSIDE_QUEUE_URL=${stack.queueUrl}`);
  say(`  export QUAYSIDE_STORE='${stack.storeUrl}'`);
  say(`  export KUBECONFIG=${stack.kubeconfigPath}`);
  say(
    `  export AWS_ENDPOINT_URL_SQS=${stack.sqsEndpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=quayside AWS_SECRET_ACCESS_KEY=quayside`,
  );

  if (demo) {
    const examplesDir = fileURLToPath(new URL('../../examples', import.meta.url));
    try {
      const ok = await playDemo({
        stack,
        examplesDir,
        print: say,
        outcomeOf: (requestId) => new Promise((resolve) => waiters.set(requestId, resolve)),
      });
      say(ok ? '\nThe story played as expected.' : '\nThe story did not play as expected.');
      return ok ? 0 : 1;
    } finally {
      await stack.stop();
    }
  }

  say('\nPress Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      say(`\n${signal}: finishing the request in hand, then stopping (press Ctrl-C again to stop at once).`);
      process.once('SIGINT', () => process.exit(130));
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await stack.stop();
  say('Stopped.');
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      ephemeral: { type: 'boolean' },
      'data-dir': { type: 'string' },
      kubeconfig: { type: 'string' },
      demo: { type: 'boolean' },
      'chart-root': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  }).values;
}

function requestIdOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { requestId?: unknown }).requestId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
