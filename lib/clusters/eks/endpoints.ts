import { createHash } from 'node:crypto';
import { DescribeClusterCommand, type DescribeClusterCommandOutput, EKSClient } from '@aws-sdk/client-eks';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Clock } from '../../domain/index.ts';
import type { EksEndpoints, ResolvedEndpoint } from '../connections.ts';
import type { EksEntry } from '../entry.ts';
import { ClusterConfigError } from '../errors.ts';
import { EKS_MESSAGES } from '../messages.ts';
import { awsFailure } from './aws-errors.ts';
import { AssumedRoles } from './roles.ts';
import { EksTokenSource, type SigningCredentials, stsUrlFor } from './token.ts';

/** How long a cluster's endpoint and CA from DescribeCluster are trusted in a warm container. */
export const DESCRIBE_CACHE_MS = 15 * 60_000;

/** Where the AWS clients come from: the SDK's defaults in the worker, loopback stubs in tests. */
export interface EksClientFactory {
  /** An STS client with the process's own credentials (the default provider chain), for `region`. */
  sts(region: string): STSClient;
  /** An EKS client for `region` signing with `credentials` (the process's own when undefined). */
  eks(region: string, credentials: (() => Promise<AwsCredentialIdentity>) | undefined): EKSClient;
}

/** The SDK's clients, each wrapped (tracing) by `wrap`; endpoints and credentials from the environment. */
export function sdkClientFactory(wrap: <T>(client: T) => T = (client) => client): EksClientFactory {
  return {
    sts: (region) => wrap(new STSClient({ region })),
    eks: (region, credentials) =>
      wrap(new EKSClient({ region, ...(credentials === undefined ? {} : { credentials }) })),
  };
}

export interface EksClustersOptions {
  readonly clients: EksClientFactory;
  readonly clock: Clock;
  readonly describeCacheMs?: number;
  /** The STS URL tokens name, by region; default AWS_ENDPOINT_URL_STS, else the regional endpoint. */
  readonly stsUrl?: (region: string) => string;
}

interface Described {
  readonly server: string;
  readonly ca: string;
  readonly at: number;
}

/**
 * EKS clusters' endpoints with token credential sources: DescribeCluster (with the entry's role
 * when it names one, else the process's own credentials) cached DESCRIBE_CACHE_MS, or the endpoint
 * pinned in the entry; one token source per entry, so tokens and assumed roles are reused.
 */
export class EksClusters implements EksEndpoints {
  readonly #options: EksClustersOptions;
  readonly #roles: AssumedRoles;
  readonly #sts = new Map<string, STSClient>();
  readonly #eks = new Map<string, EKSClient>();
  readonly #described = new Map<string, Described>();
  readonly #tokens = new Map<string, { key: string; source: EksTokenSource }>();

  constructor(options: EksClustersOptions) {
    this.#options = options;
    // AssumeRole goes to the STS endpoint of the cluster's region (its partition's, and close by).
    this.#roles = new AssumedRoles({ sts: (region) => this.#stsClient(region), clock: options.clock });
  }

  async resolve(entry: EksEntry): Promise<ResolvedEndpoint> {
    const credentials = this.#credentialsFor(entry);
    const { server, ca } = await this.#endpointOf(entry, credentials);
    const endpoint = {
      name: entry.name,
      server,
      tls: { ca },
      credentials: this.#tokenSource(entry, credentials),
    };
    return { endpoint, version: createHash('sha256').update(`${server}\n${ca}`).digest('hex') };
  }

  /** Signing credentials for an entry: the role it names (assumed, cached), else the process's own. */
  #credentialsFor(entry: EksEntry): SigningCredentials {
    if (entry.roleArn !== undefined) {
      const role = {
        roleArn: entry.roleArn,
        cluster: entry.name,
        region: entry.region,
        ...(entry.externalId === undefined ? {} : { externalId: entry.externalId }),
      };
      return { get: () => this.#roles.credentials(role), forget: () => this.#roles.forget(role) };
    }
    const sts = this.#stsClient(entry.region);
    return {
      get: async () => {
        try {
          return await sts.config.credentials();
        } catch (error) {
          throw awsFailure(error, (code) => EKS_MESSAGES.noCredentials(entry.name, code));
        }
      },
      // The SDK's provider chain renews its own credentials before they expire.
      forget: () => {},
    };
  }

  #tokenSource(entry: EksEntry, credentials: SigningCredentials): EksTokenSource {
    const key = `${entry.addedAt}\0${entry.clusterName}\0${entry.region}\0${entry.roleArn ?? ''}\0${entry.externalId ?? ''}`;
    const cached = this.#tokens.get(entry.name);
    if (cached?.key === key) return cached.source;
    const source = new EksTokenSource({
      clusterName: entry.clusterName,
      region: entry.region,
      stsUrl: (this.#options.stsUrl ?? stsUrlFor)(entry.region),
      credentials,
      clock: this.#options.clock,
    });
    this.#tokens.set(entry.name, { key, source });
    return source;
  }

  async #endpointOf(
    entry: EksEntry,
    credentials: SigningCredentials,
  ): Promise<{ server: string; ca: string }> {
    if (entry.endpoint !== undefined && entry.caData !== undefined) {
      return { server: entry.endpoint, ca: Buffer.from(entry.caData, 'base64').toString('utf8') };
    }
    const key = `${entry.region}\0${entry.clusterName}\0${entry.roleArn ?? ''}`;
    const now = this.#options.clock.now();
    const cached = this.#described.get(key);
    if (cached !== undefined && now - cached.at < (this.#options.describeCacheMs ?? DESCRIBE_CACHE_MS))
      return cached;
    const client = this.#eksClient(entry, credentials);
    let cluster: DescribeClusterCommandOutput['cluster'];
    try {
      ({ cluster } = await client.send(new DescribeClusterCommand({ name: entry.clusterName })));
    } catch (error) {
      if (error instanceof ClusterConfigError) throw error;
      throw awsFailure(error, (code) =>
        EKS_MESSAGES.describeFailed(entry.name, entry.clusterName, entry.region, code),
      );
    }
    const server = cluster?.endpoint;
    const caData = cluster?.certificateAuthority?.data;
    if (server === undefined || caData === undefined) {
      throw new ClusterConfigError(
        EKS_MESSAGES.notReady(entry.name, entry.clusterName, cluster?.status ?? 'unknown'),
        {
          retryable: true,
        },
      );
    }
    const described = { server, ca: Buffer.from(caData, 'base64').toString('utf8'), at: now };
    this.#described.set(key, described);
    return described;
  }

  #stsClient(region: string): STSClient {
    let client = this.#sts.get(region);
    if (client === undefined) {
      client = this.#options.clients.sts(region);
      this.#sts.set(region, client);
    }
    return client;
  }

  #eksClient(entry: EksEntry, credentials: SigningCredentials): EKSClient {
    const key = `${entry.region}\0${entry.roleArn ?? ''}\0${entry.externalId ?? ''}`;
    let client = this.#eks.get(key);
    if (client === undefined) {
      client = this.#options.clients.eks(
        entry.region,
        entry.roleArn === undefined ? undefined : credentials.get,
      );
      this.#eks.set(key, client);
    }
    return client;
  }
}
