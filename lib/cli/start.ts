import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type StatusEvent, StreamPublisher } from '../events/index.ts';
import { playDemo } from '../local/demo.ts';
import { startLocalStack } from '../local/index.ts';

const HELP = `Run the whole quayside service on this machine.

Usage: quayside start [--ephemeral] [--data-dir DIR] [--kubeconfig FILE | --clusters N] [--chart-root DIR]... [--demo]

  --ephemeral        keep nothing after stopping (the default keeps data in .quayside/)
  --data-dir DIR     where to keep data (default .quayside)
  --kubeconfig FILE  deploy to the cluster of this kubeconfig's current context instead of the simulator
                     ($KUBECONFIG does the same)
  --chart-root DIR   a folder requests may name charts in by chart.path (repeatable; default: this folder).
                     The CLI sends local charts inline, so this is only for requests written by hand
  --clusters N       run N simulated EKS clusters (sim-1 … sim-N, 2-9) instead of one simulator: each
                     authenticates EKS tokens, is registered in the store as an eks entry, and the worker
                     reaches it through a loopback STS and EKS, sim-2 and up through an assumed role of
                     another account
  --demo             play the blog story through the queue, print its history and exit (implies --ephemeral);
                     with --clusters, then install one release on sim-2 and sim-3 and list each cluster

It runs the service as it is deployed: the request FIFO queue and its dead-letter queue (a durable
SQS-API server), DynamoDB Local (the file store without Java), an EventBridge endpoint that prints
every status event, the Kubernetes simulator, and the worker and sweeper Lambda bundles (built when
their sources changed) behind a local SQS event source mapping. Chat-ops runs too: the chat function
behind a loopback Function URL (quayside chat posts signed slash commands to it), the notifier on the
bus, and a Slack Web API stand-in that prints what would be posted; and the automation: a local
EventBridge Scheduler (quayside schedule), CloudWatch's SetAlarmState (quayside alarm set), the
alarm function on the bus's rule and the guard on its schedule. Function logs go to DIR/logs/.
Ctrl-C stops it cleanly: invocations in hand are finished; queued requests stay queued (the queue
survives even kill -9).`;

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
  const clusters = flags.clusters === undefined ? 1 : Number(flags.clusters);
  if (!Number.isInteger(clusters) || clusters < 1 || clusters > 9) {
    process.stderr.write(`Error: --clusters must be a whole number from 1 to 9, not "${flags.clusters}"\n`);
    return 2;
  }
  if (clusters > 1 && flags.kubeconfig !== undefined) {
    process.stderr.write('Error: --clusters runs simulated clusters; it does not go with --kubeconfig\n');
    return 2;
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const events = new StreamPublisher({ stream: process.stdout, format: 'human' });
  const kubeconfig = clusters > 1 ? undefined : (flags.kubeconfig ?? process.env.KUBECONFIG);
  const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  try {
    stack = await startLocalStack({
      projectRoot,
      dataDir: flags['data-dir'] ?? '.quayside',
      ephemeral: demo || (flags.ephemeral ?? false),
      ...(kubeconfig === undefined || kubeconfig === '' ? {} : { kubeconfig }),
      events: { publish: (list: readonly StatusEvent[]) => events.publish(list) },
      log: (line) => process.stderr.write(`${line}\n`),
      onSlack: (_, rendered) => say(rendered),
      ...(demo ? { rolloutStepMs: 300, guardEveryMs: 1000 } : {}),
      ...(clusters > 1 ? { clusters } : {}),
      ...(flags['chart-root'] === undefined
        ? {}
        : { chartRoots: flags['chart-root'].map((root) => resolve(root)) }),
      onInvoke: (records, result) => {
        if (!result.ok) say(`  worker invocation failed (${result.kind}): ${result.error.errorMessage}`);
        const failures = result.ok
          ? (result.result as { batchItemFailures?: unknown[] } | null)?.batchItemFailures
          : [];
        if (result.ok && (failures?.length ?? 0) > 0)
          say(`  ${failures?.length} of ${records.length} request(s) returned to the queue to be retried`);
      },
    });
  } catch (error) {
    // Said plainly: a dead cluster endpoint, a port in use, a broken data folder.
    process.stderr.write(`Error: the local stack could not start: ${(error as Error).message}\n`);
    return 1;
  }
  say('quayside is running on this machine');
  say(`  queue    ${stack.queueUrl}`);
  say(`  DLQ      ${stack.deadLetterQueueUrl}`);
  say(`  store    ${stack.storeDescription}`);
  say(`  cluster  ${stack.clusterDescription}`);
  for (const cluster of stack.clusters) {
    say(
      `           ${cluster.name} at ${cluster.simulator.url}${cluster.roleArn ? ` (through ${cluster.roleArn})` : ''}`,
    );
  }
  say(`  events   ${stack.eventBridgeEndpoint}, printed below as they happen`);
  say(`  chat     ${stack.chat.url} (Slack's request URL); what would be posted to Slack is printed below`);
  say(`  logs     ${stack.logDir}\n`);
  say('From another terminal:');
  say(`  export QUAYSIDE_QUEUE_URL=${stack.queueUrl}`);
  say(`  export QUAYSIDE_STORE='${stack.storeUrl}'`);
  say(`  export KUBECONFIG=${stack.kubeconfigPath}`);
  say(
    `  export AWS_ENDPOINT_URL_SQS=${stack.sqsEndpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=quayside AWS_SECRET_ACCESS_KEY=quayside`,
  );
  say(
    `  export AWS_ENDPOINT_URL_SCHEDULER=${stack.schedulerEndpoint} AWS_ENDPOINT_URL_CLOUDWATCH=${stack.cloudWatchEndpoint}`,
  );
  say(
    `  export QUAYSIDE_CHAT_URL=${stack.chat.url} QUAYSIDE_SLACK_SIGNING_SECRET=${stack.chat.signingSecret}`,
  );
  say(
    `  then: quayside access grant rollback slack:UALICE --namespace tools; quayside chat '/quayside rollback blog 1 -n tools' --user alice`,
  );

  if (demo) {
    const examplesDir = fileURLToPath(new URL('../../examples', import.meta.url));
    try {
      const ok = await playDemo({ stack, examplesDir, print: say });
      say(ok ? '\nThe story played as expected.' : '\nThe story did not play as expected.');
      return ok ? 0 : 1;
    } finally {
      await stack.stop();
    }
  }

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      say(`\n${signal}: finishing the requests in hand, then stopping (press Ctrl-C again to stop at once).`);
      process.once('SIGINT', () => process.exit(130));
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    // Only once the handlers are in place: whoever reads this may send the signal at once.
    say('\nPress Ctrl-C to stop.');
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
      clusters: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  }).values;
}
