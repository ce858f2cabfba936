import { randomBytes } from 'node:crypto';
import type { Clock } from '../../domain/index.ts';

/** Credentials the local AWS stubs know, and whose they are. */
export interface KnownCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials carry one; a request must present it. */
  readonly sessionToken?: string;
  /** What GetCallerIdentity answers: `arn:aws:iam::A:user/N` or `arn:aws:sts::A:assumed-role/R/S`. */
  readonly arn: string;
  /** GetCallerIdentity's UserId (`AIDA…`, or `AROA…:session`). */
  readonly userId: string;
  /** Epoch ms after which the stubs answer ExpiredToken. */
  readonly expiresAt?: number;
}

/** A role the stubs let principals assume. */
export interface KnownRole {
  readonly roleArn: string;
  /** Principals (IAM ARNs, roles as `arn:aws:iam::A:role/R`) its trust policy allows. */
  readonly trusted: readonly string[];
  /** The `sts:ExternalId` its trust policy requires. */
  readonly externalId?: string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const randomId = (prefix: string, length: number) =>
  prefix + Array.from(randomBytes(length), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');

/**
 * `arn:aws:sts::A:assumed-role/R/S` → `arn:aws:iam::A:role/R`, as EKS access entries and trust
 * policies name an assumed role; other ARNs unchanged.
 */
export function canonicalArn(arn: string): string {
  const match = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return match ? `arn:${match[1]}:iam::${match[2]}:role/${match[3]}` : arn;
}

/**
 * The identities of the local AWS stubs (STS, EKS): long-term credentials given to them, roles
 * principals may assume, and the temporary credentials AssumeRole hands out.
 */
export class LocalIam {
  readonly #credentials = new Map<string, KnownCredentials>();
  readonly #roles = new Map<string, KnownRole>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get clock(): Clock {
    return this.#clock;
  }

  /** Makes `credentials` known as `arn` (an IAM user, or a role's session as Lambda's are). */
  addCredentials(credentials: Omit<KnownCredentials, 'userId'> & { userId?: string }): void {
    this.#credentials.set(credentials.accessKeyId, {
      ...credentials,
      userId: credentials.userId ?? randomId('AIDA', 16),
    });
  }

  addRole(role: KnownRole): void {
    this.#roles.set(role.roleArn, role);
  }

  credentials(accessKeyId: string): KnownCredentials | undefined {
    return this.#credentials.get(accessKeyId);
  }

  role(roleArn: string): KnownRole | undefined {
    return this.#roles.get(roleArn);
  }

  /** New temporary credentials for a session of `role`, valid `seconds`. */
  issue(role: KnownRole, sessionName: string, seconds: number): KnownCredentials {
    const match = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(role.roleArn);
    const [, partition = 'aws', account = '000000000000', name = 'role'] = match ?? [];
    const issued: KnownCredentials = {
      accessKeyId: randomId('ASIA', 16),
      secretAccessKey: randomBytes(30).toString('base64'),
      // Session tokens are long and hold + / =, which every client must encode in a presigned URL.
      sessionToken: randomBytes(150).toString('base64'),
      arn: `arn:${partition}:sts::${account}:assumed-role/${name}/${sessionName}`,
      userId: `${randomId('AROA', 16)}:${sessionName}`,
      expiresAt: this.#clock.now() + seconds * 1000,
    };
    this.#credentials.set(issued.accessKeyId, issued);
    return issued;
  }
}
