import type { Clock } from '../domain/index.ts';
import type { EksEndpoints } from './connections.ts';
import type { EksClientFactory } from './eks/index.ts';

/**
 * EKS support, loaded on first use: the STS and EKS clients (and the signer) stay out of a process
 * that never meets an `eks` entry, and out of its cold start.
 */
export function lazyEksEndpoints(options: {
  clock: Clock;
  /** Wraps each AWS client made (tracing); ignored when `clients` is given. */
  wrap?: <T>(client: T) => T;
  clients?: EksClientFactory;
  /** The STS URL tokens name, by region; default AWS_ENDPOINT_URL_STS, else the regional endpoint. */
  stsUrl?: (region: string) => string;
}): () => Promise<EksEndpoints> {
  return async () => {
    const { EksClusters, sdkClientFactory } = await import('./eks/index.ts');
    return new EksClusters({
      clients: options.clients ?? sdkClientFactory(options.wrap),
      clock: options.clock,
      ...(options.stsUrl === undefined ? {} : { stsUrl: options.stsUrl }),
    });
  };
}
