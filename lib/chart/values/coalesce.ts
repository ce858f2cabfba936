import { ValuesTypeError } from '../errors.ts';
import { VALUES_MESSAGES, WARNING_MESSAGES as W } from '../messages.ts';
import type { Chart, Values } from '../types.ts';
import { goValueString } from './go-print.ts';
import { copyValues, isTable } from './table.ts';

const GLOBAL_KEY = 'global';

/**
 * Receives the warnings Helm prints while coalescing ("warning: cannot overwrite table with non
 * table for repro.resources.limits (map[cpu:1])"). They quote values, so only `quayside template`
 * shows them, as helm does on the user's own terminal; nothing logs them.
 */
export type CoalesceWarn = (message: string) => void;

const ignore: CoalesceWarn = () => {};

/** The name a chart has in its parent's values (the alias once dependencies are processed). */
export function chartName(chart: Chart): string {
  return chart.metadata.name;
}

function concatPrefix(a: string, b: string): string {
  return a === '' ? b : `${a}.${b}`;
}

/**
 * Helm's CoalesceValues (merge = false): the chart's values and its
 * subcharts', overridden by `values`; a null in `values` deletes the key.
 * With merge = true (Helm's MergeValues) nulls are kept instead.
 * Neither input is modified. Throws ValuesTypeError when a subchart's
 * values are not a map.
 */
export function coalesceChartValues(chart: Chart, values: Values, merge = false, warn = ignore): Values {
  return coalesce(chart, copyValues(values), '', merge, warn);
}

function coalesce(chart: Chart, dest: Values, prefix: string, merge: boolean, warn: CoalesceWarn): Values {
  coalesceValues(chart, dest, prefix, merge, warn);
  return coalesceDeps(chart, dest, prefix, merge, warn);
}

function coalesceDeps(
  chart: Chart,
  dest: Values,
  prefix: string,
  merge: boolean,
  warn: CoalesceWarn,
): Values {
  for (const sub of chart.dependencies) {
    const name = chartName(sub);
    const existing = dest[name];
    if (existing === undefined) dest[name] = {};
    else if (!isTable(existing)) throw new ValuesTypeError(VALUES_MESSAGES.typeMismatch(name), name);
    const sv = dest[name] as Values;
    const subPrefix = concatPrefix(prefix, chartName(chart));
    coalesceGlobals(sv, dest, subPrefix, warn);
    dest[name] = coalesce(sub, sv, subPrefix, merge, warn);
  }
  return dest;
}

function coalesceGlobals(dest: Values, src: Values, prefix: string, warn: CoalesceWarn): void {
  const destGlobal = dest[GLOBAL_KEY] ?? {};
  const srcGlobal = src[GLOBAL_KEY] ?? {};
  if (!isTable(destGlobal) || !isTable(srcGlobal)) {
    warn(W.globalsNotTable(isTable(destGlobal) ? 'source' : 'destination'));
    return;
  }
  const dg: Values = destGlobal;
  for (const [key, val] of Object.entries(srcGlobal)) {
    if (isTable(val)) {
      const copy = { ...val };
      const existing = dg[key];
      if (existing === undefined) dg[key] = copy;
      else if (!isTable(existing)) warn(W.globalConflict(key));
      else {
        // Top-down: the parent's globals win over the subchart's own.
        coalesceTablesAt(copy, existing, concatPrefix(prefix, key), true, warn);
        dg[key] = copy;
      }
    } else if (isTable(dg[key])) {
      warn(W.globalIsTable(key));
    } else {
      dg[key] = val;
    }
  }
  dest[GLOBAL_KEY] = dg;
}

function coalesceValues(chart: Chart, v: Values, prefix: string, merge: boolean, warn: CoalesceWarn): void {
  const subPrefix = concatPrefix(prefix, chartName(chart));
  const chartValues = copyValues(chart.values);
  for (const [key, val] of Object.entries(chartValues)) {
    if (!Object.hasOwn(v, key)) {
      v[key] = val;
      continue;
    }
    const value = v[key];
    if (value === null && !merge) delete v[key];
    else if (isTable(value)) {
      if (isTable(val)) {
        const childMerge = chart.dependencies.some((d) => chartName(d) === key) || merge;
        coalesceTablesAt(value, val, concatPrefix(subPrefix, key), childMerge, warn);
      } else if (val !== null) {
        warn(W.skippedNotTable(`${subPrefix}.${key}`));
      }
    }
  }
}

/**
 * Merges `src` into `dst`; `dst` wins. With merge = false a null in `dst`
 * deletes the key when `src` has a value there (Helm's CoalesceTables: the
 * user removes a chart default); with merge = true it stays (MergeTables).
 * Modifies and returns `dst`.
 */
export function coalesceTables(dst: Values, src: Values, merge = false, warn = ignore): Values {
  return coalesceTablesAt(dst, src, '', merge, warn);
}

function coalesceTablesAt(
  dst: Values,
  src: Values,
  prefix: string,
  merge: boolean,
  warn: CoalesceWarn,
): Values {
  for (const [key, val] of Object.entries(src)) {
    const fullKey = concatPrefix(prefix, key);
    const present = Object.hasOwn(dst, key);
    const dv = dst[key];
    if (present && !merge && dv === null && val !== null) delete dst[key];
    else if (!present) dst[key] = val;
    else if (isTable(val)) {
      if (isTable(dv)) coalesceTablesAt(dv, val, fullKey, merge, warn);
      else warn(W.tableOverNonTable(fullKey, goValueString(val)));
    } else if (isTable(dv) && val !== null) {
      warn(W.nonTableIgnored(fullKey, goValueString(val)));
    }
  }
  return dst;
}

/** Removes null entries recursively (Helm's trimNilValues). */
export function trimNulls(values: Values): Values {
  const out: Values = {};
  for (const [key, val] of Object.entries(values)) {
    if (val === null) continue;
    out[key] = isTable(val) ? trimNulls(val) : val;
  }
  return out;
}
