import { ChartError } from '../chart/index.ts';
import { ReleaseNotFoundError, RevisionNotFoundError, ValidationError } from '../domain/index.ts';
import { NothingToRollBackError, ReleaseExistsError } from '../engine/index.ts';
import { DurationSyntaxError } from '../requests/index.ts';
import { OperationInProgressError, StoreConfigError } from '../store/index.ts';
import { CliUsageError, NoClusterError } from './errors.ts';
import { HINTS } from './messages.ts';

export const EXIT = { ok: 0, failed: 1, invalid: 2 } as const;

/** What the user sees of an error: one line, a hint, and the exit code. */
export interface ErrorReport {
  readonly message: string;
  readonly hint?: string;
  readonly exitCode: number;
}

/** Where the command ran, for hints that name the next command to run. */
export interface ReportScope {
  readonly command: string;
  readonly namespace: string;
}

/** Maps an error to its report. Input that can never succeed exits 2; everything else 1. */
export function reportOf(error: unknown, scope: ReportScope): ErrorReport {
  const message = error instanceof Error ? error.message : String(error);
  const invalid = (hint?: string): ErrorReport => ({
    message,
    exitCode: EXIT.invalid,
    ...(hint ? { hint } : {}),
  });
  if (error instanceof CliUsageError) return invalid(HINTS.help(error.command));
  if (error instanceof ReleaseNotFoundError) return invalid(HINTS.listReleases(error.namespace));
  if (error instanceof RevisionNotFoundError) return invalid(HINTS.history(error.release, scope.namespace));
  if (error instanceof NoClusterError) return invalid(HINTS.noCluster);
  if (error instanceof ReleaseExistsError) return invalid();
  if (error instanceof NothingToRollBackError) return invalid();
  if (error instanceof ValidationError || error instanceof ChartError)
    return invalid(HINTS.help(scope.command));
  if (error instanceof StoreConfigError || error instanceof DurationSyntaxError) return invalid();
  if (error instanceof OperationInProgressError) return { message, hint: HINTS.retry, exitCode: EXIT.failed };
  return { message, hint: HINTS.debug, exitCode: EXIT.failed };
}

/** Writes `Error: … — hint` (and the stack with --debug) to stderr; returns the exit code. */
export function writeError(error: unknown, scope: ReportScope, debug: boolean): number {
  const report = reportOf(error, scope);
  const separator = report.message.includes('\n') ? '\n' : ' — ';
  const hint = report.hint && !(debug && report.hint === HINTS.debug) ? `${separator}${report.hint}` : '';
  process.stderr.write(`Error: ${report.message}${hint}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return report.exitCode;
}
