/** A durable SQS-API server for the local stack. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../domain/index.ts';
import { Journal } from './journal.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, startSqsServer } from './server.ts';

export { SqsFault } from './errors.ts';
export { LOCAL_ACCOUNT, LOCAL_REGION } from './server.ts';

export interface LocalSqs {
  readonly endpoint: string;
  /** The journal file; what survives a crash. */
  readonly journalPath: string;
  close(): Promise<void>;
}

/**
 * Starts the local SQS, its state in `dataDir/sqs.journal` (a temporary folder removed on close
 * when none is given). Queues and messages, with their receive counts and visibility, survive
 * kill -9 of the process: everything answered was on disk first.
 */
export async function startLocalSqs(input: {
  clock: Clock;
  dataDir?: string;
  port?: number;
}): Promise<LocalSqs> {
  const dir = input.dataDir ?? mkdtempSync(join(tmpdir(), 'quayside-sqs-'));
  mkdirSync(dir, { recursive: true });
  const journalPath = join(dir, 'sqs.journal');
  const journal = await Journal.open(journalPath);
  const server = await startSqsServer({
    journal,
    clock: input.clock,
    ...(input.port === undefined ? {} : { port: input.port }),
  });
  return {
    endpoint: server.endpoint,
    journalPath,
    close: async () => {
      await server.close();
      await journal.close();
      if (input.dataDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The queue URL the local SQS gives a queue name. */
export function localQueueUrl(endpoint: string, name: string): string {
  return `${endpoint}/${LOCAL_ACCOUNT}/${name}`;
}

export const LOCAL_SQS_REGION = LOCAL_REGION;
