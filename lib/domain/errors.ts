/**
 * The base of every error quayside raises on purpose. Callers branch on the
 * subclass with `instanceof`; the message is for people, never for matching.
 */
export class QuaysideError extends Error {
  /** Whether trying the same operation again later may succeed. */
  readonly retryable: boolean;
  /** For a retryable error: epoch ms before which trying again is pointless, when known. */
  readonly retryAt: number | undefined;
  /** For a retryable error: epoch ms by which whatever blocks it will be gone, when known. */
  readonly busyUntil: number | undefined;
  /**
   * Not retryable, yet not the request's fault either: the service is misconfigured or broken (a
   * missing table, a refused secret, a damaged item). A queued request that meets it is kept, not
   * rejected: it is tried again and, if the fault stays, left in the dead-letter queue to be
   * redriven once the service is fixed.
   */
  readonly serviceFault: boolean;

  constructor(
    message: string,
    options: {
      cause?: unknown;
      retryable?: boolean;
      retryAt?: number;
      busyUntil?: number;
      serviceFault?: boolean;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
    this.retryAt = options.retryAt;
    this.busyUntil = options.busyUntil;
    this.serviceFault = options.serviceFault ?? false;
  }
}

/** One problem with user input: where it is and what is wrong with it. */
export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `release.name`. */
  readonly field: string;
  readonly message: string;
}

/** Input that can never succeed as given. Never retried. */
export class ValidationError extends QuaysideError {
  readonly problems: readonly FieldProblem[];

  constructor(problems: readonly FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.problems = problems;
  }
}

/** The release has no record in the store. */
export class ReleaseNotFoundError extends QuaysideError {
  readonly release: string;
  readonly namespace: string;

  constructor(input: { name: string; namespace: string }) {
    super(`release "${input.name}" not found in namespace "${input.namespace}"`);
    this.release = input.name;
    this.namespace = input.namespace;
  }
}

/** The release exists but the asked-for revision does not (never was, or was pruned). */
export class RevisionNotFoundError extends QuaysideError {
  readonly release: string;
  readonly revision: number;

  constructor(input: { name: string; revision: number }) {
    super(`release "${input.name}" has no revision ${input.revision}`);
    this.release = input.name;
    this.revision = input.revision;
  }
}
