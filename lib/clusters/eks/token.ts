import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Clock } from '../../domain/index.ts';
import type { CredentialSource, Credentials } from '../../kube/index.ts';
import { Sha256 } from './sha256.ts';

/** What EKS (aws-iam-authenticator) expects before the base64url of the presigned URL. */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** The header that binds a token to one cluster: signed, so STS refuses the URL with any other value. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** STS honours a presigned GetCallerIdentity for 15 minutes after its X-Amz-Date, whatever X-Amz-Expires says. */
export const TOKEN_LIFETIME_MS = 15 * 60_000;
/**
 * A token is made again after this long: well inside its 15 minutes, so that one in use is never
 * near its end (clocks differ a little, and a request may wait for a socket), and making one costs
 * only a local signature.
 */
export const TOKEN_REFRESH_MS = 10 * 60_000;
// X-Amz-Expires as aws-iam-authenticator sets it: ignored by STS, and EKS checks only that it is 0-900.
const PRESIGN_EXPIRES_SECONDS = 60;
// STS's API version for GetCallerIdentity.
const STS_VERSION = '2011-06-15';

/** The STS endpoint a token's URL names: AWS_ENDPOINT_URL_STS when set (the local stack), else the region's. */
export function stsUrlFor(
  region: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const configured = env.AWS_ENDPOINT_URL_STS?.trim();
  if (configured) return configured;
  return `https://sts.${region}.amazonaws.${region.startsWith('cn-') ? 'com.cn' : 'com'}`;
}

/** RFC 3986 encoding, as SigV4 canonicalises query values. */
const encode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * An EKS token: a GetCallerIdentity request to STS presigned (SigV4, query parameters) with the
 * caller's credentials, its signature covering the `x-k8s-aws-id` header set to the cluster's
 * name, as `k8s-aws-v1.` + base64url without padding. The API server's authenticator replays it
 * to STS to learn who is calling; nothing here talks to the network.
 */
export async function presignEksToken(input: {
  clusterName: string;
  region: string;
  stsUrl: string;
  credentials: AwsCredentialIdentity;
  signedAt: Date;
}): Promise<string> {
  const url = new URL(input.stsUrl);
  const signer = new SignatureV4({
    service: 'sts',
    region: input.region,
    credentials: input.credentials,
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: STS_VERSION },
      headers: { host: url.host, [CLUSTER_ID_HEADER]: input.clusterName },
    },
    { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: input.signedAt },
  );
  const query = Object.entries(presigned.query ?? {})
    .map(([key, value]) => `${encode(key)}=${encode(String(value))}`)
    .join('&');
  return EKS_TOKEN_PREFIX + Buffer.from(`${url.protocol}//${url.host}/?${query}`).toString('base64url');
}

/** Credentials to sign with, and when they stop working (temporary ones). */
export interface SigningCredentials {
  get(): Promise<AwsCredentialIdentity>;
  /** After a 401: the credentials themselves may be what the cluster no longer takes. */
  forget(): void;
}

/**
 * The credential source of an EKS cluster's connection: a bearer EKS token, made on first use and
 * again after TOKEN_REFRESH_MS (or sooner, when the credentials it was signed with expire first);
 * `refresh` (after a 401) drops the token and the credentials, so the retry is signed afresh.
 */
export class EksTokenSource implements CredentialSource {
  readonly #input: {
    clusterName: string;
    region: string;
    stsUrl: string;
    credentials: SigningCredentials;
    clock: Clock;
  };
  #cached: { credentials: Credentials; refreshAt: number } | undefined;
  #making: Promise<Credentials> | undefined;

  constructor(input: {
    clusterName: string;
    region: string;
    stsUrl: string;
    credentials: SigningCredentials;
    clock: Clock;
  }) {
    this.#input = input;
  }

  get(): Promise<Credentials> {
    const cached = this.#cached;
    if (cached !== undefined && this.#input.clock.now() < cached.refreshAt)
      return Promise.resolve(cached.credentials);
    this.#making ??= this.#make().finally(() => {
      this.#making = undefined;
    });
    return this.#making;
  }

  refresh(): void {
    this.#cached = undefined;
    this.#input.credentials.forget();
  }

  async #make(): Promise<Credentials> {
    const { clock } = this.#input;
    const credentials = await this.#input.credentials.get();
    const signedAt = clock.now();
    const token = await presignEksToken({ ...this.#input, credentials, signedAt: new Date(signedAt) });
    const expires = credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    // A URL signed with temporary credentials is refused once they expire: renewed a minute before.
    const refreshAt = Math.min(signedAt + TOKEN_REFRESH_MS, expires - 60_000);
    const made = { headers: { Authorization: `Bearer ${token}` } };
    this.#cached = { credentials: made, refreshAt };
    return made;
  }
}
