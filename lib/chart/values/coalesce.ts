import { ValuesTypeError } from '../errors.ts';
import { VALUES_MESSAGES } from '../messages.ts';
import type { Chart, Values } from '../types.ts';
import { copyValues, isTable } from './table.ts';

const GLOBAL_KEY = 'global';

/** The name a chart has in its parent's values (the alias once dependencies are processed). */
export function chartName(chart: Chart): string {
  return chart.metadata.name;
}

/**
 * Helm's CoalesceValues (merge = false): the chart's values and its
 * subcharts', overridden by `values`; a null in `values` deletes the key.
 * With merge = true (Helm's MergeValues) nulls are kept instead.
 * Neither input is modified. Throws ValuesTypeError when a subchart's
 * values are not a map.
 */
export function coalesceChartValues(chart: Chart, values: Values, merge = false): Values {
  return coalesce(chart, copyValues(values), merge);
}

function coalesce(chart: Chart, dest: Values, merge: boolean): Values {
  coalesceValues(chart, dest, merge);
  return coalesceDeps(chart, dest, merge);
}

function coalesceDeps(chart: Chart, dest: Values, merge: boolean): Values {
  for (const sub of chart.dependencies) {
    const name = chartName(sub);
    const existing = dest[name];
    if (existing === undefined) dest[name] = {};
    else if (!isTable(existing)) throw new ValuesTypeError(VALUES_MESSAGES.typeMismatch(name), name);
    const sv = dest[name] as Values;
    coalesceGlobals(sv, dest);
    dest[name] = coalesce(sub, sv, merge);
  }
  return dest;
}

function coalesceGlobals(dest: Values, src: Values): void {
  const destGlobal = dest[GLOBAL_KEY] ?? {};
  const srcGlobal = src[GLOBAL_KEY] ?? {};
  if (!isTable(destGlobal) || !isTable(srcGlobal)) return;
  const dg: Values = destGlobal;
  for (const [key, val] of Object.entries(srcGlobal)) {
    if (isTable(val)) {
      const copy = { ...val };
      const existing = dg[key];
      if (existing === undefined) dg[key] = copy;
      else if (isTable(existing)) {
        // Top-down: the parent's globals win over the subchart's own.
        coalesceTables(copy, existing, true);
        dg[key] = copy;
      }
    } else if (!isTable(dg[key])) {
      dg[key] = val;
    }
  }
  dest[GLOBAL_KEY] = dg;
}

function coalesceValues(chart: Chart, v: Values, merge: boolean): void {
  const chartValues = copyValues(chart.values);
  for (const [key, val] of Object.entries(chartValues)) {
    if (Object.hasOwn(v, key)) {
      const value = v[key];
      if (value === null && !merge) delete v[key];
      else if (isTable(value) && isTable(val)) {
        const childMerge = chart.dependencies.some((d) => chartName(d) === key) || merge;
        coalesceTables(value, val, childMerge);
      }
    } else {
      v[key] = val;
    }
  }
}

/**
 * Merges `src` into `dst`; `dst` wins. With merge = false a null in `dst`
 * deletes the key (Helm's CoalesceTables); with merge = true it stays
 * (MergeTables). Modifies and returns `dst`.
 */
export function coalesceTables(dst: Values, src: Values, merge = false): Values {
  for (const [key, val] of Object.entries(src)) {
    const present = Object.hasOwn(dst, key);
    const dv = dst[key];
    if (present && !merge && dv === null) delete dst[key];
    else if (!present) dst[key] = val;
    else if (isTable(val) && isTable(dv)) coalesceTables(dv, val, merge);
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
