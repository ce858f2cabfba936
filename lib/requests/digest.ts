import { createHash } from 'node:crypto';
import type { DeployRequest } from './types.ts';

/** Object keys sorted at every level, so equal requests serialise to equal text. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * SHA-256 (hex) of what a request asks for: the validated request, defaults filled in, without
 * `requestedAt` (a producer's resend of the same request may stamp a new time). Two deliveries of
 * one request share it; the same request id with other content does not.
 */
export function requestDigest(request: DeployRequest): string {
  const { requestedAt: _sent, ...content } = request;
  return createHash('sha256')
    .update(JSON.stringify(canonical(content)))
    .digest('hex');
}

/**
 * The SQS deduplication id for a request: its id and a short digest of its content, within SQS's
 * 128 characters. SQS then drops only true resends; the same id with other content reaches the
 * worker, which refuses it with a `Request Rejected` event instead of it vanishing unseen.
 */
export function deduplicationIdOf(request: DeployRequest): string {
  const digest = requestDigest(request).slice(0, 16);
  return `${request.requestId.slice(0, 128 - digest.length - 1)}:${digest}`;
}
