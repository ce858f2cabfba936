import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { Sha256 } from '../../clusters/index.ts';
import type { KnownCredentials, LocalIam } from './iam.ts';

/** A request as it reached a stub: what SigV4 covers. */
export interface ReceivedRequest {
  readonly method: string;
  /** The path and query as sent (`/?Action=…`). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Why a request was refused, in the service's words. */
export interface AuthFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export type Verified = { ok: true; principal: KnownCredentials } | { ok: false; failure: AuthFailure };

const ALGORITHM = 'AWS4-HMAC-SHA256';
// A header-signed request more than this far from the server's clock is refused, as AWS does.
const MAX_SKEW_MS = 15 * 60_000;
// STS honours a presigned request for 15 minutes after its X-Amz-Date, whatever X-Amz-Expires says.
export const PRESIGNED_LIFETIME_MS = 15 * 60_000;

const FAILURES = {
  missing: (what: string): AuthFailure => ({
    status: 403,
    code: 'MissingAuthenticationToken',
    message: `Request is missing Authentication Token (${what})`,
  }),
  unknownKey: (): AuthFailure => ({
    status: 403,
    code: 'InvalidClientTokenId',
    message: 'The security token included in the request is invalid.',
  }),
  expiredToken: (): AuthFailure => ({
    status: 400,
    code: 'ExpiredToken',
    message: 'The security token included in the request is expired',
  }),
  mismatch: (): AuthFailure => ({
    status: 403,
    code: 'SignatureDoesNotMatch',
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  }),
  expired: (date: string, now: Date): AuthFailure => ({
    status: 403,
    code: 'SignatureDoesNotMatch',
    message: `Signature expired: ${date} is now earlier than ${amzDate(new Date(now.getTime() - MAX_SKEW_MS))} (${amzDate(now)} - 15 min.)`,
  }),
  scope: (detail: string): AuthFailure => ({
    status: 403,
    code: 'SignatureDoesNotMatch',
    message: `Credential should be scoped to ${detail}.`,
  }),
};

function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

function queryOf(search: URLSearchParams, drop: ReadonlySet<string> = new Set()): HttpRequest['query'] {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    if (drop.has(key)) continue;
    const values = search.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function sameSignature(given: string, computed: string | undefined): boolean {
  if (computed === undefined || given.length !== computed.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(computed));
}

/**
 * Who signed a request whose credential scope is `KEY/DATE/REGION/SERVICE/aws4_request`, if the
 * key is known, unexpired, scoped to `service` and presented with its session token.
 */
function principalOf(
  iam: LocalIam,
  scope: string,
  service: string,
  token: string | undefined,
): { principal: KnownCredentials; region: string; date: string } | AuthFailure {
  const [keyId = '', date = '', region = '', scoped = '', terminator = ''] = scope.split('/');
  const principal = iam.credentials(keyId);
  if (principal === undefined) return FAILURES.unknownKey();
  if (scoped !== service || terminator !== 'aws4_request') return FAILURES.scope(`a valid ${service} scope`);
  if ((principal.sessionToken ?? undefined) !== (token ?? undefined)) return FAILURES.unknownKey();
  if (principal.expiresAt !== undefined && iam.clock.now() >= principal.expiresAt)
    return FAILURES.expiredToken();
  return { principal, region, date };
}

/**
 * Verifies a request signed in its Authorization header (what the SDK's clients send): the
 * signature is computed again with @smithy/signature-v4 over the headers the client signed and
 * compared; the date must be within 15 minutes of the stub's clock.
 */
export async function verifySignedRequest(
  iam: LocalIam,
  request: ReceivedRequest,
  service: string,
): Promise<Verified> {
  const authorization = headerValue(request.headers, 'authorization') ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/.exec(
    authorization,
  );
  if (!m) return { ok: false, failure: FAILURES.missing('no AWS4-HMAC-SHA256 Authorization header') };
  const [, scope = '', signedHeaders = '', signature = ''] = m;
  const dateText = headerValue(request.headers, 'x-amz-date') ?? '';
  const signingDate = parseAmzDate(dateText);
  if (signingDate === undefined) return { ok: false, failure: FAILURES.missing('no valid X-Amz-Date') };
  const now = new Date(iam.clock.now());
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) {
    return { ok: false, failure: FAILURES.expired(dateText, now) };
  }
  const found = principalOf(iam, scope, service, headerValue(request.headers, 'x-amz-security-token'));
  if ('status' in found) return { ok: false, failure: found };
  const url = new URL(request.url, 'https://stub');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(';')) headers[name] = headerValue(request.headers, name) ?? '';
  // applyChecksum off: a checksum header is signed only when the client signed one.
  const signer = new SignatureV4({
    service,
    region: found.region,
    credentials: found.principal,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'https:',
      hostname: headers.host ?? '',
      path: url.pathname,
      query: queryOf(url.searchParams),
      headers,
      body: request.body.length === 0 ? undefined : request.body,
    },
    { signingDate, signingRegion: found.region, signingService: service },
  );
  const computed = /Signature=([0-9a-f]{64})/.exec(
    String(signed.headers.authorization ?? signed.headers.Authorization),
  )?.[1];
  if (!sameSignature(signature, computed)) return { ok: false, failure: FAILURES.mismatch() };
  return { ok: true, principal: found.principal };
}

