import { QuaysideError } from '../domain/index.ts';

/** The base of the requests part's errors. */
export class RequestError extends QuaysideError {}

/** A duration that Go's `time.ParseDuration` (and so Helm's `--timeout`) would refuse. */
export class DurationSyntaxError extends RequestError {
  /** What is wrong, without the text itself, for messages that must not echo input. */
  readonly reason: string;

  constructor(input: { text: string; reason: string }) {
    super(`invalid duration ${JSON.stringify(input.text)}: ${input.reason}`);
    this.reason = input.reason;
  }
}
