import { QuaysideError } from '../domain/index.ts';
import type { StatusEvent } from './types.ts';

/** The base of the events part's errors. */
export class EventsError extends QuaysideError {}

/** One event the target refused or never got. */
export interface PublishFailure {
  readonly event: StatusEvent;
  readonly code: string;
  readonly message: string;
}

/** Some events could not be published after the adapter's retries. Worth retrying later. */
export class EventPublishError extends EventsError {
  readonly failures: readonly PublishFailure[];

  constructor(input: { failures: readonly PublishFailure[]; total: number; cause?: unknown }) {
    const codes = [...new Set(input.failures.map((f) => f.code))].join(', ');
    super(`${input.failures.length} of ${input.total} status events could not be published (${codes})`, {
      cause: input.cause,
      retryable: true,
    });
    this.failures = input.failures;
  }
}

/** One event is larger than EventBridge accepts; no retry can help. */
export class EventTooLargeError extends EventsError {
  readonly bytes: number;
  readonly limit: number;

  constructor(input: { detailType: string; bytes: number; limit: number }) {
    super(`a "${input.detailType}" event is ${input.bytes} bytes; EventBridge takes at most ${input.limit}`);
    this.bytes = input.bytes;
    this.limit = input.limit;
  }
}

/** A document is not a valid status event. */
export class InvalidStatusEventError extends EventsError {
  readonly problems: readonly { field: string; message: string }[];

  constructor(problems: readonly { field: string; message: string }[]) {
    super(`not a valid status event: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.problems = problems;
  }
}
