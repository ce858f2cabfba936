import semver from 'semver';
import { MissingDependencyError } from '../errors.ts';
import { CHART_MESSAGES } from '../messages.ts';
import type { Chart, ChartDependency, Values } from '../types.ts';
import { type CoalesceWarn, coalesceChartValues, coalesceTables } from './coalesce.ts';
import { copyValues, isTable, nestAtPath, pathValue, tableAt } from './table.ts';

/**
 * Copies the parts of a chart tree that dependency processing changes
 * (metadata, values, dependency lists), so a loaded chart can be rendered
 * many times.
 */
export function cloneChartTree(chart: Chart): Chart {
  return {
    ...chart,
    metadata: {
      ...chart.metadata,
      ...(chart.metadata.dependencies
        ? {
            dependencies: chart.metadata.dependencies.map((d) => ({
              ...d,
              tags: d.tags ? [...d.tags] : d.tags,
            })),
          }
        : {}),
    },
    values: copyValues(chart.values),
    dependencies: chart.dependencies.map(cloneChartTree),
  };
}

/** Throws MissingDependencyError when Chart.yaml lists a dependency that charts/ lacks. */
export function checkDependencies(chart: Chart): void {
  const present = new Set(chart.dependencies.map((d) => d.metadata.name));
  const missing = (chart.metadata.dependencies ?? []).map((d) => d.name).filter((name) => !present.has(name));
  if (missing.length > 0)
    throw new MissingDependencyError(CHART_MESSAGES.missingDependencies(missing), missing);
}

/**
 * Helm's ProcessDependenciesWithMerge on a cloned tree: applies aliases,
 * drops subcharts disabled by tags or conditions, then imports values from
 * children into parents (import-values and exports).
 */
export function processDependencies(chart: Chart, userValues: Values, warn?: CoalesceWarn): void {
  processEnabled(chart, userValues, '', warn);
  processImports(chart, warn);
}

/** Masterminds-style constraint check; an empty or unparsable constraint matches nothing. */
export function isCompatibleRange(constraint: string | undefined, version: string): boolean {
  if (!constraint) return false;
  const v = semver.valid(version) ?? semver.valid(semver.coerce(version, { includePrerelease: true }));
  if (!v) return false;
  // Masterminds/semver (Helm's) admits a pre-release version (1.29.3-eks-1) in an "or" group that
  // names a pre-release anywhere (">=1.21.0-0"), whatever its major.minor.patch; npm's semver only
  // within the same major.minor.patch. So each group is checked on its own, with that rule.
  return constraint.split('||').some((group) => {
    const range = group.replace(/,/g, ' ');
    if (semver.validRange(range) === null) return false;
    return semver.satisfies(v, range, { includePrerelease: PRE_RELEASE_IN_RANGE.test(group) });
  });
}

// A version with a pre-release part inside a constraint: digits (or x/*) then "-identifier".
const PRE_RELEASE_IN_RANGE = /[0-9xX*]-[0-9A-Za-z]/;

function processEnabled(chart: Chart, values: Values, path: string, warn?: CoalesceWarn): void {
  const reqs = chart.metadata.dependencies;
  if (!reqs) return;
  const kept: Chart[] = chart.dependencies.filter(
    (existing) =>
      !reqs.some(
        (r) => existing.metadata.name === r.name && isCompatibleRange(r.version, existing.metadata.version),
      ),
  );
  for (const req of reqs) {
    const match = chart.dependencies.find(
      (c) => c.metadata.name === req.name && isCompatibleRange(req.version, c.metadata.version),
    );
    if (match) kept.push(req.alias ? { ...match, metadata: { ...match.metadata, name: req.alias } } : match);
    if (req.alias) req.name = req.alias;
  }
  chart.dependencies = kept;
  for (const req of reqs) req.enabled = true;

  // As in Helm, a subchart's defaults are coalesced against its parent's whole values here, which
  // is where some of helm's coalesce warnings come from.
  const cvals = coalesceChartValues(chart, values, false, warn);
  applyTags(reqs, cvals);
  applyConditions(reqs, cvals, path);

  const disabled = new Set(reqs.filter((r) => !r.enabled).map((r) => r.name));
  chart.dependencies = chart.dependencies.filter((c) => !disabled.has(c.metadata.name));
  chart.metadata.dependencies = reqs.filter((r) => !disabled.has(r.name));
  for (const sub of chart.dependencies) processEnabled(sub, cvals, `${path}${sub.metadata.name}.`, warn);
}

function applyTags(reqs: ChartDependency[], cvals: Values): void {
  const tags = tableAt(cvals, 'tags');
  if (!tags) return;
  for (const req of reqs) {
    let hasTrue = false;
    let hasFalse = false;
    for (const tag of req.tags ?? []) {
      const value = tags[tag];
      if (value === true) hasTrue = true;
      else if (value === false) hasFalse = true;
    }
    if (!hasTrue && hasFalse) req.enabled = false;
    else req.enabled = true;
  }
}

function applyConditions(reqs: ChartDependency[], cvals: Values, path: string): void {
  for (const req of reqs) {
    for (const condition of (req.condition ?? '').trim().split(',')) {
      if (condition.length === 0) continue;
      const value = pathValue(cvals, path + condition);
      // The first condition that resolves to a boolean decides; others are skipped.
      if (typeof value === 'boolean') {
        req.enabled = value;
        break;
      }
    }
  }
}

function processImports(chart: Chart, warn?: CoalesceWarn): void {
  for (const sub of chart.dependencies) processImports(sub, warn);
  const reqs = chart.metadata.dependencies;
  if (!reqs) return;
  const cvals = coalesceChartValues(chart, {}, true, warn);
  let imported: Values = {};
  for (const req of reqs) {
    const normalized: unknown[] = [];
    for (const iv of req['import-values'] ?? []) {
      if (isTable(iv)) {
        const child = String(iv.child ?? '<nil>');
        const parent = String(iv.parent ?? '<nil>');
        normalized.push({ child, parent });
        const table = tableAt(cvals, `${req.name}.${child}`);
        if (table) imported = coalesceTables(imported, nestAtPath(parent, copyValues(table)), true, warn);
      } else if (typeof iv === 'string') {
        const child = `exports.${iv}`;
        normalized.push({ child, parent: '.' });
        const table = tableAt(cvals, `${req.name}.${child}`);
        if (table) imported = coalesceTables(imported, copyValues(table), true, warn);
      }
    }
    if (req['import-values']) req['import-values'] = normalized;
  }
  // Imported values rank below the parent's own, so a parent can import a
  // section and override parts of it.
  chart.values = coalesceTables(copyValues(cvals), imported, true, warn);
}
