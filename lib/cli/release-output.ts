import type { ChartRef, HookRecord, RevisionMeta } from '../domain/index.ts';
import type { ReleaseStatusView } from '../engine/index.ts';
import type { ResourceGroup } from '../kube/index.ts';
import { type BakeRecord, type ReleaseSummary, summarizeBake } from '../store/index.ts';
import { formatAnsic, formatGoTime, formatTable } from './format.ts';

/** `name-version`, as helm's formatChartname. */
export function chartName(chart: ChartRef): string {
  return `${chart.name}-${chart.version}`;
}

/** helm history -o json|yaml: one element per revision; `bake` only on revisions the automation baked. */
export function historyData(revisions: readonly RevisionMeta[], bakes: readonly BakeRecord[] = []) {
  const bakeOf = new Map(bakes.map((b) => [b.revision, b]));
  return revisions.map((r) => {
    const bake = bakeOf.get(r.revision);
    return {
      revision: r.revision,
      updated: r.lastDeployed ?? r.finishedAt ?? r.startedAt,
      status: r.status,
      chart: chartName(r.chart),
      app_version: r.chart.appVersion ?? '',
      description: r.description,
      ...(bake === undefined ? {} : { bake: { state: bake.state, summary: summarizeBake(bake) } }),
    };
  });
}

/** helm's history table; with bakes, a BAKE column after helm's (verified, baking, failed…). */
export function historyTable(revisions: readonly RevisionMeta[], bakes: readonly BakeRecord[] = []): string {
  const withBakes = bakes.some((b) => revisions.some((r) => r.revision === b.revision));
  return formatTable([
    ['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION', ...(withBakes ? ['BAKE'] : [])],
    ...historyData(revisions, bakes).map((r) => [
      r.revision,
      formatAnsic(r.updated),
      r.status,
      r.chart,
      r.app_version,
      r.description,
      ...(withBakes ? [r.bake?.summary ?? ''] : []),
    ]),
  ]);
}

/** helm list -o json|yaml: revision is a string there, as in helm. */
export function listData(releases: readonly ReleaseSummary[]) {
  return releases.map((r) => ({
    name: r.release.name,
    namespace: r.release.namespace,
    revision: String(r.latestRevision),
    updated: formatGoTime(r.updatedAt),
    status: r.status,
    chart: chartName(r.chart),
    app_version: r.chart.appVersion ?? '',
  }));
}

/** helm list's table; `headers: false` is --no-headers (columns are then as wide as the data). */
export function listTable(rows: ReturnType<typeof listData>, options: { headers?: boolean } = {}): string {
  const header = ['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION'];
  return formatTable([
    ...(options.headers === false ? [] : [header]),
    ...rows.map((r) => [r.name, r.namespace, r.revision, r.updated, r.status, r.chart, r.app_version]),
  ]);
}

/** helm status -o json|yaml: the release's info block (values and manifest are under `get`). */
export function statusData(view: ReleaseStatusView) {
  const { revision, summary } = view;
  return {
    name: revision.release.name,
    info: {
      first_deployed: summary.firstDeployed ?? revision.firstDeployed ?? '',
      last_deployed: revision.lastDeployed ?? revision.finishedAt ?? revision.startedAt,
      deleted: revision.status === 'uninstalled' ? (revision.finishedAt ?? '') : '',
      description: revision.description,
      status: revision.status,
      notes: view.notes,
    },
    chart: {
      name: revision.chart.name,
      version: revision.chart.version,
      app_version: revision.chart.appVersion ?? '',
    },
    version: revision.revision,
    namespace: revision.release.namespace,
  };
}

/**
 * helm 4 `status -o json|yaml`: the release record without its chart (helm strips it), with the
 * user-supplied values (`config`, as `get values` prints them) and the manifest; `deleted`, `notes`
 * and `config` only when set, as helm's omitempty fields.
 */
