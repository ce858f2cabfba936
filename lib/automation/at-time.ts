import { ScheduleInputError } from './errors.ts';
import { AUTOMATION_MESSAGES as M } from './messages.ts';

/** A one-time schedule's time as EventBridge Scheduler takes it, and the instant it means. */
export interface ScheduleTime {
  /** `at(2026-12-01T06:00:00)`: a wall-clock time in `timezone`. */
  readonly expression: string;
  /** An IANA time zone (ScheduleExpressionTimezone). */
  readonly timezone: string;
  /** Epoch ms. */
  readonly instant: number;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const WITH_OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})$/;
const AT_EXPRESSION = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;

interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/**
 * Reads `--at` (and `--tz`) as a schedule time. `--at` is a wall-clock time (`2026-12-01T06:00`,
 * seconds optional) in `--tz` (default UTC), or a time with its own offset (`…Z`, `…+01:00`), which
 * is scheduled in UTC. It must lie after `now`. A wall-clock time the zone skips (daylight saving)
 * is refused; one it passes twice is the first of the two, the instant the clocks first show it.
 * @throws ScheduleInputError naming --at or --tz and what is wrong.
 */
export function parseScheduleTime(input: { at: string; tz?: string; now: number }): ScheduleTime {
  const fail = (field: string, message: string): never => {
    throw new ScheduleInputError([{ field, message }]);
  };
  const offset = WITH_OFFSET.exec(input.at);
  let wall: WallTime;
  let timezone: string;
  if (offset) {
    if (input.tz !== undefined) fail('--tz', M.tzTwice);
    const instant = Date.parse(input.at);
    if (!Number.isFinite(instant)) fail('--at', M.atInvalid);
    wall = wallTimeIn(Math.floor(instant / 1000) * 1000, 'UTC');
    timezone = 'UTC';
  } else {
    const match = LOCAL.exec(input.at);
    if (!match) return fail('--at', M.atFormat);
    const [year, month, day, hour, minute, second] = match
      .slice(1)
      .map((part) => Number(part ?? 0)) as number[];
    wall = { year, month, day, hour, minute, second } as WallTime;
    if (!isRealDate(wall)) fail('--at', M.atInvalid);
    timezone = input.tz ?? 'UTC';
    if (!isTimeZone(timezone)) fail('--tz', M.tzUnknown);
  }
  const instant = wallTimeToInstant(wall, timezone);
  if (instant === undefined) return fail('--at', M.atSkipped(timezone));
  if (instant <= input.now) fail('--at', M.atPast(new Date(instant).toISOString()));
  return { expression: `at(${formatWall(wall)})`, timezone, instant };
}

/**
 * The instant an `at(...)` expression in a time zone names (what Scheduler fires at), or undefined
 * when it is not an at() expression or names a time the zone skips.
 */
export function instantOfAt(expression: string, timezone: string): number | undefined {
  const match = AT_EXPRESSION.exec(expression);
  if (!match || !isTimeZone(timezone)) return undefined;
  const local = LOCAL.exec(match[1] as string);
  if (!local) return undefined;
  const [year, month, day, hour, minute, second] = local.slice(1).map(Number) as number[];
  const wall = { year, month, day, hour, minute, second } as WallTime;
  return isRealDate(wall) ? wallTimeToInstant(wall, timezone) : undefined;
}

/** Whether the runtime knows the IANA time zone. */
export function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The first instant at which clocks in `timezone` show `wall`, or undefined when they never do (a
 * daylight-saving gap). A zone's offset is found by formatting instants in it (Intl), so no
 * time-zone table is carried: the runtime's is used, as Scheduler uses its own.
 */
function wallTimeToInstant(wall: WallTime, timezone: string): number | undefined {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  // Zones change offset at most once in a day, so the offsets half a day either side cover both readings.
  const offsets = new Set([
    offsetAt(asUtc - 12 * 3_600_000, timezone),
    offsetAt(asUtc + 12 * 3_600_000, timezone),
  ]);
  const candidates = [...offsets]
    .map((offset) => asUtc - offset)
    .filter((instant) => sameWall(wallTimeIn(instant, timezone), wall))
    .sort((a, b) => a - b);
  return candidates[0];
}

/** The zone's offset from UTC (ms) at an instant. */
function offsetAt(instant: number, timezone: string): number {
  const wall = wallTimeIn(instant, timezone);
  return (
    Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) -
    Math.floor(instant / 1000) * 1000
  );
}

function wallTimeIn(instant: number, timezone: string): WallTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
  };
}

function sameWall(a: WallTime, b: WallTime): boolean {
  return (
    a.year === b.year &&
    a.month === b.month &&
    a.day === b.day &&
    a.hour === b.hour &&
    a.minute === b.minute &&
    a.second === b.second
  );
}

function isRealDate(wall: WallTime): boolean {
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  return (
    date.getUTCFullYear() === wall.year &&
    date.getUTCMonth() === wall.month - 1 &&
    date.getUTCDate() === wall.day &&
    wall.hour < 24 &&
    wall.minute < 60 &&
    wall.second < 60
  );
}

function formatWall(wall: WallTime): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(wall.year).padStart(4, '0')}-${two(wall.month)}-${two(wall.day)}T${two(wall.hour)}:${two(wall.minute)}:${two(wall.second)}`;
}
