import { AssumeRoleCommand, type AssumeRoleCommandOutput, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Clock } from '../../domain/index.ts';
import { EKS_MESSAGES } from '../messages.ts';
import { awsFailure } from './aws-errors.ts';

/** Assumed-role credentials are asked for again this long before they expire. */
export const ROLE_REFRESH_BEFORE_MS = 5 * 60_000;
/** How long assumed-role credentials last: an hour, AssumeRole's default and every role's allowed maximum at least. */
const ROLE_SESSION_SECONDS = 3600;
/** The session name: what the cluster sees as the user (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/quayside`). */
export const ROLE_SESSION_NAME = 'quayside';

export interface RoleToAssume {
  readonly roleArn: string;
  readonly externalId?: string;
  /** The cluster it is assumed for, for messages. */
  readonly cluster: string;
  /** The cluster's region: AssumeRole is asked of that region's STS. */
  readonly region: string;
}

/**
 * AssumeRole with the process's own credentials, cached per role and external id until
 * ROLE_REFRESH_BEFORE_MS before they expire; concurrent first uses share one call.
 */
export class AssumedRoles {
  readonly #sts: (region: string) => STSClient;
  readonly #clock: Clock;
  readonly #cache = new Map<string, AwsCredentialIdentity>();
  readonly #pending = new Map<string, Promise<AwsCredentialIdentity>>();

  constructor(options: { sts: (region: string) => STSClient; clock: Clock }) {
    this.#sts = options.sts;
    this.#clock = options.clock;
  }

  /**
   * @throws ClusterConfigError when the role cannot be assumed: refused (AccessDenied: the trust
   *   policy, the external id) is not retried; throttling and STS faults are.
   */
  credentials(role: RoleToAssume): Promise<AwsCredentialIdentity> {
    const key = `${role.roleArn}\0${role.externalId ?? ''}`;
    const cached = this.#cache.get(key);
    const expires = cached?.expiration?.getTime() ?? 0;
    if (cached !== undefined && this.#clock.now() < expires - ROLE_REFRESH_BEFORE_MS)
      return Promise.resolve(cached);
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      pending = this.#assume(role, key).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  /** Drops a role's cached credentials (the cluster refused a token signed with them). */
  forget(role: RoleToAssume): void {
    this.#cache.delete(`${role.roleArn}\0${role.externalId ?? ''}`);
  }

  async #assume(role: RoleToAssume, key: string): Promise<AwsCredentialIdentity> {
    let answer: AssumeRoleCommandOutput;
    try {
      answer = await this.#sts(role.region).send(
        new AssumeRoleCommand({
          RoleArn: role.roleArn,
          RoleSessionName: ROLE_SESSION_NAME,
          DurationSeconds: ROLE_SESSION_SECONDS,
          ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
        }),
      );
    } catch (error) {
      throw awsFailure(error, (code) => EKS_MESSAGES.assumeRoleFailed(role.cluster, role.roleArn, code));
    }
    const issued = answer.Credentials;
    if (issued?.AccessKeyId === undefined || issued.SecretAccessKey === undefined) {
      throw awsFailure(new Error('no credentials in the answer'), () =>
        EKS_MESSAGES.assumeRoleFailed(role.cluster, role.roleArn, 'an answer without credentials'),
      );
    }
    const credentials: AwsCredentialIdentity = {
      accessKeyId: issued.AccessKeyId,
      secretAccessKey: issued.SecretAccessKey,
      ...(issued.SessionToken === undefined ? {} : { sessionToken: issued.SessionToken }),
      ...(issued.Expiration === undefined ? {} : { expiration: issued.Expiration }),
    };
    this.#cache.set(key, credentials);
    return credentials;
  }
}
