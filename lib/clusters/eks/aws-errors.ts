import { ClusterConfigError } from '../errors.ts';

// AWS error codes that say "not now": the same call may pass in a moment.
const TRANSIENT = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'IDPCommunicationError',
  'RegionDisabledException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/**
 * The error an AWS call's failure amounts to: throttling, 5xx and broken connections are retryable
 * (the request waits); an answer that refuses (AccessDenied, a missing cluster, a bad token) is not,
 * and the request is rejected with `message(code)`, which says what to fix. No credentials at all is
 * the service's own fault.
 */
export function awsFailure(error: unknown, message: (code: string) => string): ClusterConfigError {
  const failure = error as {
    name?: string;
    code?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const code = failure.name ?? 'Error';
  const answered = failure.$metadata?.httpStatusCode !== undefined;
  const retryable =
    TRANSIENT.has(code) || failure.$fault === 'server' || (!answered && code !== 'CredentialsProviderError');
  return new ClusterConfigError(message(code), {
    cause: error,
    retryable,
    serviceFault: code === 'CredentialsProviderError',
  });
}
