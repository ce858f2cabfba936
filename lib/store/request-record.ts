import type { ReleaseId } from '../domain/index.ts';
import { StoreError } from './errors.ts';
import { headKey } from './keys.ts';

/**
 * A request id used again for another request: for a different release, or for the same release
 * with a different content (its digest differs). Never retried: a new request needs a new id.
 */
export class RequestIdReusedError extends StoreError {
  readonly requestId: string;

  constructor(requestId: string, reuse: { firstRelease: string } | { differentContent: true }) {
    super(
      'firstRelease' in reuse
        ? `request id ${requestId} was already used for release ${reuse.firstRelease}`
        : `request id ${requestId} was already used for a request with different content; send a new request with a new request id`,
    );
    this.requestId = requestId;
  }
}

/**
 * Throws RequestIdReusedError when a stored request record belongs to another release, or holds a
 * digest other than the one given (records without a digest, and callers without one, match any).
 */
export function checkRequestRecord(
  record: Record<string, unknown>,
  input: { release: ReleaseId; requestId: string; digest?: string | undefined },
): void {
  const recordedFor = String(record.releaseKey);
  if (recordedFor !== headKey(input.release).pk) {
    throw new RequestIdReusedError(input.requestId, { firstRelease: recordedFor });
  }
  const recorded = typeof record.digest === 'string' ? record.digest : undefined;
  if (recorded !== undefined && input.digest !== undefined && recorded !== input.digest) {
    throw new RequestIdReusedError(input.requestId, { differentContent: true });
  }
}
