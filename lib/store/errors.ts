import { QuaysideError } from '../domain/index.ts';
import type { Item } from './driver.ts';

/** The base of the store's errors. */
export class StoreError extends QuaysideError {}

/**
 * A conditional write found the item in another state than expected. Drivers
 * raise it; ReleaseStore turns it into a meaningful error or a retry.
 */
export class TransactionConflictError extends StoreError {
  /** Index of the op whose condition failed, when the driver can tell. */
  readonly failedOp: number | undefined;
  /** The item as it was when the condition failed, when the driver can tell. */
  readonly existing: Item | undefined;

  constructor(input: { failedOp?: number; existing?: Item; cause?: unknown }) {
    super(
      input.failedOp === undefined
        ? 'a conditional write failed: the release changed concurrently'
        : `a conditional write failed at op ${input.failedOp}: the release changed concurrently`,
      { cause: input.cause, retryable: true },
    );
    this.failedOp = input.failedOp;
    this.existing = input.existing;
  }
}

/** Another operation holds the release's lease and has not run out of time. */
export class OperationInProgressError extends StoreError {
  readonly owner: string;
  readonly requestId: string;
  /** When the lease runs out unless its holder renews it (ISO 8601). */
  readonly expiresAt: string;
  readonly release: string;
  /** The revision the holder works on. */
  readonly revision: number | undefined;
  /** Epoch ms by which the holder will have finished at the latest, when it said. */
  readonly deadline: number | undefined;

  constructor(input: {
    release: string;
    owner: string;
    requestId: string;
    expiresAt: string;
    revision?: number;
    deadline?: number;
  }) {
    super(
      input.revision === undefined
        ? `another operation (request ${input.requestId}, worker ${input.owner}) is in progress on release "${input.release}" until ${input.expiresAt}`
        : `waiting for revision ${input.revision} of release "${input.release}" (held by request ${input.requestId})`,
      {
        retryable: true,
        retryAt: Date.parse(input.expiresAt),
        ...(input.deadline === undefined ? {} : { busyUntil: input.deadline }),
      },
    );
    this.owner = input.owner;
    this.requestId = input.requestId;
    this.expiresAt = input.expiresAt;
    this.release = input.release;
    this.revision = input.revision;
    this.deadline = input.deadline;
  }
}

/**
 * The caller no longer holds the lease it is writing under (it expired and was taken over).
 * Retryable: whoever took the lease over finishes or marks the revision, and the request, sent
 * again, finds out what became of it.
 */
export class LeaseLostError extends StoreError {
  readonly release: string;
  readonly owner: string;

  constructor(input: { release: string; owner: string }) {
    super(
      `the lease on release "${input.release}" held by ${input.owner} was lost before the operation finished`,
      { retryable: true },
    );
    this.release = input.release;
    this.owner = input.owner;
  }
}

/** An item could not be decoded: missing fields, wrong types, a damaged body. */
export class StoreCorruptionError extends StoreError {
  readonly key: string;

  constructor(input: { key: string; reason: string; cause?: unknown }) {
    super(`stored item ${input.key} is unreadable: ${input.reason}`, {
      cause: input.cause,
      serviceFault: true,
    });
    this.key = input.key;
  }
}

/** The revision is larger than one transaction can carry, even compressed. */
export class RevisionTooLargeError extends StoreError {
  readonly bytes: number;
  readonly limit: number;

  constructor(input: { release: string; revision: number; bytes: number; limit: number }) {
    super(
      `revision ${input.revision} of release "${input.release}" is ${input.bytes} bytes compressed; the limit is ${input.limit}`,
    );
    this.bytes = input.bytes;
    this.limit = input.limit;
  }
}

/** The backing service failed in a way worth retrying (throttling, 5xx, network). */
export class StoreUnavailableError extends StoreError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause, retryable: true });
  }
}

/** The store URL or configuration is wrong. */
export class StoreConfigError extends StoreError {}

/** An import found the release already in the store: its history there is not overwritten. */
export class ReleaseExistsInStoreError extends StoreError {
  constructor(readonly release: string) {
    super(`release ${release} already has a history in quayside's store; nothing was imported`);
  }
}
