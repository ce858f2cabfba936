import { QuaysideError, ValidationError } from '../domain/index.ts';

/** Base of chat-ops' own errors. */
export class ChatOpsError extends QuaysideError {}

/** Why a request claiming to come from Slack was refused before anything in it was read. */
export type VerificationFailure =
  | 'missing-headers'
  | 'malformed-signature'
  | 'stale-timestamp'
  | 'bad-signature'
  | 'replayed';

/** The caller is not Slack (or not now, or not for the first time): nothing else of the request is read. */
export class SlackVerificationError extends ChatOpsError {
  readonly reason: VerificationFailure;

  constructor(reason: VerificationFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** A command that cannot be read: the reply is its usage, never a stack. */
export class ChatUsageError extends ChatOpsError {
  /** The usage of the command that was meant, or of all commands. */
  readonly usage: string;

  constructor(message: string, usage: string) {
    super(message);
    this.usage = usage;
  }
}

/** An argument refused for what it holds (shell metacharacters, a path, traversal). */
export class ArgumentRefusedError extends ChatUsageError {}

/** A right the caller lacks. The message says which right, on what, and how to get it. */
export class AccessDeniedError extends ChatOpsError {
  readonly right: string;
  readonly target: string;

  constructor(right: string, target: string, message: string) {
    super(message);
    this.right = right;
    this.target = target;
  }
}

/** A button made for a revision that is no longer the latest: nothing was done. */
export class StaleButtonError extends ChatOpsError {
  readonly guard: number;
  readonly latest: number;

  constructor(guard: number, latest: number, message: string) {
    super(message);
    this.guard = guard;
    this.latest = latest;
  }
}

/** A secret that cannot be read or does not hold what it must; the service is misconfigured. */
export class ChatSecretError extends ChatOpsError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause, serviceFault: true });
  }
}

/** A chat-ops function is missing settings, or has wrong ones. */
export class ChatConfigError extends ValidationError {}

/** A notification target refused or did not answer after its retries. */
export class NotifyError extends ChatOpsError {
  readonly target: string;

  constructor(target: string, message: string, cause?: unknown) {
    super(message, { cause });
    this.target = target;
  }
}
