import { ArgumentRefusedError, ChatUsageError } from './errors.ts';
import { COMMAND_USAGE, GENERAL_USAGE, PARSE_MESSAGES } from './messages.ts';

/*
 * The text after `/quayside`, read into a command. Nothing typed is ever handed to a shell or used
 * as a path; arguments that look as if they were meant for one are refused all the same, so that
 * the refusal is clear and no later change can make them dangerous. Refusals name the argument by
 * position, never by content: a --set value may hold a secret.
 */

/** Where a command applies; absent parts come from the channel's defaults, then the service's. */
export interface Where {
  readonly cluster?: string;
  readonly namespace?: string;
}

export type ChartArg =
  | { readonly kind: 'oci'; readonly ref: string; readonly version?: string }
  | { readonly kind: 'repo'; readonly repo: string; readonly name: string; readonly version?: string };

export type ChatCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'status'; readonly release: string; readonly where: Where }
  | { readonly kind: 'history'; readonly release: string; readonly where: Where; readonly max: number }
  | {
      readonly kind: 'diff';
      readonly release: string;
      readonly where: Where;
      readonly from?: number;
      readonly to?: number;
    }
  | {
      readonly kind: 'rollback';
      readonly release: string;
      readonly where: Where;
      readonly revision: number;
      readonly timeout?: string;
    }
  | {
      readonly kind: 'upgrade' | 'install';
      readonly release: string;
      readonly where: Where;
      readonly chart: ChartArg;
      readonly set: readonly string[];
      readonly setString: readonly string[];
      readonly atomic: boolean;
      readonly install: boolean;
      readonly reuseValues: boolean;
      readonly createNamespace: boolean;
      readonly timeout?: string;
    };

export type CommandName = ChatCommand['kind'];

/**
 * The commands chat-ops knows. `schedule` joins them when scheduled requests (lib/automation) land:
 * add its usage to COMMAND_USAGE, a case below, and its right in commands.ts's RIGHT_OF.
 */
export const COMMAND_NAMES: readonly CommandName[] = [
  'upgrade',
  'install',
  'rollback',
  'status',
  'history',
  'diff',
  'help',
];

/** Shell metacharacters: refused in every argument (and so are control characters). */
const METACHARACTERS = new Set([';', '|', '&', '$', '`', '<', '>', '\\', '(', ')']);
/** `..` as a path step, anywhere. */
const TRAVERSAL = /(^|[/\\])\.\.([/\\]|$)/;
const REVISION = /^[0-9]{1,9}$/;
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const VERSION = /^[A-Za-z0-9.+~^*x-]{1,64}$/;
const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const OCI_REF = /^oci:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._-]+)+$/;

type FlagSpec = { readonly takes: 'value' | 'values' | 'boolean'; readonly short?: string };
const WHERE_FLAGS: Record<string, FlagSpec> = {
  namespace: { takes: 'value', short: 'n' },
  cluster: { takes: 'value' },
};
const FLAGS: Record<CommandName, Record<string, FlagSpec>> = {
  help: {},
  status: WHERE_FLAGS,
  history: { ...WHERE_FLAGS, max: { takes: 'value' } },
  diff: WHERE_FLAGS,
  rollback: { ...WHERE_FLAGS, timeout: { takes: 'value' } },
  upgrade: {
    ...WHERE_FLAGS,
    set: { takes: 'values' },
    'set-string': { takes: 'values' },
    version: { takes: 'value' },
    install: { takes: 'boolean', short: 'i' },
    atomic: { takes: 'boolean' },
    'reuse-values': { takes: 'boolean' },
    timeout: { takes: 'value' },
  },
  install: {
    ...WHERE_FLAGS,
    set: { takes: 'values' },
    'set-string': { takes: 'values' },
    version: { takes: 'value' },
    atomic: { takes: 'boolean' },
    'create-namespace': { takes: 'boolean' },
    timeout: { takes: 'value' },
  },
};
/** Arguments of these flags are values: never quoted back, never logged. */
const VALUE_FLAGS = new Set(['set', 'set-string']);

/**
 * Splits the command text as a shell would split words, without doing anything a shell does:
 * whitespace separates, "double" and 'single' quotes (and the curly ones phones type) group.
 * Slack sends `&`, `<` and `>` HTML-escaped; they are unescaped first so that they are judged as typed.
 * @throws ChatUsageError for an unclosed quote.
 */
