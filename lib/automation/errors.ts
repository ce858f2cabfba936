import { type FieldProblem, QuaysideError, ValidationError } from '../domain/index.ts';

/** The base of the automation's errors. */
export class AutomationError extends QuaysideError {}

/** A schedule asked for cannot be made as given (a time in the past, an unknown time zone, …). */
export class ScheduleInputError extends ValidationError {
  constructor(problems: readonly FieldProblem[]) {
    super(problems);
  }
}

/** No schedule by that name in the group (never made, cancelled, or already run and deleted). */
export class ScheduleNotFoundError extends AutomationError {
  readonly schedule: string;
  constructor(schedule: string, message: string) {
    super(message);
    this.schedule = schedule;
  }
}

/**
 * An automatic request found its reason gone by the time the worker came to it (a newer revision
 * deployed, the automation paused): it does nothing, and the rejection event says why.
 */
export class AutomationSkippedError extends AutomationError {
  constructor(message: string) {
    super(message, { retryable: false });
  }
}

/** The automation's settings are missing or wrong (a function's environment). */
export class AutomationConfigError extends ValidationError {}
