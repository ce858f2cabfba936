import { ArgumentRefusedError, ChatUsageError } from './errors.ts';
import { PARSE_MESSAGES } from './messages.ts';

/*
 * Reading a command's flags and arguments, shared by every command's parser. Refusals name the flag
 * or the argument, never what it holds: a --set value may be a secret.
 */

/** Where a command applies; absent parts come from the channel's defaults, then the service's. */
export interface Where {
  readonly cluster?: string;
  readonly namespace?: string;
}

export type ChartArg =
  | { readonly kind: 'oci'; readonly ref: string; readonly version?: string }
  | { readonly kind: 'repo'; readonly repo: string; readonly name: string; readonly version?: string };

export type Flags = Record<string, string | string[] | boolean>;

const REVISION = /^[0-9]{1,9}$/;
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const VERSION = /^[A-Za-z0-9.+~^*x-]{1,64}$/;
const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const OCI_REF = /^oci:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._-]+)+$/;

export type FlagSpec = { readonly takes: 'value' | 'values' | 'boolean'; readonly short?: string };
export const WHERE_FLAGS: Record<string, FlagSpec> = {
  namespace: { takes: 'value', short: 'n' },
  cluster: { takes: 'value' },
};
/** An upgrade's flags, typed now or scheduled. */
export const UPGRADE_FLAGS: Record<string, FlagSpec> = {
  ...WHERE_FLAGS,
  set: { takes: 'values' },
  'set-string': { takes: 'values' },
  version: { takes: 'value' },
  install: { takes: 'boolean', short: 'i' },
  atomic: { takes: 'boolean' },
  'reuse-values': { takes: 'boolean' },
  timeout: { takes: 'value' },
};
/** Arguments of these flags are values: never quoted back, never logged. */
const VALUE_FLAGS = new Set(['set', 'set-string']);

/** The cluster and namespace flags given. */
export function whereOf(flags: Flags): Where {
  return {
    ...(typeof flags.cluster === 'string' ? { cluster: flags.cluster } : {}),
    ...(typeof flags.namespace === 'string' ? { namespace: flags.namespace } : {}),
  };
}

/** An upgrade's chart, values and options, from its positionals' chart and its flags. */
export function upgradeArgsOf(chart: string, flags: Flags, usage: string) {
  return {
    chart: chartOf(chart, flags.version as string | undefined, usage),
    set: (flags.set as string[] | undefined) ?? [],
    setString: (flags['set-string'] as string[] | undefined) ?? [],
    atomic: flags.atomic === true,
    install: flags.install === true,
    reuseValues: flags['reuse-values'] === true,
    ...timeoutOf(flags, usage),
  };
}

/**
 * Splits a command's words into positionals and flags as `spec` allows.
 * @throws ChatUsageError naming the flag (never its value).
 */
export function readFlags(
  tokens: readonly string[],
  spec: Record<string, FlagSpec>,
  usage: string,
): { positionals: string[]; flags: Flags } {
  const positionals: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const written = eq > 0 ? token.slice(0, eq) : token;
    if (written === '--help' || written === '-h') {
      flags.help = true;
      continue;
    }
    const name = written.startsWith('--')
      ? written.slice(2)
      : Object.entries(spec).find(([, s]) => `-${s.short}` === written)?.[0];
    const flag = name === undefined ? undefined : spec[name];
    // The flag's name only: whatever follows `=` may be a value.
    if (name === undefined || flag === undefined)
      throw new ChatUsageError(PARSE_MESSAGES.unknownFlag(written.slice(0, 40)), usage);
    if (flag.takes === 'boolean') {
      if (eq > 0) throw new ChatUsageError(PARSE_MESSAGES.flagTakesNoValue(name), usage);
      flags[name] = true;
      continue;
    }
    const value = eq > 0 ? token.slice(eq + 1) : tokens[++i];
    if (value === undefined || value === '')
      throw new ChatUsageError(PARSE_MESSAGES.flagNeedsValue(name), usage);
    if (!VALUE_FLAGS.has(name) && value.startsWith('-'))
      throw new ChatUsageError(PARSE_MESSAGES.flagNeedsValue(name), usage);
    if (flag.takes === 'values') flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else if (flags[name] !== undefined) throw new ChatUsageError(PARSE_MESSAGES.flagTwice(name), usage);
    else flags[name] = value;
    if (VALUE_FLAGS.has(name) && !/^[^=]+=/.test(value))
      throw new ChatUsageError(PARSE_MESSAGES.setEntry(name), usage);
  }
  return { positionals, flags };
}

/** @throws ChatUsageError unless `text` is a revision number. */
export function revisionOf(text: string, what: string, usage: string): number {
  if (!REVISION.test(text)) throw new ChatUsageError(PARSE_MESSAGES.notARevision(what), usage);
  return Number(text);
}

/** @throws ChatUsageError for a --timeout that is not a duration. */
export function timeoutOf(flags: Record<string, unknown>, usage: string): { timeout?: string } {
  const timeout = flags.timeout;
  if (timeout === undefined) return {};
  if (typeof timeout !== 'string' || !DURATION.test(timeout))
    throw new ChatUsageError(PARSE_MESSAGES.badTimeout, usage);
  return { timeout };
}

/**
 * A chart from an OCI registry (`oci://host/path/chart[@version]`) or a registered repository
 * (`REPO/CHART[@version]`), never a path or a URL of the caller's choosing.
 */
export function chartOf(text: string, versionFlag: string | undefined, usage: string): ChartArg {
  const at = text.lastIndexOf('@');
  const ref = at > 0 ? text.slice(0, at) : text;
  const version = at > 0 ? text.slice(at + 1) : versionFlag;
  if (at > 0 && versionFlag !== undefined) throw new ChatUsageError(PARSE_MESSAGES.versionTwice, usage);
  if (version !== undefined && !VERSION.test(version))
    throw new ChatUsageError(PARSE_MESSAGES.badVersion, usage);
  const withVersion = version === undefined ? {} : { version };
  if (ref.startsWith('oci://')) {
    if (!OCI_REF.test(ref)) throw new ArgumentRefusedError(PARSE_MESSAGES.badOci, usage);
    return { kind: 'oci', ref, ...withVersion };
  }
  const parts = ref.split('/');
  if (/^[./~]|^[a-z]+:/.test(ref) || parts.length !== 2)
    throw new ArgumentRefusedError(PARSE_MESSAGES.chartForm, usage);
  const [repo, name] = parts as [string, string];
  if (!CHART_NAME.test(name) || !/^[a-z0-9-]{1,63}$/.test(repo))
    throw new ArgumentRefusedError(PARSE_MESSAGES.chartForm, usage);
  return { kind: 'repo', repo, name, ...withVersion };
}