const SIGNATURE_PARAMS = new Set(['X-Amz-Signature']);

/**
 * Verifies a presigned request (SigV4 in the query string, as an EKS token's URL is): the same
 * computation with @smithy/signature-v4's presign over the headers the URL says it signed; refused
 * 15 minutes after its X-Amz-Date, as STS refuses it.
 */
export async function verifyPresignedRequest(
  iam: LocalIam,
  request: ReceivedRequest,
  service: string,
): Promise<Verified> {
  const url = new URL(request.url, 'https://stub');
  const q = url.searchParams;
  if (q.get('X-Amz-Algorithm') !== ALGORITHM || !q.get('X-Amz-Signature')) {
    return { ok: false, failure: FAILURES.missing('no presigned X-Amz-Signature') };
  }
  const dateText = q.get('X-Amz-Date') ?? '';
  const signingDate = parseAmzDate(dateText);
  const expiresIn = Number(q.get('X-Amz-Expires'));
  if (signingDate === undefined || !Number.isInteger(expiresIn) || expiresIn < 1) {
    return { ok: false, failure: FAILURES.missing('no valid X-Amz-Date and X-Amz-Expires') };
  }
  const now = new Date(iam.clock.now());
  if (now.getTime() - signingDate.getTime() > PRESIGNED_LIFETIME_MS) {
    return { ok: false, failure: FAILURES.expired(dateText, now) };
  }
  const found = principalOf(
    iam,
    q.get('X-Amz-Credential') ?? '',
    service,
    q.get('X-Amz-Security-Token') ?? undefined,
  );
  if ('status' in found) return { ok: false, failure: found };
  const headers: Record<string, string> = {};
  for (const name of (q.get('X-Amz-SignedHeaders') ?? '').split(';')) {
    headers[name] = headerValue(request.headers, name) ?? '';
  }
  const signer = new SignatureV4({
    service,
    region: found.region,
    credentials: found.principal,
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    {
      method: request.method,
      protocol: 'https:',
      hostname: headers.host ?? '',
      path: url.pathname,
      query: queryOf(q, SIGNATURE_PARAMS),
      headers,
    },
    { signingDate, expiresIn, signingRegion: found.region, signingService: service },
  );
  const computed = presigned.query?.['X-Amz-Signature'];
  if (!sameSignature(q.get('X-Amz-Signature') ?? '', typeof computed === 'string' ? computed : undefined)) {
    return { ok: false, failure: FAILURES.mismatch() };
  }
  return { ok: true, principal: found.principal };
}
