import type { JsonObject } from './json.ts';

/** Base of every error the simulator raises. */
export class SimError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** An API failure answered to the client as a `Status` object, the way kube-apiserver answers it. */
export class StatusError extends SimError {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(options: { code: number; reason: string; message: string; details?: StatusDetails }) {
    super(options.message);
    this.code = options.code;
    this.reason = options.reason;
    this.details = options.details;
  }

  toStatus(): JsonObject {
    const status: JsonObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
    };
    if (this.reason) status.reason = this.reason;
    if (this.details) status.details = JSON.parse(JSON.stringify(this.details)) as JsonObject;
    status.code = this.code;
    return status;
  }
}

/** Raised when the standalone command cannot start (bad flags, unreadable state). */
export class SimUsageError extends SimError {}

/** Saving `--state` failed; the simulator keeps serving and retries after `retryMs`. */
export class SimStateSaveError extends SimError {
  readonly dir: string;
  readonly retryMs: number;

  constructor(options: { dir: string; retryMs: number; cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      `cannot save simulator state in ${options.dir}: ${reason}; still serving, retrying in ${options.retryMs / 1000} s`,
      { cause: options.cause },
    );
    this.dir = options.dir;
    this.retryMs = options.retryMs;
  }
}
