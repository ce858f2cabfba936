import { QuaysideError, ValidationError } from '../domain/index.ts';
import { CLUSTER_MESSAGES } from './messages.ts';

/** The base of the cluster part's errors. */
export class ClusterError extends QuaysideError {}

/** How a cluster is to be reached is wrong or unreadable (a secret, a registry entry). */
export class ClusterConfigError extends ClusterError {
  constructor(
    message: string,
    options: { cause?: unknown; retryable?: boolean; serviceFault?: boolean } = {},
  ) {
    super(message, options);
  }
}

/** `cluster add` of a name that is taken, without upsert. */
export class ClusterExistsError extends ClusterError {
  readonly cluster: string;
  constructor(cluster: string, target: string) {
    super(CLUSTER_MESSAGES.exists(cluster, target));
    this.cluster = cluster;
  }
}

/**
 * A request names a cluster nobody registered. It is the request's input that is wrong (as a
 * misspelt namespace would be), so it is a ValidationError on `release.cluster`: rejected once,
 * never retried, and the reason lists the clusters there are.
 */
export class UnknownClusterError extends ValidationError {
  readonly cluster: string;
  readonly registered: readonly string[];
  constructor(cluster: string, registered: readonly string[], contexts: readonly string[] = []) {
    super([
      { field: 'release.cluster', message: CLUSTER_MESSAGES.unknownCluster(cluster, registered, contexts) },
    ]);
    this.cluster = cluster;
    this.registered = registered;
  }
}
