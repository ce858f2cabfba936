import { QuaysideError } from '../domain/index.ts';
import { MESSAGES } from './messages.ts';
import type { ObjectRef } from './types.ts';

/** Base class of every error the kube part throws or reports. */
export class KubeError extends QuaysideError {
  readonly ref: ObjectRef | undefined;
  constructor(message: string, options: { ref?: ObjectRef; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.ref = options.ref;
    // Whether a retry may help depends on the subclass, which is known once the prototype is set.
    Object.defineProperty(this, 'retryable', { value: isRetryable(this), enumerable: true });
  }
}

/** A `Status` cause as the API server reports it (`field` is e.g. `spec.selector`). */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The API server refused a request; subclasses say why. `status` is the HTTP code. */
export class KubeApiError extends KubeError {
  readonly status: number;
  readonly reason: string;
  readonly causes: readonly StatusCause[];
  constructor(
    message: string,
    options: {
      ref?: ObjectRef;
      status: number;
      reason?: string;
      causes?: readonly StatusCause[];
      cause?: unknown;
    },
  ) {
    super(message, options);
    this.status = options.status;
    this.reason = options.reason ?? '';
    this.causes = options.causes ?? [];
  }
}

/** 429 or 5xx: the server may succeed later. `retryAfterSeconds` comes from the Retry-After header. */
export class KubeUnavailableError extends KubeApiError {
  readonly retryAfterSeconds: number | undefined;
  constructor(
    message: string,
    options: ConstructorParameters<typeof KubeApiError>[1] & { retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export interface FieldConflict {
  manager: string;
  field: string;
}

/** 409 from server-side apply: fields owned by other managers. Not retried; `force` takes them. */
export class KubeConflictError extends KubeApiError {
  readonly conflicts: readonly FieldConflict[];
  constructor(options: {
    ref: ObjectRef;
    refText: string;
    conflicts: readonly FieldConflict[];
    causes: readonly StatusCause[];
  }) {
    super(MESSAGES.conflict(options.refText, options.conflicts), {
      ref: options.ref,
      status: 409,
      reason: 'Conflict',
      causes: options.causes,
    });
    this.conflicts = options.conflicts;
  }
}

/** 422: the object is invalid; `causes` name the fields. */
export class KubeInvalidError extends KubeApiError {}

/** 422 because a field cannot change after creation; `fields` names them. `force` recreates the object. */
export class KubeImmutableFieldError extends KubeInvalidError {
  readonly fields: readonly string[];
  constructor(options: {
    ref: ObjectRef;
    refText: string;
    fields: readonly string[];
    causes: readonly StatusCause[];
  }) {
    super(MESSAGES.immutable(options.refText, options.fields), {
      ref: options.ref,
      status: 422,
      reason: 'Invalid',
      causes: options.causes,
    });
    this.fields = options.fields;
  }
}

/**
 * 403: the identity is known but may not do this (RBAC, an EKS access policy). Not retried: the
 * message names the cluster, verb, resource and namespace when the connection knows them.
 */
export class KubeForbiddenError extends KubeApiError {}

/** 401 even with freshly made credentials: the cluster does not accept who quayside is there. Not retried. */
export class KubeUnauthorizedError extends KubeApiError {}

export class KubeNotFoundError extends KubeApiError {}

/** The object's namespace does not exist. Not retried. */
export class KubeMissingNamespaceError extends KubeNotFoundError {
  readonly namespace: string;
  constructor(
    message: string,
    options: ConstructorParameters<typeof KubeApiError>[1] & { namespace: string },
  ) {
    super(message, options);
    this.namespace = options.namespace;
  }
}

/** Discovery does not know the kind: usually a missing CustomResourceDefinition. Not retried. */
export class KubeUnknownKindError extends KubeError {
  readonly apiVersion: string;
  readonly kind: string;
  constructor(options: { ref?: ObjectRef; apiVersion: string; kind: string }) {
    super(MESSAGES.unknownKind(options.apiVersion, options.kind), options.ref ? { ref: options.ref } : {});
    this.apiVersion = options.apiVersion;
    this.kind = options.kind;
  }
}

/** The connection failed (reset, timeout, refused) before an answer came. Retried. */
export class KubeTransportError extends KubeError {
  readonly code: string | undefined;
  constructor(message: string, options: { ref?: ObjectRef; code?: string; cause?: unknown }) {
    super(message, options);
    this.code = options.code;
  }
}

/** The API server's certificate is not trusted (wrong CA, wrong host name, expired): retrying cannot help. */
export class KubeTlsError extends KubeError {
  readonly code: string;
  constructor(message: string, options: { ref?: ObjectRef; code: string; cause?: unknown }) {
    super(message, options);
    this.code = options.code;
  }
}

/** The caller's deadline passed before the work was done. */
export class KubeDeadlineError extends KubeError {}

/** The object exists but belongs to another release, or to no release, and take-ownership was not given. */
export class KubeOwnershipError extends KubeError {
  /** `undefined` when the live object carries no release marks at all. */
  readonly owner: { release: string; namespace: string } | undefined;
  constructor(message: string, options: { ref: ObjectRef; owner?: { release: string; namespace: string } }) {
    super(message, { ref: options.ref });
    this.owner = options.owner;
  }
}

/** A namespaced object names a namespace other than the release's, and that namespace was not allowed. */
export class KubeNamespaceNotAllowedError extends KubeError {
  readonly namespace: string;
  constructor(message: string, options: { ref: ObjectRef; namespace: string }) {
    super(message, { ref: options.ref });
    this.namespace = options.namespace;
  }
}

/** No connection can be made for a cluster name. */
export class KubeConnectionError extends KubeError {}

/** Errors worth trying again: throttling, server errors, broken connections. */
export function isRetryable(error: unknown): boolean {
  return error instanceof KubeUnavailableError || error instanceof KubeTransportError;
}

/** Health of one object when a wait ended. */
export interface Laggard {
  ref: ObjectRef;
  reason: string;
}

/** An object will not become healthy (ImagePullBackOff, CrashLoopBackOff, ProgressDeadlineExceeded, a failed Job…). */
export class KubeWaitFailedError extends KubeError {
  readonly reason: string;
  constructor(message: string, options: { ref: ObjectRef; reason: string }) {
    super(message, { ref: options.ref });
    this.reason = options.reason;
  }
}

/** The deadline passed with objects still not ready; `laggards` names each and why. */
export class KubeWaitTimeoutError extends KubeError {
  readonly laggards: readonly Laggard[];
  constructor(message: string, laggards: readonly Laggard[]) {
    super(message);
    this.laggards = laggards;
  }
}
