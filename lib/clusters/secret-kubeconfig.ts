import { createHash } from 'node:crypto';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../domain/index.ts';
import {
  connectionFromEndpoint,
  type KubeConnection,
  type Kubeconfig,
  parseKubeconfig,
  resolveContext,
} from '../kube/index.ts';
import { ClusterConfigError } from './errors.ts';
import { CLUSTER_MESSAGES } from './messages.ts';

const PERMANENT_SECRET_ERRORS = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
  'InvalidRequestException',
  'InvalidParameterException',
]);

/** How long a kubeconfig read from Secrets Manager is trusted before it is read again (rotation). */
export const SECRET_CACHE_MS = 5 * 60_000;

/** A kubeconfig as a secret held it, with a digest of its text: a new text means new connections. */
export interface SecretKubeconfig {
  readonly config: Kubeconfig;
  readonly version: string;
}

/**
 * Kubeconfigs kept in AWS Secrets Manager, each read on first use and again after `cacheMs`, so a
 * rotated secret is picked up by warm workers; concurrent first reads of one secret share a call.
 */
export class SecretKubeconfigReader {
  readonly #client: () => SecretsManagerClient;
  readonly #clock: Clock;
  readonly #cacheMs: number;
  readonly #cache = new Map<string, { value: SecretKubeconfig; readAt: number }>();
  readonly #reading = new Map<string, Promise<SecretKubeconfig>>();

  /** `client` is called on the first read only: a worker with no such cluster never makes one. */
  constructor(options: { client: () => SecretsManagerClient; clock: Clock; cacheMs?: number }) {
    this.#client = options.client;
    this.#clock = options.clock;
    this.#cacheMs = options.cacheMs ?? SECRET_CACHE_MS;
  }

  /**
   * @throws ClusterConfigError (a service fault) when the secret cannot be read or holds nothing;
   *   retryable unless the secret is missing, refused or undecryptable.
   */
  read(secretId: string): Promise<SecretKubeconfig> {
    const cached = this.#cache.get(secretId);
    if (cached !== undefined && this.#clock.now() - cached.readAt < this.#cacheMs) {
      return Promise.resolve(cached.value);
    }
    let reading = this.#reading.get(secretId);
    if (reading === undefined) {
      reading = this.#fetch(secretId).finally(() => this.#reading.delete(secretId));
      this.#reading.set(secretId, reading);
    }
    return reading;
  }

  async #fetch(secretId: string): Promise<SecretKubeconfig> {
    let text: string | undefined;
    try {
      const answer = await this.#client().send(new GetSecretValueCommand({ SecretId: secretId }));
      text =
        answer.SecretString ??
        (answer.SecretBinary ? Buffer.from(answer.SecretBinary).toString('utf8') : undefined);
    } catch (error) {
      const name = (error as Error).name;
      throw new ClusterConfigError(CLUSTER_MESSAGES.secretUnreadable(secretId, name), {
        cause: error,
        // A missing secret or a refused read stays so until someone fixes it; anything else may pass.
        retryable: !PERMANENT_SECRET_ERRORS.has(name),
        serviceFault: true,
      });
    }
    if (text === undefined || text.trim() === '') {
      throw new ClusterConfigError(CLUSTER_MESSAGES.secretEmpty(secretId), { serviceFault: true });
    }
    const version = createHash('sha256').update(text).digest('hex');
    const previous = this.#cache.get(secretId)?.value;
    // The same text keeps the same parsed config (and so, upstream, the same connections).
    const value =
      previous?.version === version
        ? previous
        : { config: parseKubeconfig(text, process.cwd(), secretId), version };
    this.#cache.set(secretId, { value, readAt: this.#clock.now() });
    return value;
  }
}

/**
 * Connections to the contexts of one kubeconfig kept in Secrets Manager (QUAYSIDE_KUBECONFIG_SECRET):
 * the worker's fallback for cluster names the registry does not have. Cluster names are the
 * kubeconfig's context names. Exec credential plugins are refused: nothing may be run in Lambda.
 */
export function secretKubeconfigConnections(input: { reader: SecretKubeconfigReader; secretId: string }): {
  connect(cluster: string): Promise<KubeConnection>;
  names(): Promise<string[]>;
} {
  const connections = new Map<string, { version: string; connection: KubeConnection }>();
  return {
    async names() {
      return [...(await input.reader.read(input.secretId)).config.contexts.keys()];
    },
    async connect(cluster) {
      const { config, version } = await input.reader.read(input.secretId);
      const cached = connections.get(cluster);
      if (cached?.version === version) return cached.connection;
      const connection = connectionFromEndpoint(resolveContext(config, cluster, { allowExec: false }));
      connections.set(cluster, { version, connection });
      return connection;
    },
  };
}
