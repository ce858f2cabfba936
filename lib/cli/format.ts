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
  return stringify(data, { sortMapEntries: true, lineWidth: 0 });
}

/** Values as helm get values prints them: YAML, or `null` when there are none. */
export function formatValuesYaml(values: Record<string, unknown>): string {
  return Object.keys(values).length === 0
    ? 'null\n'
    : stringify(values, { sortMapEntries: true, lineWidth: 0 });
}