export function statusReadData(view: ReleaseStatusView, manifest: string, config: Record<string, unknown>) {
  const { revision, summary } = view;
  const deleted = revision.status === 'uninstalled' ? revision.finishedAt : undefined;
  return {
    name: revision.release.name,
    info: {
      first_deployed: summary.firstDeployed ?? revision.firstDeployed ?? revision.startedAt,
      last_deployed: revision.lastDeployed ?? revision.finishedAt ?? revision.startedAt,
      ...(deleted === undefined ? {} : { deleted }),
      description: revision.description,
      status: revision.status,
      ...(view.notes === '' ? {} : { notes: view.notes }),
    },
    ...(Object.keys(config).length === 0 ? {} : { config }),
    manifest,
    version: revision.revision,
    namespace: revision.release.namespace,
    // quayside always applies server-side.
    apply_method: 'ssa',
  };
}

/**
 * The status block helm prints after install, upgrade and for `status`; `showChart` adds the chart's
 * name, version and app version after the revision, as `helm get all` does.
 */
export function statusText(
  view: ReleaseStatusView,
  tests?: readonly HookRecord[],
  options: { showChart?: boolean; resources?: string } = {},
): string {
  const { revision } = view;
  const lines = [`NAME: ${revision.release.name}`];
  const deployed = revision.lastDeployed ?? revision.finishedAt;
  if (deployed) lines.push(`LAST DEPLOYED: ${formatAnsic(deployed)}`);
  lines.push(
    `NAMESPACE: ${revision.release.namespace}`,
    `STATUS: ${revision.status}`,
    `REVISION: ${revision.revision}`,
  );
  if (options.showChart) {
    lines.push(
      `CHART: ${revision.chart.name}`,
      `VERSION: ${revision.chart.version}`,
      `APP_VERSION: ${revision.chart.appVersion ?? ''}`,
    );
  }
  lines.push(`DESCRIPTION: ${revision.description}`);
  if (options.resources !== undefined) lines.push(`RESOURCES:\n${options.resources}`);
  const ran = (tests ?? []).filter((t) => t.lastRun?.startedAt);
  if (ran.length === 0) lines.push('TEST SUITE: None');
  for (const test of ran) {
    lines.push(
      `TEST SUITE:     ${test.name}`,
      `Last Started:   ${formatAnsic(test.lastRun?.startedAt)}`,
      `Last Completed: ${formatAnsic(test.lastRun?.completedAt)}`,
      `Phase:          ${test.lastRun?.phase ?? ''}`,
    );
  }
  if (view.notes.trim() !== '') lines.push('NOTES:', view.notes.trim());
  return `${lines.join('\n')}\n`;
}

/** Hooks as `helm get hooks` prints them. */
export function hooksText(hooks: readonly HookRecord[]): string {
  return hooks.map((h) => `---\n# Source: ${h.path}\n${h.manifest.trimEnd()}\n`).join('');
}

/**
 * The RESOURCES block of `helm status`: per group `==> v1/Kind`, each server Table printed as
 * kubectl prints it (priority-0 columns, upper-case headers written again only when the columns
 * change, cells padded to the widest plus three spaces, at least six, the last column unpadded),
 * and an empty line after each group.
 */
export function resourcesText(groups: readonly ResourceGroup[]): string {
  let lastColumns = '';
  let out = '';
  for (const group of groups) {
    out += `==> ${group.key}\n`;
    for (const table of group.tables) {
      const definitions = table.columnDefinitions ?? [];
      const shown = definitions.flatMap((column, index) => ((column.priority ?? 0) === 0 ? [index] : []));
      const rows = (table.rows ?? []).map((row) => shown.map((i) => String(row.cells?.[i] ?? '<none>')));
      const key = JSON.stringify(definitions);
      const header = key !== lastColumns && definitions.length > 0;
      if (definitions.length > 0) lastColumns = key;
      const lines = header ? [shown.map((i) => (definitions[i]?.name ?? '').toUpperCase()), ...rows] : rows;
      out += kubectlColumns(lines);
    }
    out += '\n';
  }
  return out;
}

function kubectlColumns(lines: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const line of lines) {
    for (const [i, cell] of line.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length + 3, 6);
  }
  return lines
    .map(
      (line) =>
        `${line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('')}\n`,
    )
    .join('');
}
