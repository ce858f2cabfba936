import { parseArgs } from 'node:util';
import { parseDuration } from '../requests/index.ts';
import { CliUsageError } from './errors.ts';
import { MESSAGES } from './messages.ts';

/** Every flag the release verbs know, with helm's spelling. Each verb picks the ones it accepts. */
export const FLAGS = {
  namespace: { type: 'string', short: 'n' },
  'create-namespace': { type: 'boolean' },
  cluster: { type: 'string' },
  kubeconfig: { type: 'string' },
  store: { type: 'string' },
  'queue-url': { type: 'string' },
  output: { type: 'string', short: 'o' },
  // Helm 4: --wait alone is the watcher strategy; --wait=watcher|hookOnly|legacy (or true|false).
  wait: { type: 'string' },
  'wait-for-jobs': { type: 'boolean' },
  timeout: { type: 'string' },
  atomic: { type: 'boolean' },
  'rollback-on-failure': { type: 'boolean' },
  // Helm 4: "true", "false" or "auto"; install's bare --server-side means true.
  'server-side': { type: 'string' },
  'force-conflicts': { type: 'boolean' },
  'force-replace': { type: 'boolean' },
  'helm-records': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  description: { type: 'string' },
  'history-max': { type: 'string' },
  values: { type: 'string', short: 'f', multiple: true },
  set: { type: 'string', multiple: true },
  'set-string': { type: 'string', multiple: true },
  'set-json': { type: 'string', multiple: true },
  'set-file': { type: 'string', multiple: true },
  'reuse-values': { type: 'boolean' },
  'reset-values': { type: 'boolean' },
  'reset-then-reuse-values': { type: 'boolean' },
  'cleanup-on-fail': { type: 'boolean' },
  force: { type: 'boolean' },
  'take-ownership': { type: 'boolean' },
  'no-hooks': { type: 'boolean' },
  version: { type: 'string' },
  repo: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'plain-http': { type: 'boolean' },
  install: { type: 'boolean', short: 'i' },
  'keep-history': { type: 'boolean' },
  'no-follow': { type: 'boolean' },
  max: { type: 'string', short: 'm' },
  offset: { type: 'string' },
  short: { type: 'boolean', short: 'q' },
  filter: { type: 'string', short: 'f' },
  date: { type: 'boolean', short: 'd' },
  reverse: { type: 'boolean', short: 'r' },
  'no-headers': { type: 'boolean' },
  'time-format': { type: 'string' },
  selector: { type: 'string', short: 'l' },
  revision: { type: 'string' },
  'show-resources': { type: 'boolean' },
  all: { type: 'boolean', short: 'a' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  deployed: { type: 'boolean' },
  failed: { type: 'boolean' },
  pending: { type: 'boolean' },
  uninstalled: { type: 'boolean' },
  superseded: { type: 'boolean' },
  uninstalling: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  // quayside schedule, and bakes in queued mode (issue 14).
  at: { type: 'string' },
  tz: { type: 'string' },
  'bake-for': { type: 'string' },
  'bake-alarm': { type: 'string', multiple: true },
  'bake-health': { type: 'boolean' },
} as const;

export type FlagName = keyof typeof FLAGS;
export type Flags = {
  -readonly [K in FlagName]?: (typeof FLAGS)[K] extends { multiple: true }
    ? string[]
    : (typeof FLAGS)[K] extends { type: 'boolean' }
      ? boolean
      : string;
};

/** Flags every release verb takes. */
export const COMMON_FLAGS: readonly FlagName[] = [
  'namespace',
  'cluster',
  'kubeconfig',
  'store',
  'output',
  'debug',
  'help',
];
/** Flags that choose a chart and its values. */
export const CHART_FLAGS: readonly FlagName[] = [
  'values',
  'set',
  'set-string',
  'set-json',
  'set-file',
  'version',
  'repo',
  'username',
  'password',
  'plain-http',
];
/** Flags that change how an action runs. */
export const ACTION_FLAGS: readonly FlagName[] = [
  'queue-url',
  'no-follow',
  'create-namespace',
  'wait',
  'timeout',
  'atomic',
  'rollback-on-failure',
  'server-side',
  'dry-run',
  'description',
  'history-max',
  'reuse-values',
  'reset-values',
  'reset-then-reuse-values',
  'cleanup-on-fail',
  'force',
  'force-conflicts',
  'force-replace',
  'take-ownership',
  'no-hooks',
  'helm-records',
];

/** Flags whose bare form stands for a value, as cobra's NoOptDefVal gives them in helm 4. */
const BARE_VALUES: Partial<Record<FlagName, string>> = { wait: 'watcher', 'server-side': 'true' };

/** A bake for the new revision (install, upgrade, rollback in queued mode): issue 14. */
export const BAKE_FLAGS: readonly FlagName[] = ['bake-for', 'bake-alarm', 'bake-health'];

export interface ParsedCommand {
  readonly flags: Flags;
  readonly positionals: string[];
}

/**
 * Parses `argv` accepting only `allowed` flags. Boolean flags also take Go's
 * `--flag=true|false` form (`--wait=false`), as cobra does.
 * @throws CliUsageError for an unknown flag or a missing flag value.
 */
export function parseCommand(
  command: string,
  argv: readonly string[],
  allowed: readonly FlagName[],
): ParsedCommand {
  const options = Object.fromEntries(allowed.map((name) => [name, FLAGS[name]]));
  const negated: string[] = [];
  const args: string[] = [];
  for (const raw of argv) {
    const bare = /^--([a-z-]+)$/.exec(raw)?.[1] as FlagName | undefined;
    const bareValue = bare && allowed.includes(bare) ? BARE_VALUES[bare] : undefined;
    // Helm 4's --dry-run=client|server|none: quayside's dry run is always against the cluster.
    const arg =
      bareValue !== undefined
        ? `--${bare}=${bareValue}`
        : raw
            .replace(/^--dry-run=(server|client)$/, '--dry-run=true')
            .replace(/^--dry-run=none$/, '--dry-run=false');
    const match = /^--([a-z-]+)=(true|false)$/.exec(arg);
    const name = match?.[1] as FlagName | undefined;
    if (match && name && allowed.includes(name) && FLAGS[name].type === 'boolean') {
      if (match[2] === 'true') args.push(`--${name}`);
      else negated.push(name);
    } else {
      args.push(arg);
    }
  }
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    const flags = values as Flags;
    for (const name of negated) (flags as Record<string, unknown>)[name] = false;
    return { flags, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node's parseArgs words this for programmers; say it as cobra does.
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    throw new CliUsageError(command, unknown ? MESSAGES.unknownFlag(unknown) : message);
  }
}

export type OutputFormat = 'table' | 'json' | 'yaml';

/** @throws CliUsageError for anything but table, json or yaml. */
export function outputFormat(command: string, flags: Flags): OutputFormat {
  const value = flags.output ?? 'table';
  if (value === 'table' || value === 'json' || value === 'yaml') return value;
  throw new CliUsageError(command, MESSAGES.badOutput(value));
}

/** A whole number flag, or undefined when absent. @throws CliUsageError */
export function wholeNumber(command: string, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliUsageError(command, MESSAGES.badNumber(flag, value));
  return Number(value);
}

/** A count of 1 or more (`--max`), or undefined when absent. @throws CliUsageError */
export function countFlag(command: string, flag: string, value: string | undefined): number | undefined {
  const n = wholeNumber(command, flag, value);
  if (n !== undefined && n < 1) throw new CliUsageError(command, MESSAGES.countTooSmall(flag, value ?? ''));
  return n;
}

/** A revision number (1 or more), or undefined when absent. @throws CliUsageError */
export function revisionNumber(command: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new CliUsageError(command, MESSAGES.badRevision(value));
  return Number(value);
}

/** A rollback's REVISION: as helm reads it, 0 (or none) means the revision before the latest. */
export function rollbackRevision(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliUsageError('rollback', MESSAGES.badRollbackRevision(value));
  return Number(value);
}

/** --timeout in milliseconds. @throws CliUsageError for a duration Go would reject. */
export function timeoutMs(command: string, flags: Flags): number | undefined {
  if (flags.timeout === undefined) return undefined;
  try {
    return parseDuration(flags.timeout);
  } catch (error) {
    throw new CliUsageError(
      command,
      `invalid argument "${flags.timeout}" for "--timeout": ${(error as Error).message}`,
    );
  }
}

/** Exactly the positionals `usage` names. @throws CliUsageError */
export function expectArgs(
  command: string,
  positionals: string[],
  min: number,
  max: number,
  usage: string,
): void {
  if (positionals.length < min || positionals.length > max)
    throw new CliUsageError(command, MESSAGES.args(usage));
}
