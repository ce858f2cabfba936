import type { Values } from '../types.ts';

/** Whether a value is a YAML table (a plain map), as Helm's istable. */
export function isTable(value: unknown): value is Values {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/** Deep copy of values (maps and lists; scalars are immutable). */
export function copyValues<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => copyValues(item)) as T;
  if (isTable(value)) {
    const out: Values = {};
    for (const [key, item] of Object.entries(value)) out[key] = copyValues(item);
    return out as T;
  }
  return value;
}

/** Looks up a dotted table path ("a.b.c"); undefined when any step is not a table. */
export function tableAt(values: Values, path: string): Values | undefined {
  let current: unknown = values;
  for (const part of path.split('.')) {
    if (!isTable(current)) return undefined;
    current = current[part];
  }
  return isTable(current) ? current : undefined;
}

/** Helm's PathValue: the non-table value at a dotted path, or undefined. */
export function pathValue(values: Values, path: string): unknown {
  const parts = path.split('.');
  const key = parts.pop()!;
  const table = parts.length === 0 ? values : tableAt(values, parts.join('.'));
  if (!table || !Object.hasOwn(table, key)) return undefined;
  const value = table[key];
  return isTable(value) ? undefined : value;
}

/** Builds {a: {b: data}} from "a.b" ("." gives data itself). */
export function nestAtPath(path: string, data: Values): Values {
  if (path === '.') return data;
  let current: Values = data;
  for (const part of path.split('.').reverse()) current = { [part]: current };
  return current;
}

/** Go's JSON decoder refuses numbers a float64 cannot hold (1e400); JSON.parse makes them Infinity. */
export function isFiniteJson(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isFiniteJson);
  if (value !== null && typeof value === 'object') return Object.values(value).every(isFiniteJson);
  return true;
}
