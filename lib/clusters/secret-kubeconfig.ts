import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../domain/index.ts';
import { type ConnectionProvider, type KubeConnection, kubeconfigConnectionProvider } from '../kube/index.ts';
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

/**
 * Connections from a kubeconfig kept in AWS Secrets Manager (for clusters that are not EKS, or
 * until they are registered): the secret is read on first use and again after `SECRET_CACHE_MS`,
 * so a rotated secret is picked up by warm workers. Cluster names are the kubeconfig's context
 * names. Exec credential plugins are refused: nothing may be run in Lambda.
 */
export function secretKubeconfigConnections(input: {
  client: SecretsManagerClient;
  secretId: string;
  clock: Clock;
  cacheMs?: number;
}): ConnectionProvider {
  let cached: { text: string; readAt: number; provider: ConnectionProvider } | undefined;
  let reading: Promise<ConnectionProvider> | undefined;

  async function read(): Promise<ConnectionProvider> {
    let text: string | undefined;
    try {
      const answer = await input.client.send(new GetSecretValueCommand({ SecretId: input.secretId }));
      text =
        answer.SecretString ??
        (answer.SecretBinary ? Buffer.from(answer.SecretBinary).toString('utf8') : undefined);
    } catch (error) {
      const name = (error as Error).name;
      throw new ClusterConfigError(CLUSTER_MESSAGES.secretUnreadable(input.secretId, name), {
        cause: error,
        // A missing secret or a refused read stays so until someone fixes it; anything else may pass.
        retryable: !PERMANENT_SECRET_ERRORS.has(name),
        serviceFault: true,
      });
    }
    if (text === undefined || text.trim() === '') {
      throw new ClusterConfigError(CLUSTER_MESSAGES.secretEmpty(input.secretId), { serviceFault: true });
    }
    const now = input.clock.now();
    // The same text keeps the same provider, and so its open connections and discovery caches.
    if (cached?.text !== text) {
      cached = {
        text,
        readAt: now,
        provider: kubeconfigConnectionProvider({ yaml: text, allowExec: false }),
      };
    } else cached.readAt = now;
    return cached.provider;
  }

  async function provider(): Promise<ConnectionProvider> {
    if (cached !== undefined && input.clock.now() - cached.readAt < (input.cacheMs ?? SECRET_CACHE_MS)) {
      return cached.provider;
    }
    reading ??= read().finally(() => {
      reading = undefined;
    });
    return reading;
  }

  return {
    async connect(cluster: string): Promise<KubeConnection> {
      return (await provider()).connect(cluster);
    },
  };
}
