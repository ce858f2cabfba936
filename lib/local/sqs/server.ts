import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../domain/index.ts';
import { sqsActions } from './actions.ts';
import { SqsFault } from './errors.ts';
import type { Journal } from './journal.ts';

export interface SqsServer {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** The account id and region in queue URLs and ARNs (cosmetic, as in every local SQS). */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

/**
 * An SQS-API server speaking the JSON protocol (x-amz-json-1.0, `X-Amz-Target:
 * AmazonSQS.<Action>`) that today's SDK v3 uses, over a journaled state: FIFO
 * queues with message groups, deduplication, visibility, redrive to a
 * dead-letter queue, long polling, SQS's size limits and error codes.
 */
export async function startSqsServer(input: {
  journal: Journal;
  clock: Clock;
  port?: number;
  /** A new receipt handle, message id…; random by default. */
  ids?: () => string;
}): Promise<SqsServer> {
  const server = createServer();
  const pollers = new Set<() => void>();
  const wake = () => {
    for (const poll of pollers) poll();
  };
  const actions = sqsActions({
    journal: input.journal,
    clock: input.clock,
    ids: input.ids ?? randomUUID,
    urlOf: (name) => `${endpoint}/${LOCAL_ACCOUNT}/${name}`,
    arnOf: (name) => `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`,
    wake,
    waitForMessages: (ms, signal) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          pollers.delete(done);
          clearInterval(tick);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        // Visibility timeouts end without any request: look again now and then.
        const tick = setInterval(done, 250);
        pollers.add(done);
        signal.addEventListener('abort', done, { once: true });
      }),
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void handle(request, response, actions);
  });
  server.listen(input.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    server,
    close: async () => {
      wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  actions: ReturnType<typeof sqsActions>,
): Promise<void> {
  const abort = new AbortController();
  response.on('close', () => abort.abort());
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (response.writableEnded || response.destroyed) return;
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers });
    response.end(JSON.stringify(body));
  };
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    if (request.method !== 'POST' || !target.startsWith('AmazonSQS.')) {
      throw new SqsFault(
        'InvalidAction',
        'this server speaks the SQS JSON protocol: POST with X-Amz-Target: AmazonSQS.<Action>',
      );
    }
    const action = target.slice('AmazonSQS.'.length);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      throw new SqsFault('MalformedInput', 'the request body is not JSON');
    }
    const run = actions[action as keyof typeof actions];
    if (run === undefined)
      throw new SqsFault('InvalidAction', `the action ${action} is not valid for this endpoint`);
    reply(200, await run(body, abort.signal));
  } catch (error) {
    if (error instanceof SqsFault) {
      reply(
        error.status,
        { __type: `com.amazonaws.sqs#${error.code}`, message: error.message },
        {
          'x-amzn-query-error': `${error.queryCode};${error.status >= 500 ? 'Receiver' : 'Sender'}`,
        },
      );
      return;
    }
    reply(500, { __type: 'com.amazonaws.sqs#InternalError', message: String((error as Error).message) });
  }
}
