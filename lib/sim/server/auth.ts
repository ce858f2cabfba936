/**
 * Who is calling, and may they: the simulator's bearer token, and in EKS mode EKS tokens checked
 * as EKS's authenticator (aws-iam-authenticator) checks them, with namespace-scoped access per
 * identity as an EKS access policy scoped to namespaces grants it.
 */
import { request as httpsRequest } from 'node:https';
import { StatusError } from '../errors.ts';
import { MESSAGES, qualifiedResource } from '../messages.ts';
import type { EksModeOptions } from '../types.ts';
import type { RequestInfo } from './request-info.ts';

/** An authenticated caller: its user name and what it may touch. */
export interface Identity {
  readonly username: string;
  readonly access: 'cluster' | { readonly namespaces: readonly string[] };
}

export interface Authenticator {
  /** @returns the caller, or undefined (answered 401) for a missing or refused credential. */
  authenticate(authorization: string | undefined): Promise<Identity | undefined>;
  /** @throws StatusError 403, worded as kube-apiserver words it, when `identity` may not do what `info` asks. */
  authorize(identity: Identity, info: RequestInfo): void;
}

/** The user the simulator's own bearer token authenticates as. */
export const ADMIN_USER = 'quayside-sim-admin';

export function unauthorized(): StatusError {
  return new StatusError({ code: 401, reason: 'Unauthorized', message: MESSAGES.unauthorized });
}

const V1_PREFIX = 'k8s-aws-v1.';
const MAX_TOKEN_BYTES = 4096;
const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
// STS honours a presigned GetCallerIdentity for 15 minutes after X-Amz-Date, so EKS does too.
const TOKEN_LIFETIME_MS = 15 * 60_000;
// kube-apiserver caches a webhook's answer for a token this long (--authentication-token-webhook-cache-ttl).
const CACHE_TTL_MS = 2 * 60_000;
const STS_TIMEOUT_MS = 10_000;
const ALLOWED_PARAMS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);

/** Checks the simulator's own bearer token, and in EKS mode EKS tokens too. */
export function createAuthenticator(input: {
  token: string;
  eks?: EksModeOptions;
  now: () => number;
  /** Told why each refused EKS token was refused (the API server logs it; the client sees only 401). */
  onRefused?: (reason: string) => void;
}): Authenticator {
  const cache = new Map<string, { identity: Identity; until: number }>();
  const eks = input.eks;

  async function authenticateEks(token: string): Promise<Identity | undefined> {
    if (eks === undefined) return undefined;
    const now = input.now();
    const cached = cache.get(token);
    if (cached !== undefined && now < cached.until) return cached.identity;
    const checked = await verifyEksToken(token, eks, now);
    if (typeof checked === 'string') {
      input.onRefused?.(checked);
      return undefined;
    }
    cache.set(token, { identity: checked.identity, until: Math.min(now + CACHE_TTL_MS, checked.expiresAt) });
    return checked.identity;
  }

  return {
    async authenticate(authorization) {
      const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
      if (token === undefined) return undefined;
      if (token === input.token) return { username: ADMIN_USER, access: 'cluster' };
      return token.startsWith(V1_PREFIX) ? authenticateEks(token) : undefined;
    },
    authorize(identity, info) {
      if (info.type !== 'resource' || identity.access === 'cluster') return;
      if (info.namespace !== '' && identity.access.namespaces.includes(info.namespace)) return;
      throw forbidden(identity.username, info);
    },
  };
}

/** kube-apiserver's Forbidden for a resource request (apiserver's responsewriters.Forbidden). */
function forbidden(username: string, info: Extract<RequestInfo, { type: 'resource' }>): StatusError {
  const resource = info.subresource ? `${info.resource.plural}/${info.subresource}` : info.resource.plural;
  const scope = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
  const reason = `User "${username}" cannot ${info.verb} resource "${resource}" in API group "${info.resource.group}" ${scope}`;
  const subject = qualifiedResource(info.resource);
  return new StatusError({
    code: 403,
    reason: 'Forbidden',
    message: info.name
      ? `${subject} "${info.name}" is forbidden: ${reason}`
      : `${subject} is forbidden: ${reason}`,
    details: {
      ...(info.name ? { name: info.name } : {}),
      ...(info.resource.group ? { group: info.resource.group } : {}),
      kind: info.resource.plural,
    },
  });
}

