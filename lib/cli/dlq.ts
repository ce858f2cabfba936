/** `quayside dlq list|redrive`: the requests the worker gave up on, and sending them back. */

import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  type DeadRequest,
  deadLetterQueueOf,
  listDeadRequests,
  redriveDeadRequests,
} from '../client/index.ts';
import { openDriver, ReleaseStore } from '../store/index.ts';
import { encodeData, formatTable } from './format.ts';
import { readSubcommand, usageError as usageFailure } from './subcommand.ts';

const USAGE = `Usage: quayside dlq list [--queue-url URL] [--store URL] [-o table|json|yaml]
       quayside dlq redrive [--request ID] [--queue-url URL]

The requests the worker gave up on, in the request queue's dead-letter queue.

  list      each dead request: id, release, action, receive count, and why the worker gave up
            (from the store, when it recorded why: a crash or timeout records nothing)
  redrive   sends them back to the request queue, each in its original message group, and
            removes them from the dead-letter queue; --request sends back only that one

Flags:
  --queue-url URL   the request queue (default $QUAYSIDE_QUEUE_URL); its DLQ is found from its redrive policy
  --store URL       the release store, for the reasons (default $QUAYSIDE_STORE)
  --request ID      redrive only this request
  -o FORMAT         table (default), json or yaml`;

/** Runs the command; returns the exit code (0 done, 2 bad usage, 1 the queue could not be read). */
export async function runDlqCommand(argv: string[]): Promise<number> {
  const parsed = readSubcommand(argv, parse, USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [verb] = positionals;
  if (verb !== 'list' && verb !== 'redrive') return usageError('say list or redrive');
  const queueUrl = values['queue-url'] ?? process.env.QUAYSIDE_QUEUE_URL;
  if (!queueUrl) return usageError('no queue: give --queue-url or set QUAYSIDE_QUEUE_URL');
  const output = values.output ?? 'table';
  if (!['table', 'json', 'yaml'].includes(output)) return usageError(`unknown output format "${output}"`);
  // The SDK's own configuration: AWS_REGION, credentials, AWS_ENDPOINT_URL_SQS for the local stack.
  const sqs = new SQSClient({});
  const storeUrl = values.store ?? process.env.QUAYSIDE_STORE;
  const store = storeUrl ? new ReleaseStore(await openDriver(storeUrl)) : undefined;
  try {
    const deadLetterQueueUrl = await deadLetterQueueOf(sqs, queueUrl);
    if (verb === 'list') {
      const dead = await listDeadRequests({
        sqs,
        deadLetterQueueUrl,
        ...(store === undefined ? {} : { store }),
      });
      process.stdout.write(render(dead, output as 'table' | 'json' | 'yaml'));
      return 0;
    }
    const sent = await redriveDeadRequests({
      sqs,
      queueUrl,
      deadLetterQueueUrl,
      ...(values.request === undefined ? {} : { requestId: values.request }),
    });
    if (values.request !== undefined && sent.length === 0) {
      process.stderr.write(`Error: request ${values.request} is not in the dead-letter queue\n`);
      return 1;
    }
    for (const request of sent) {
      process.stdout.write(
        `sent back: ${request.requestId ?? request.messageId} (${request.release ?? 'unknown release'})\n`,
      );
    }
    if (sent.length === 0) process.stdout.write('the dead-letter queue is empty\n');
    return 0;
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    return 1;
  } finally {
    sqs.destroy();
    await store?.close();
  }
}

function render(dead: readonly DeadRequest[], output: 'table' | 'json' | 'yaml'): string {
  if (output !== 'table') return encodeData(output, dead);
  if (dead.length === 0) return 'the dead-letter queue is empty\n';
  return formatTable([
    ['REQUEST ID', 'RELEASE', 'ACTION', 'RECEIVES', 'SENT', 'LAST ERROR'],
    ...dead.map((d) => [
      d.requestId ?? `(message ${d.messageId})`,
      d.release ?? '-',
      d.action ?? '-',
      d.receiveCount,
      d.sentAt ?? '-',
      d.lastError ?? '-',
    ]),
  ]);
}

function usageError(message: string): number {
  return usageFailure(message, USAGE);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      'queue-url': { type: 'string' },
      store: { type: 'string' },
      request: { type: 'string' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
}
