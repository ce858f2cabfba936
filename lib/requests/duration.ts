import { DurationSyntaxError } from './errors.ts';

/** Milliseconds per unit, as Go's time package spells the units. */
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign
  μs: 1e-3, // U+03BC Greek small mu
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const UNIT_LIST = 'h, m, s, ms, us or ns';
/** Go keeps a duration in an int64 of nanoseconds: about 2,562,047 hours. */
const MAX_MS = 9_223_372_036_854.775;
const COMPONENT = /^(\d*)(?:\.(\d*))?([^\d.]+)/;

/**
 * Parses a Go duration (`5m0s`, `1h30m`, `1.5s`, `300ms`, `-2m`, `0`) into milliseconds,
 * accepting exactly what Go's `time.ParseDuration` accepts: an optional sign, then one or
 * more decimal numbers each followed by a unit; a bare `0` is the only number without one.
 * @throws DurationSyntaxError saying what is wrong.
 */
export function parseDuration(text: string): number {
  const fail = (reason: string): never => {
    throw new DurationSyntaxError({ text, reason });
  };
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') fail('it is empty');
  let total = 0;
  while (rest !== '') {
    const match = COMPONENT.exec(rest);
    // Only digits and dots are left: the component has no unit.
    if (!match) fail(`missing unit (${UNIT_LIST})`);
    const [whole, integer = '', fraction, unit = ''] = match as RegExpExecArray;
    if (integer === '' && (fraction === undefined || fraction === ''))
      fail('expected a number before the unit');
    const unitMs = UNIT_MS[unit];
    if (unitMs === undefined) fail(`unknown unit (use ${UNIT_LIST})`);
    total += Number(`${integer || '0'}.${fraction ?? ''}0`) * (unitMs as number);
    rest = rest.slice(whole.length);
  }
  if (!(total <= MAX_MS)) fail('it is too large (Go allows at most 2562047h47m16.854775807s)');
  return sign * total;
}

/** Formats milliseconds the way Go prints a duration: `5m0s`, `1h0m0s`, `1.5s`, `300ms`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${sign}${trim(abs)}ms`;
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const seconds = (abs % 60_000) / 1_000;
  const head = hours > 0 ? `${hours}h${minutes}m` : minutes > 0 ? `${minutes}m` : '';
  return `${sign}${head}${trim(seconds)}s`;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}
