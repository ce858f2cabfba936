/*
 * The frame of the commands that take their own flags (`dlq`, `cluster`, `chat`, `access`,
 * `chatops`): parse, answer --help, refuse bad usage with the command's usage and exit code 2.
 */

/** Prints the error and the usage on stderr; the exit code of bad usage. */
export function usageError(message: string, usage: string): number {
  process.stderr.write(`Error: ${message}\n${usage}\n`);
  return 2;
}

/**
 * Parses argv with the command's own parser. Returns what it parsed, or the exit code when the
 * command is done already: 0 after printing the usage for --help, 2 for flags it does not take.
 */
export function readSubcommand<T extends { values: { help?: boolean | undefined } }>(
  argv: string[],
  parse: (argv: string[]) => T,
  usage: string,
): T | number {
  let parsed: T;
  try {
    parsed = parse(argv);
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return parsed;
}