/**
 * An EKS token's checks, in the authenticator's order: format, the presigned URL's host, path,
 * parameters, action, signed cluster id header, X-Amz-Expires and age; then the URL replayed to STS
 * with this cluster's id, whose answer names the caller; then the caller's access entry.
 * @returns the identity and when the token expires, or why it is refused.
 */
async function verifyEksToken(
  token: string,
  eks: EksModeOptions,
  now: number,
): Promise<{ identity: Identity; expiresAt: number } | string> {
  if (token.length > MAX_TOKEN_BYTES) return 'token is too large';
  const encoded = token.slice(V1_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return 'token is not base64url without padding';
  let url: URL;
  try {
    url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return 'token does not hold a URL';
  }
  if (url.protocol !== 'https:') return `unexpected scheme "${url.protocol}" in pre-signed URL`;
  if (!eks.stsHosts.includes(url.host)) return `unexpected hostname "${url.host}" in pre-signed URL`;
  if (url.pathname !== '/') return 'unexpected path in pre-signed URL';
  const params = new Map<string, string>();
  for (const key of new Set(url.searchParams.keys())) {
    if (!ALLOWED_PARAMS.has(key.toLowerCase())) return `non-whitelisted query parameter "${key}"`;
    const values = url.searchParams.getAll(key);
    if (values.length !== 1) return 'query parameter with multiple values not supported';
    params.set(key.toLowerCase(), values[0] as string);
  }
  if (params.get('action') !== 'GetCallerIdentity') return 'unexpected action parameter in pre-signed URL';
  const signed = (params.get('x-amz-signedheaders') ?? '').toLowerCase().split(';');
  if (!signed.includes(CLUSTER_ID_HEADER))
    return `client did not sign the ${CLUSTER_ID_HEADER} header in the pre-signed URL`;
  const expires = Number(params.get('x-amz-expires'));
  if (!Number.isInteger(expires) || expires < 0 || expires > 900)
    return 'invalid X-Amz-Expires parameter in pre-signed URL';
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(params.get('x-amz-date') ?? '');
  if (!date) return 'X-Amz-Date parameter must be present in pre-signed URL';
  const signedAt = Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!);
  if (now > signedAt + TOKEN_LIFETIME_MS) return 'X-Amz-Date parameter is expired (15 minute expiration)';
  const answer = await replay(url, eks);
  if (typeof answer === 'string') return answer;
  const arn = canonicalArn(answer.arn);
  const access = eks.access[arn];
  if (access === undefined) return `no access entry for "${arn}"`;
  return {
    identity: {
      username: answer.arn,
      access: access === 'cluster' ? 'cluster' : { namespaces: access.namespaces },
    },
    expiresAt: signedAt + TOKEN_LIFETIME_MS,
  };
}

/** GET of the presigned URL with this cluster's id, as the authenticator does: STS says who signed it. */
function replay(url: URL, eks: EksModeOptions): Promise<{ arn: string } | string> {
  return new Promise((resolve) => {
    const call = httpsRequest(
      url,
      {
        headers: { [CLUSTER_ID_HEADER]: eks.clusterName, accept: 'application/json' },
        ...(eks.stsCa === undefined ? {} : { ca: eks.stsCa }),
        timeout: STS_TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) {
            resolve(
              `sts getCallerIdentity failed: error from AWS (expected 200, got ${response.statusCode})`,
            );
            return;
          }
          try {
            const parsed = JSON.parse(body) as {
              GetCallerIdentityResponse?: { GetCallerIdentityResult?: { Arn?: string } };
            };
            const arn = parsed.GetCallerIdentityResponse?.GetCallerIdentityResult?.Arn;
            resolve(arn ? { arn } : 'sts getCallerIdentity failed: no Arn in the answer');
          } catch (error) {
            resolve(`sts getCallerIdentity failed: ${(error as Error).message}`);
          }
        });
      },
    );
    call.on('timeout', () => call.destroy(new Error('timeout')));
    call.on('error', (error) => resolve(`sts getCallerIdentity failed: error during GET: ${error.message}`));
    call.end();
  });
}

/** `arn:aws:sts::A:assumed-role/R/S` → `arn:aws:iam::A:role/R`, as access entries name roles. */
function canonicalArn(arn: string): string {
  const match = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return match ? `arn:${match[1]}:iam::${match[2]}:role/${match[3]}` : arn;
}
