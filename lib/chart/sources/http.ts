import { createHash } from 'node:crypto';
import { ChartSourceError, DigestMismatchError } from '../errors.ts';
import { SOURCE_MESSAGES as M } from '../messages.ts';
import type { SourceAuth } from '../types.ts';

/** Largest index.yaml or manifest read from a server. */
export const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;

export function authorizationHeader(auth: SourceAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if ('token' in auth) return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}

/** GETs a URL; throws ChartSourceError for network failures and non-2xx answers (except those in `allow`). */
export async function httpGet(
  fetchImpl: typeof fetch,
  url: string,
  headers: Record<string, string>,
  allow: number[] = [],
): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url, { headers, redirect: 'follow' });
  } catch (error) {
    throw new ChartSourceError(M.unreachable(url), url, { cause: error });
  }
  if (!response.ok && !allow.includes(response.status)) {
    await response.body?.cancel();
    throw new ChartSourceError(M.status(url, response.status), url, { status: response.status });
  }
  return response;
}

/** Reads a response body, refusing more than `limit` bytes. */
export async function readBody(response: Response, url: string, limit: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await response.body?.cancel();
    throw new ChartSourceError(M.tooLarge(url, limit), url);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  if (!response.body) return Buffer.alloc(0);
  for await (const chunk of response.body) {
    total += chunk.length;
    if (total > limit) throw new ChartSourceError(M.tooLarge(url, limit), url);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Throws DigestMismatchError unless `data` hashes to `expected` ("sha256:…" or bare hex). */
export function checkDigest(data: Uint8Array, expected: string, source: string): void {
  const want = expected.replace(/^sha256:/, '').toLowerCase();
  const actual = sha256Hex(data);
  if (actual !== want)
    throw new DigestMismatchError(M.digestMismatch(source, want, actual), source, want, actual);
}