export function tokenize(text: string): string[] {
  const input = text
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  const tokens: string[] = [];
  let current: string | undefined;
  let quote: string | undefined;
  for (const ch of input) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current ??= '';
    } else if (/\s/.test(ch) && ch !== '\n') {
      if (current !== undefined) tokens.push(current);
      current = undefined;
    } else current = (current ?? '') + ch;
  }
  if (quote !== undefined) throw new ChatUsageError(PARSE_MESSAGES.unclosedQuote, GENERAL_USAGE);
  if (current !== undefined) tokens.push(current);
  return tokens;
}

/**
 * Reads the text of a slash command.
 * @throws ArgumentRefusedError for metacharacters or traversal, ChatUsageError (with the usage) for
 *   anything else that cannot be read.
 */
export function parseCommand(text: string): ChatCommand {
  const tokens = tokenize(text);
  const first = tokens[0] ?? '';
  const usageFor = (COMMAND_NAMES as readonly string[]).includes(first)
    ? COMMAND_USAGE[first as CommandName]
    : GENERAL_USAGE;
  tokens.forEach((token, index) => {
    const found = [...token].find((ch) => METACHARACTERS.has(ch) || ch.charCodeAt(0) < 32 || ch === '\x7f');
    if (found !== undefined) {
      throw new ArgumentRefusedError(
        PARSE_MESSAGES.metacharacter(index + 1, printable(found)),
        GENERAL_USAGE,
      );
    }
    if (TRAVERSAL.test(token)) throw new ArgumentRefusedError(PARSE_MESSAGES.traversal(index + 1), usageFor);
  });
  const [name, ...rest] = tokens;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') return { kind: 'help' };
  if (!(COMMAND_NAMES as readonly string[]).includes(name)) {
    throw new ChatUsageError(PARSE_MESSAGES.unknownCommand(name.slice(0, 32)), GENERAL_USAGE);
  }
  const kind = name as CommandName;
  const usage = COMMAND_USAGE[kind];
  const { positionals, flags } = readFlags(rest, FLAGS[kind], usage);
  if (flags.help !== undefined) return { kind: 'help' };
  const where: Where = {
    ...(typeof flags.cluster === 'string' ? { cluster: flags.cluster } : {}),
    ...(typeof flags.namespace === 'string' ? { namespace: flags.namespace } : {}),
  };
  const expect = (min: number, max: number) => {
    if (positionals.length < min || positionals.length > max) {
      throw new ChatUsageError(PARSE_MESSAGES.arguments(kind, min, max, positionals.length), usage);
    }
  };
  const release = positionals[0] as string;
  switch (kind) {
    case 'help':
      return { kind: 'help' };
    case 'status':
      expect(1, 1);
      return { kind, release, where };
    case 'history': {
      expect(1, 1);
      const max = flags.max === undefined ? 10 : revisionOf(flags.max as string, '--max', usage);
      if (max < 1 || max > 50) throw new ChatUsageError(PARSE_MESSAGES.maxRange, usage);
      return { kind, release, where, max };
    }
    case 'diff': {
      expect(1, 3);
      const [from, to] = positionals.slice(1).map((p) => revisionOf(p, 'REVISION', usage));
      return {
        kind,
        release,
        where,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
      };
    }
    case 'rollback': {
      expect(1, 2);
      const revision = positionals[1] === undefined ? 0 : revisionOf(positionals[1], 'REVISION', usage);
      return { kind, release, where, revision, ...timeoutOf(flags, usage) };
    }
    case 'upgrade':
    case 'install': {
      expect(2, 2);
      return {
        kind,
        release,
        where,
        chart: chartOf(positionals[1] as string, flags.version as string | undefined, usage),
        set: (flags.set as string[] | undefined) ?? [],
        setString: (flags['set-string'] as string[] | undefined) ?? [],
        atomic: flags.atomic === true,
        install: flags.install === true,
        reuseValues: flags['reuse-values'] === true,
        createNamespace: flags['create-namespace'] === true,
        ...timeoutOf(flags, usage),
      };
    }
  }
}

function readFlags(
  tokens: readonly string[],
  spec: Record<string, FlagSpec>,
  usage: string,
): { positionals: string[]; flags: Record<string, string | string[] | boolean> } {
  const positionals: string[] = [];
  const flags: Record<string, string | string[] | boolean> = {};
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

function revisionOf(text: string, what: string, usage: string): number {
  if (!REVISION.test(text)) throw new ChatUsageError(PARSE_MESSAGES.notARevision(what), usage);
  return Number(text);
}

function timeoutOf(flags: Record<string, unknown>, usage: string): { timeout?: string } {
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
function chartOf(text: string, versionFlag: string | undefined, usage: string): ChartArg {
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

const printable = (ch: string) =>
  ch.charCodeAt(0) < 32 || ch === '\x7f' ? 'a control character' : `"${ch}"`;
