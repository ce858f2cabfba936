import {
  type FieldConflict,
  KubeApiError,
  KubeConflictError,
  KubeForbiddenError,
  KubeImmutableFieldError,
  KubeInvalidError,
  KubeMissingNamespaceError,
  KubeNotFoundError,
  KubeTlsError,
  KubeTransportError,
  KubeUnauthorizedError,
  KubeUnavailableError,
  type StatusCause,
} from './errors.ts';
import { hideCauseValues, hideMessageValues } from './field-values.ts';
import { MESSAGES } from './messages.ts';
import { describeRef } from './refs.ts';
import type { ObjectRef } from './types.ts';

/** The parts of an HTTP answer that classification needs. */
export interface ErrorResponse {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

interface StatusBody {
  message?: string;
  reason?: string;
  details?: { name?: string; kind?: string; causes?: StatusCause[] };
}

function asStatus(body: unknown): StatusBody {
  if (body && typeof body === 'object') return body as StatusBody;
  if (typeof body === 'string') return { message: body };
  return {};
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const seconds = Number(text);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

// The API server reports field-manager conflicts only as cause text: `conflict with "kubectl" using apps/v1`.
const MANAGER_IN_CAUSE = /conflict with "([^"]*)"/;

function conflictsOf(causes: readonly StatusCause[]): FieldConflict[] {
  return causes
    .filter((c) => c.reason === 'FieldManagerConflict')
    .map((c) => ({
      manager: MANAGER_IN_CAUSE.exec(c.message ?? '')?.[1] ?? 'unknown',
      field: c.field ?? '',
    }));
}

// The API server has no reason code for immutability; every immutable-field validation says exactly this.
const IMMUTABLE_TEXT = 'field is immutable';

function immutableFieldsOf(status: StatusBody, causes: readonly StatusCause[]): string[] {
  const fields = causes.filter((c) => c.message?.includes(IMMUTABLE_TEXT)).map((c) => c.field ?? '');
  if (fields.length === 0 && status.message?.includes(IMMUTABLE_TEXT)) return ['(unnamed field)'];
  return fields;
}

/** What a connection knows about a request, so refusals can say who refused what. */
export interface RequestContext {
  readonly cluster: string;
  /** The Kubernetes verb: get, list, create, update, patch, delete, deletecollection. */
  readonly verb: string;
}

/**
 * Turns a non-2xx answer into a typed error. `ref` is the object the request was about;
 * a 404 whose details name a namespace other than the object itself means the namespace is missing.
 */
export function classifyResponse(
  ref: ObjectRef,
  response: ErrorResponse,
  context?: RequestContext,
): KubeApiError {
  const status = asStatus(response.body);
  const rawCauses = status.details?.causes ?? [];
  // Field errors quote values, which may be secrets: hidden before any text is built from them.
  const causes = hideCauseValues(rawCauses);
  const refText = describeRef(ref);
  const detail = status.message === undefined ? `HTTP ${response.status}` : hideMessageValues(status.message);
  const base = { ref, status: response.status, causes, ...(status.reason ? { reason: status.reason } : {}) };
  const code = response.status;
  if (code === 429 || code >= 500) {
    const retryAfterSeconds = parseRetryAfter(response.headers['retry-after']);
    return new KubeUnavailableError(MESSAGES.apiError(refText, code, detail), {
      ...base,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    });
  }
  if (code === 409) {
    const conflicts = conflictsOf(causes);
    if (conflicts.length > 0) return new KubeConflictError({ ref, refText, conflicts, causes });
    return new KubeApiError(MESSAGES.apiError(refText, code, detail), base);
  }
  if (code === 422) {
    const fields = immutableFieldsOf(status, rawCauses);
    if (fields.length > 0) return new KubeImmutableFieldError({ ref, refText, fields, causes });
    const named = causes.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`).join('; ');
    return new KubeInvalidError(MESSAGES.invalid(refText, named || detail), base);
  }
  if (code === 403) {
    if (context === undefined) return new KubeForbiddenError(MESSAGES.forbidden(refText, detail), base);
    const { kind, group } = (status.details ?? {}) as { kind?: string; group?: string };
    const resource = kind ? (group ? `${kind}.${group}` : kind) : ref.kind;
    const message = MESSAGES.forbiddenIn({
      cluster: context.cluster,
      verb: context.verb,
      resource,
      ...(ref.namespace ? { namespace: ref.namespace } : {}),
      detail,
    });
    return new KubeForbiddenError(message, base);
  }
  if (code === 401 && context !== undefined) {
    return new KubeUnauthorizedError(MESSAGES.unauthorized(context.cluster, detail), base);
  }
  if (code === 404) {
    const missing = status.details;
    if (missing?.kind === 'namespaces' && ref.kind !== 'Namespace' && missing.name) {
      return new KubeMissingNamespaceError(MESSAGES.missingNamespace(refText, missing.name), {
        ...base,
        namespace: missing.name,
      });
    }
    return new KubeNotFoundError(MESSAGES.notFound(refText), base);
  }
  return new KubeApiError(MESSAGES.apiError(refText, code, detail), base);
}

// Node's codes for a certificate that will not verify: the same answer comes every time.
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Wraps a socket-level failure: resets, timeouts and refusals become KubeTransportError (retried),
 * an untrusted certificate KubeTlsError (not retried).
 */
export function classifyTransportError(ref: ObjectRef, error: unknown): KubeTransportError | KubeTlsError {
  const code = (error as { code?: unknown })?.code;
  const detail = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && TLS_CODES.has(code)) {
    return new KubeTlsError(MESSAGES.tls(describeRef(ref), detail), { ref, code, cause: error });
  }
  return new KubeTransportError(MESSAGES.transport(describeRef(ref), detail), {
    ref,
    cause: error,
    ...(typeof code === 'string' ? { code } : {}),
  });
}
