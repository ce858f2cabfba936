import { describe, expect, it } from 'vitest';
import { classifyResponse, classifyTransportError } from '../../lib/kube/classify.ts';
import {
  isRetryable,
  KubeApiError,
  KubeConflictError,
  KubeForbiddenError,
  KubeImmutableFieldError,
  KubeInvalidError,
  KubeMissingNamespaceError,
  KubeNotFoundError,
  KubeTlsError,
  KubeTransportError,
  KubeUnavailableError,
} from '../../lib/kube/errors.ts';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' };
const status = (code: number, reason: string, message: string, details?: unknown) => ({
  status: code,
  headers: {},
  body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, details },
});

describe('classifying API errors', () => {
  it('names the other manager and the field of an apply conflict', () => {
    const error = classifyResponse(
      ref,
      status(409, 'Conflict', 'Apply failed with 1 conflict', {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kubectl-edit" using apps/v1',
            field: '.spec.replicas',
          },
        ],
      }),
    );
    expect(error).toBeInstanceOf(KubeConflictError);
    expect((error as KubeConflictError).conflicts).toEqual([
      { manager: 'kubectl-edit', field: '.spec.replicas' },
    ]);
    expect(error.message).toContain('.spec.replicas owned by "kubectl-edit"');
    expect(isRetryable(error)).toBe(false);
  });

  it('names the immutable field of a 422', () => {
    const error = classifyResponse(
      ref,
      status(
        422,
        'Invalid',
        'Deployment.apps "web" is invalid: spec.selector: Invalid value: ...: field is immutable',
        {
          causes: [
            {
              reason: 'FieldValueInvalid',
              message: 'Invalid value: {...}: field is immutable',
              field: 'spec.selector',
            },
          ],
        },
      ),
    );
    expect(error).toBeInstanceOf(KubeImmutableFieldError);
    expect((error as KubeImmutableFieldError).fields).toEqual(['spec.selector']);
    expect(error.message).toContain('field spec.selector is immutable');
  });

  it('keeps the field causes of other invalid objects', () => {
    const error = classifyResponse(
      ref,
      status(422, 'Invalid', 'invalid', {
        causes: [
          { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers' },
        ],
      }),
    );
    expect(error).toBeInstanceOf(KubeInvalidError);
    expect(error).not.toBeInstanceOf(KubeImmutableFieldError);
    expect(error.causes[0]?.field).toBe('spec.template.spec.containers');
    expect(error.message).toContain('spec.template.spec.containers: Required value');
  });

  it('tells a missing namespace from a missing object', () => {
    const missingNs = classifyResponse(
      ref,
      status(404, 'NotFound', 'namespaces "shop" not found', { name: 'shop', kind: 'namespaces' }),
    );
    expect(missingNs).toBeInstanceOf(KubeMissingNamespaceError);
    expect((missingNs as KubeMissingNamespaceError).namespace).toBe('shop');
    const missingObject = classifyResponse(
      ref,
      status(404, 'NotFound', 'deployments.apps "web" not found', { name: 'web', kind: 'deployments' }),
    );
    expect(missingObject).toBeInstanceOf(KubeNotFoundError);
    expect(missingObject).not.toBeInstanceOf(KubeMissingNamespaceError);
  });

  it('retries throttling and server errors, honouring Retry-After, but not 403', () => {
    const throttled = classifyResponse(ref, {
      ...status(429, 'TooManyRequests', 'slow down'),
      headers: { 'retry-after': '2' },
    });
    expect(throttled).toBeInstanceOf(KubeUnavailableError);
    expect((throttled as KubeUnavailableError).retryAfterSeconds).toBe(2);
    expect(isRetryable(classifyResponse(ref, status(503, 'ServiceUnavailable', 'down')))).toBe(true);
    expect(isRetryable(classifyResponse(ref, status(500, 'InternalError', 'oops')))).toBe(true);
    const forbidden = classifyResponse(ref, status(403, 'Forbidden', 'no'));
    expect(forbidden).toBeInstanceOf(KubeForbiddenError);
    expect(isRetryable(forbidden)).toBe(false);
    expect(classifyResponse(ref, { status: 400, headers: {}, body: 'bad' })).toBeInstanceOf(KubeApiError);
  });

  it('does not retry a certificate that cannot be trusted', () => {
    const untrusted = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    const error = classifyTransportError(ref, untrusted);
    expect(error).toBeInstanceOf(KubeTlsError);
    expect(isRetryable(error)).toBe(false);
  });

  it('retries connection resets', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const error = classifyTransportError(ref, reset);
    expect(error).toBeInstanceOf(KubeTransportError);
    expect(error.code).toBe('ECONNRESET');
    expect(error.cause).toBe(reset);
    expect(isRetryable(error)).toBe(true);
  });
});
