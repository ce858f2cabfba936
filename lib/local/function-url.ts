import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalFunction } from './lambda-runtime.ts';

/** Lambda Function URLs take request bodies up to 6 MB. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;
/** Content types a Function URL passes as text; every other body arrives base64-encoded. */
const TEXT_TYPES = [/^text\//, /^application\/(json|javascript|xml)\b/, /\+(json|xml)\b/];

export interface FunctionUrl {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A function's URL on loopback, as Lambda Function URLs (auth type NONE) deliver requests: each
 * becomes a payload 2.0 event (lower-case headers joined with commas, the body base64-encoded
 * unless it is text — Slack's form posts are not), and the function's answer — a
 * `{statusCode, headers, body}` object, or anything else as a 200 JSON body — becomes the response.
 */
export async function startFunctionUrl(fn: LocalFunction): Promise<FunctionUrl> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        response.writeHead(413, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            Message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
          }),
        );
        return;
      }
      const body = Buffer.concat(chunks);
      const url = new URL(request.url ?? '/', 'http://localhost');
      const headers = flatten(request.headers);
      const isText = TEXT_TYPES.some((type) => type.test(headers['content-type'] ?? ''));
      const event = {
        version: '2.0',
        routeKey: '$default',
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        ...(url.search === '' ? {} : { queryStringParameters: Object.fromEntries(url.searchParams) }),
        requestContext: {
          accountId: 'anonymous',
          apiId: fn.name,
          domainName: headers.host ?? 'localhost',
          domainPrefix: fn.name,
          http: {
            method: request.method ?? 'GET',
            path: url.pathname,
            protocol: 'HTTP/1.1',
            sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
            userAgent: headers['user-agent'] ?? '',
          },
          requestId: randomUUID(),
          routeKey: '$default',
          stage: '$default',
          time: new Date().toUTCString(),
          timeEpoch: Date.now(),
        },
        ...(body.length === 0 ? {} : { body: isText ? body.toString('utf8') : body.toString('base64') }),
        isBase64Encoded: body.length > 0 && !isText,
      };
      void fn.invoke(event).then((result) => {
        if (!result.ok) {
          response.writeHead(502, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ Message: 'Internal Server Error' }));
          return;
        }
        const answer = result.result as {
          statusCode?: number;
          headers?: Record<string, string>;
          body?: string;
          isBase64Encoded?: boolean;
        } | null;
        if (answer !== null && typeof answer === 'object' && typeof answer.statusCode === 'number') {
          response.writeHead(answer.statusCode, answer.headers ?? {});
          response.end(
            answer.isBase64Encoded ? Buffer.from(answer.body ?? '', 'base64') : (answer.body ?? ''),
          );
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Headers as a Function URL event has them: lower-case names, repeated ones joined with commas. */
function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}
