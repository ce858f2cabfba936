import { ArgumentRefusedError, ChatUsageError } from './errors.ts';
import { COMMAND_USAGE, GENERAL_USAGE, PARSE_MESSAGES } from './messages.ts';
import {
  type ChartArg,
  type FlagSpec,
  readFlags,
  revisionOf,
  timeoutOf,
  UPGRADE_FLAGS,
  upgradeArgsOf,
  WHERE_FLAGS,
  type Where,
  whereOf,
} from './parse-args.ts';
import { parseSchedule, type ScheduleCommand } from './parse-schedule.ts';

/*
 * The text after `/quayside`, read into a command. Nothing typed is ever handed to a shell or used
 * as a path; arguments that look as if they were meant for one are refused all the same, so that
 * the refusal is clear and no later change can make them dangerous. Refusals name the argument by
 * position, never by content: a --set value may hold a secret.
 */

export type { ChartArg, Where } from './parse-args.ts';
export type { ScheduleCommand } from './parse-schedule.ts';

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
    }
  | ScheduleCommand;

export type CommandName = ChatCommand['kind'];

/** The commands chat-ops knows. */
export const COMMAND_NAMES: readonly CommandName[] = [
  'upgrade',
  'install',
  'rollback',
  'status',
  'history',
  'diff',
  'schedule',
  'help',
];

/** Shell metacharacters: refused in every argument (and so are control characters). */
const METACHARACTERS = new Set([';', '|', '&', '$', '`', '<', '>', '\\', '(', ')']);
/** `..` as a path step, anywhere. */
const TRAVERSAL = /(^|[/\\])\.\.([/\\]|$)/;

const FLAGS: Record<Exclude<CommandName, 'schedule'>, Record<string, FlagSpec>> = {
  help: {},
  status: WHERE_FLAGS,
  history: { ...WHERE_FLAGS, max: { takes: 'value' } },
  diff: WHERE_FLAGS,
  rollback: { ...WHERE_FLAGS, timeout: { takes: 'value' } },
  upgrade: UPGRADE_FLAGS,
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
  if (kind === 'schedule') return parseSchedule(rest);
  const usage = COMMAND_USAGE[kind];
  const { positionals, flags } = readFlags(rest, FLAGS[kind], usage);
  if (flags.help !== undefined) return { kind: 'help' };
  const where = whereOf(flags);
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
        ...upgradeArgsOf(positionals[1] as string, flags, usage),
        createNamespace: flags['create-namespace'] === true,
      };
    }
  }
}

const printable = (ch: string) =>
  ch.charCodeAt(0) < 32 || ch === '\x7f' ? 'a control character' : `"${ch}"`;
