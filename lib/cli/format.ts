import { stringify } from 'yaml';
import type { OutputFormat } from './args.ts';

/**
 * A table as helm prints one (gosuri/uitable): every cell, the last included, padded with
 * spaces to its column's width, cells joined by a tab, a newline after each row.
 */
export function formatTable(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => row.map(String));
  const widths: number[] = [];
  for (const row of cells) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return cells.map((row) => `${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('\t')}\n`).join('');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** Go's time.ANSIC (`Mon Jan _2 15:04:05 2006`) in UTC, as helm history and status print times. */
export function formatAnsic(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${clock} ${d.getUTCFullYear()}`;
}

/** Go's Time.String() in UTC (`2006-01-02 15:04:05.999999999 +0000 UTC`), as helm list prints times. */
export function formatGoTime(iso: string | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  const date = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
  const ms = d.getUTCMilliseconds();
  const fraction = ms === 0 ? '' : `.${String(ms).padStart(3, '0').replace(/0+$/, '')}`;
  return `${date} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}${fraction} +0000 UTC`;
}

/**
 * json as Go's encoder writes it (one line), yaml as helm's sigs.k8s.io/yaml does (keys sorted).
 */
export function encodeData(format: Exclude<OutputFormat, 'table'>, data: unknown): string {
  if (format === 'json') return `${JSON.stringify(data)}\n`;
  return stringify(data, GO_YAML);
}

/**
 * YAML as go-yaml v2 writes it under sigs.k8s.io/yaml: keys sorted, no line folding, and strings
 * that YAML 1.1 would read as something else (timestamps, yes/no/on/off, 010) quoted.
 */
const GO_YAML = { version: '1.1', sortMapEntries: true, lineWidth: 0 } as const;

/** Values as helm get values prints them: YAML, or `null` when there are none. */
export function formatValuesYaml(values: Record<string, unknown>): string {
  return Object.keys(values).length === 0 ? 'null\n' : stringify(values, GO_YAML);
}

const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Go layout elements, longest first where one is a prefix of another (as Go's parser tries them). */
const LAYOUT_WORDS: ReadonlyArray<readonly [string, (d: Date) => string]> = [
  ['January', (d) => LONG_MONTHS[d.getUTCMonth()] ?? ''],
  ['Jan', (d) => MONTHS[d.getUTCMonth()] ?? ''],
  ['Monday', (d) => LONG_DAYS[d.getUTCDay()] ?? ''],
  ['Mon', (d) => DAYS[d.getUTCDay()] ?? ''],
  ['MST', () => 'UTC'],
  ['2006', (d) => String(d.getUTCFullYear())],
  ['-07:00:00', () => '+00:00:00'],
  ['-070000', () => '+000000'],
  ['-07:00', () => '+00:00'],
  ['-0700', () => '+0000'],
  ['-07', () => '+00'],
  ['Z07:00:00', () => 'Z'],
  ['Z070000', () => 'Z'],
  ['Z07:00', () => 'Z'],
  ['Z0700', () => 'Z'],
  ['Z07', () => 'Z'],
  ['002', (d) => String(dayOfYear(d)).padStart(3, '0')],
  ['__2', (d) => String(dayOfYear(d)).padStart(3, ' ')],
  ['_2', (d) => String(d.getUTCDate()).padStart(2, ' ')],
  ['01', (d) => two(d.getUTCMonth() + 1)],
  ['02', (d) => two(d.getUTCDate())],
  ['03', (d) => two(d.getUTCHours() % 12 || 12)],
  ['04', (d) => two(d.getUTCMinutes())],
  ['05', (d) => two(d.getUTCSeconds())],
  ['06', (d) => two(d.getUTCFullYear() % 100)],
  ['15', (d) => two(d.getUTCHours())],
  ['PM', (d) => (d.getUTCHours() < 12 ? 'AM' : 'PM')],
  ['pm', (d) => (d.getUTCHours() < 12 ? 'am' : 'pm')],
  ['1', (d) => String(d.getUTCMonth() + 1)],
  ['2', (d) => String(d.getUTCDate())],
  ['3', (d) => String(d.getUTCHours() % 12 || 12)],
  ['4', (d) => String(d.getUTCMinutes())],
  ['5', (d) => String(d.getUTCSeconds())],
];

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/**
 * A time in UTC laid out by a Go reference layout (`2006-01-02 15:04:05Z0700`), as helm's
 * `--time-format` takes it. Fractions `.000`/`.999` give milliseconds (the precision quayside keeps).
 */
export function formatGoLayout(iso: string, layout: string): string {
  const d = new Date(iso);
  let out = '';
  for (let i = 0; i < layout.length; ) {
    const fraction = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (fraction?.[1] !== undefined && !/[0-9]/.test(layout[i - 1] ?? '')) {
      const digits = String(d.getUTCMilliseconds()).padStart(3, '0').padEnd(fraction[1].length, '0');
      const kept = digits.slice(0, fraction[1].length);
      const trimmed = fraction[1][0] === '9' ? kept.replace(/0+$/, '') : kept;
      out += trimmed === '' ? '' : `${layout[i]}${trimmed}`;
      i += fraction[0].length;
      continue;
    }
    const word = LAYOUT_WORDS.find(([token]) => layout.startsWith(token, i));
    if (word === undefined) {
      out += layout[i];
      i += 1;
      continue;
    }
    out += word[1](d);
    i += word[0].length;
  }
  return out;
}
