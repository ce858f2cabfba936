import type { ReleaseStore } from '../store/index.ts';
import {
  type FlagName,
  type Flags,
  type OutputFormat,
  outputFormat,
  type ParsedCommand,
  parseCommand,
} from './args.ts';
import { openStore, resolveTarget, type Target } from './context.ts';
import { writeError } from './report.ts';

/** What a release verb's body gets: its parsed input, its target and an open store. */
export interface CommandInput extends ParsedCommand {
  readonly target: Target;
  readonly store: ReleaseStore;
  readonly output: OutputFormat;
}

export interface CommandSpec {
  readonly name: string;
  readonly usage: string;
  readonly flags: readonly FlagName[];
  /** Returns the exit code. */
  run(input: CommandInput): Promise<number>;
}

/**
 * Parses, resolves the target, opens the store, runs the verb and closes the store;
 * any error becomes one line on stderr and an exit code.
 */
export async function runCommand(spec: CommandSpec, argv: readonly string[]): Promise<number> {
  let flags: Flags = {};
  let namespace = 'default';
  let store: ReleaseStore | undefined;
  try {
    const parsed = parseCommand(spec.name, argv, spec.flags);
    flags = parsed.flags;
    if (flags.help) {
      process.stdout.write(`${spec.usage}\n`);
      return 0;
    }
    const output = outputFormat(spec.name, flags);
    const target = await resolveTarget(flags);
    namespace = target.namespace;
    store = await openStore(target);
    return await spec.run({ ...parsed, target, store, output });
  } catch (error) {
    return writeError(
      error,
      { command: spec.name, namespace: flags.namespace ?? namespace },
      flags.debug ?? false,
    );
  } finally {
    await store?.close();
  }
}

/** Writes to stdout. */
export function print(text: string): void {
  process.stdout.write(text);
}
