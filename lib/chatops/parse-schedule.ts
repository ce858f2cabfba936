import { ChatUsageError } from './errors.ts';
import { COMMAND_USAGE, PARSE_MESSAGES } from './messages.ts';
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

/** What `/quayside schedule` does: make a schedule of an action, list schedules, cancel one. */
export const SCHEDULE_VERBS = ['rollback', 'upgrade', 'uninstall', 'list', 'cancel'] as const;
export type ScheduleVerb = (typeof SCHEDULE_VERBS)[number];

/** When a scheduled action runs: `--at` in `--tz` (read by lib/automation, which says what is wrong). */
interface When {
  readonly at: string;
  readonly tz?: string;
}

export type ScheduleCommand =
  | ({
      readonly kind: 'schedule';
      readonly verb: 'rollback';
      readonly release: string;
      readonly where: Where;
      /** 0: the revision before the latest, as it is when the schedule is made. */
      readonly revision: number;
      readonly timeout?: string;
    } & When)
  | ({
      readonly kind: 'schedule';
      readonly verb: 'upgrade';
      readonly release: string;
      readonly where: Where;
      readonly chart: ChartArg;
      readonly set: readonly string[];
      readonly setString: readonly string[];
      readonly atomic: boolean;
      readonly install: boolean;
      readonly reuseValues: boolean;
      readonly timeout?: string;
    } & When)
  | ({
      readonly kind: 'schedule';
      readonly verb: 'uninstall';
      readonly release: string;
      readonly where: Where;
      readonly keepHistory: boolean;
      readonly timeout?: string;
    } & When)
  | { readonly kind: 'schedule'; readonly verb: 'list'; readonly release?: string; readonly where: Where }
  | { readonly kind: 'schedule'; readonly verb: 'cancel'; readonly name: string };

const WHEN_FLAGS: Record<string, FlagSpec> = { at: { takes: 'value' }, tz: { takes: 'value' } };
const FLAGS: Record<ScheduleVerb, Record<string, FlagSpec>> = {
  rollback: { ...WHERE_FLAGS, ...WHEN_FLAGS, timeout: { takes: 'value' } },
  upgrade: { ...UPGRADE_FLAGS, ...WHEN_FLAGS },
  uninstall: {
    ...WHERE_FLAGS,
    ...WHEN_FLAGS,
    'keep-history': { takes: 'boolean' },
    timeout: { takes: 'value' },
  },
  list: WHERE_FLAGS,
  cancel: {},
};
/** Scheduler's schedule names: what `cancel` may be given. */
const SCHEDULE_NAME = /^[0-9a-zA-Z_.-]{1,64}$/;

/**
 * Reads the words after `/quayside schedule`: the verb first, then its arguments and flags.
 * @throws ChatUsageError (with the schedule usage) for anything that cannot be read.
 */
export function parseSchedule(words: readonly string[]): ScheduleCommand | { kind: 'help' } {
  const usage = COMMAND_USAGE.schedule;
  const [verb, ...rest] = words;
  if (verb === '--help' || verb === '-h') return { kind: 'help' };
  if (!(SCHEDULE_VERBS as readonly string[]).includes(verb ?? ''))
    throw new ChatUsageError(PARSE_MESSAGES.scheduleVerb(SCHEDULE_VERBS), usage);
  const v = verb as ScheduleVerb;
  const { positionals, flags } = readFlags(rest, FLAGS[v], usage);
  if (flags.help !== undefined) return { kind: 'help' };
  const expect = (min: number, max: number) => {
    if (positionals.length < min || positionals.length > max) {
      throw new ChatUsageError(
        PARSE_MESSAGES.arguments(`schedule ${v}`, min, max, positionals.length),
        usage,
      );
    }
  };
  const where = whereOf(flags);
  const release = positionals[0] as string;
  switch (v) {
    case 'list':
      expect(0, 1);
      return { kind: 'schedule', verb: v, where, ...(release === undefined ? {} : { release }) };
    case 'cancel':
      expect(1, 1);
      if (!SCHEDULE_NAME.test(release)) throw new ChatUsageError(PARSE_MESSAGES.scheduleName, usage);
      return { kind: 'schedule', verb: v, name: release };
    case 'rollback': {
      expect(1, 2);
      const revision = positionals[1] === undefined ? 0 : revisionOf(positionals[1], 'REVISION', usage);
      return {
        kind: 'schedule',
        verb: v,
        release,
        where,
        revision,
        ...timeoutOf(flags, usage),
        ...whenOf(flags),
      };
    }
    case 'upgrade':
      expect(2, 2);
      return {
        kind: 'schedule',
        verb: v,
        release,
        where,
        ...upgradeArgsOf(positionals[1] as string, flags, usage),
        ...whenOf(flags),
      };
    case 'uninstall':
      expect(1, 1);
      return {
        kind: 'schedule',
        verb: v,
        release,
        where,
        keepHistory: flags['keep-history'] === true,
        ...timeoutOf(flags, usage),
        ...whenOf(flags),
      };
  }
}

/** `--at` is required; its form and `--tz` are judged where the schedule is made. */
function whenOf(flags: Record<string, unknown>): When {
  if (typeof flags.at !== 'string')
    throw new ChatUsageError(PARSE_MESSAGES.atRequired, COMMAND_USAGE.schedule);
  return { at: flags.at, ...(typeof flags.tz === 'string' ? { tz: flags.tz } : {}) };
}
