import { QuaysideError } from '../domain/index.ts';

/** Base of the CLI's own errors. */
export class CliError extends QuaysideError {}

/** Bad flags or arguments: exit code 2, with a pointer to the command's help. */
export class CliUsageError extends CliError {
  readonly command: string;

  constructor(command: string, message: string) {
    super(message);
    this.command = command;
  }
}

/** No kube context to name the cluster by. */
export class NoClusterError extends CliError {}
