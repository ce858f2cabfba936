import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One entry as the AWS JSON 1.1 protocol carries it (Time is epoch seconds). */
export interface WireEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number;
  Resources?: string[];
}

export type EntryAnswer = { ok: true } | { ok: false; code: string; message: string };

export interface PutEventsStub {
  readonly endpoint: string;
  /** Every PutEvents call that passed the checks, in order. */
  readonly calls: { headers: IncomingHttpHeaders; entries: WireEntry[] }[];
  /** Every broken rule seen (wrong target, too many entries, too large, …); tests expect none. */
  readonly violations: string[];
  close(): Promise<void>;
}

const MAX_ENTRIES = 10;
const MAX_BYTES = 256 * 1024;

/** An event the bus accepted, as rules and targets see it. */
export interface BusEvent {
  readonly id: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  readonly bus: string;
  readonly time: string;
}

/**
 * A loopback stand-in for EventBridge's PutEvents, speaking the real wire protocol: it
 * checks what the SDK sends (headers, target, body shape, batching limits) and answers each
 * entry as `answer` says (all accepted by default), with FailedEntryCount like the service.
 * Every accepted event is handed to `onEvent`, as a rule matching everything would.
 */
export async function startPutEventsStub(
  answer: (entry: WireEntry, callIndex: number) => EntryAnswer = () => ({ ok: true }),
  onEvent: (event: BusEvent) => void = () => {},
): Promise<PutEventsStub> {
  const calls: PutEventsStub['calls'] = [];
  const violations: string[] = [];
  let eventIds = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(body));
      };
      const refuse = (message: string) => {
        violations.push(message);
        reply(400, { __type: 'ValidationException', message });
      };
      if (request.method !== 'POST' || request.url !== '/')
        return refuse(`unexpected ${request.method} ${request.url}`);
      if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
        return refuse(`unexpected target ${request.headers['x-amz-target']}`);
      }
      if (request.headers['content-type'] !== 'application/x-amz-json-1.1') {
        return refuse(`unexpected content-type ${request.headers['content-type']}`);
      }
      if (!String(request.headers.authorization).startsWith('AWS4-HMAC-SHA256 Credential=')) {
        return refuse('the request is not signed with SigV4');
      }
      let body: { Entries?: WireEntry[] };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return refuse('the body is not JSON');
      }
      const entries = body.Entries;
      if (!Array.isArray(entries) || entries.length === 0) return refuse('Entries must be a non-empty array');
      if (entries.length > MAX_ENTRIES)
        return refuse(`${entries.length} entries in one call; the limit is ${MAX_ENTRIES}`);
      let bytes = 0;
      for (const entry of entries) {
        if (!entry.Source || !entry.DetailType || !entry.Detail || !entry.EventBusName) {
          return refuse('an entry lacks Source, DetailType, Detail or EventBusName');
        }
        if (entry.Time !== undefined && typeof entry.Time !== 'number')
          return refuse('Time must be epoch seconds');
        try {
          JSON.parse(entry.Detail);
        } catch {
          return refuse('Detail is not JSON');
        }
        if (entry.Time !== undefined) bytes += 14;
        for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
          bytes += Buffer.byteLength(text, 'utf8');
        }
      }
      if (bytes > MAX_BYTES) return refuse(`${bytes} bytes in one call; the limit is ${MAX_BYTES}`);
      const callIndex = calls.length;
      calls.push({ headers: request.headers, entries });
      const results = entries.map((entry) => {
        const verdict = answer(entry, callIndex);
        eventIds += 1;
        if (!verdict.ok) return { ErrorCode: verdict.code, ErrorMessage: verdict.message };
        const id = `event-${eventIds}`;
        onEvent({
          id,
          source: entry.Source as string,
          detailType: entry.DetailType as string,
          detail: JSON.parse(entry.Detail as string),
          bus: entry.EventBusName as string,
          time: new Date(entry.Time === undefined ? Date.now() : entry.Time * 1000).toISOString(),
        });
        return { EventId: id };
      });
      reply(200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    violations,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
