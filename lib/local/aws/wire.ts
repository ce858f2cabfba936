import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReceivedRequest } from './sigv4.ts';

/** Reads a request whole, for signature checks. */
export async function receive(request: IncomingMessage): Promise<ReceivedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return {
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    headers: request.headers,
    body: Buffer.concat(chunks),
  };
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An XML element tree as the Query protocol answers: `{ Tag: 'text' | { Child: … } }`, in order. */
export type XmlTree = { readonly [tag: string]: string | number | XmlTree };

export function toXml(tree: XmlTree): string {
  return Object.entries(tree)
    .map(
      ([tag, value]) =>
        `<${tag}>${typeof value === 'object' ? toXml(value) : escapeXml(String(value))}</${tag}>`,
    )
    .join('');
}

export function sendXml(
  response: ServerResponse,
  status: number,
  root: string,
  namespace: string,
  body: XmlTree,
): void {
  const text = `<${root} xmlns="${namespace}">${toXml(body)}</${root}>\n`;
  response.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(text);
}
