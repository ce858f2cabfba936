import { QuaysideError } from '../domain/index.ts';

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
