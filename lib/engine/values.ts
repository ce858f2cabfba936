import type { Values } from '../chart/index.ts';
import type { Revision } from '../domain/index.ts';
import type { ActionOptions } from './types.ts';

export interface ResolvedValues {
  /** What the user supplied for this revision, as stored (`get values`). */
  readonly config: Values;
  /** Chart defaults to render with instead of the new chart's (reuse-values renders with the old ones). */
  readonly chartDefaults?: Values;
}

/**
 * Helm's upgrade value rules against the current revision:
 * - reset-values: only what was supplied now;
 * - reuse-values: supplied over the current config, rendered over the current revision's computed values;
 * - reset-then-reuse-values: supplied over the current config, over the new chart's defaults;
 * - neither: the current config when nothing at all was supplied, else only what was supplied.
 */
export function resolveUpgradeValues(
  supplied: Values,
  current: Revision | undefined,
  options: ActionOptions,
): ResolvedValues {
  if (current === undefined || options.resetValues) return { config: supplied };
  if (options.reuseValues) {
    return { config: mergeValues(current.body.config, supplied), chartDefaults: current.body.values };
  }
  if (options.resetThenReuseValues) return { config: mergeValues(current.body.config, supplied) };
  if (Object.keys(supplied).length === 0 && Object.keys(current.body.config).length > 0) {
    return { config: structuredClone(current.body.config) };
  }
  return { config: supplied };
}

/** Deep merge of user values: maps merge key by key, anything else in `over` wins, null deletes. */
export function mergeValues(base: Values, over: Values): Values {
  const out: Values = structuredClone(base);
  for (const [key, value] of Object.entries(over)) {
    const existing = out[key];
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(existing)) out[key] = mergeValues(existing, value);
    else out[key] = structuredClone(value);
  }
  return out;
}

function isMap(value: unknown): value is Values {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}
