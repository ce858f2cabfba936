import { diffLines } from 'diff';
import type { ScheduledRequest } from '../automation/index.ts';
import { formatReleaseId, type ReleaseId, type RevisionMeta } from '../domain/index.ts';
import { parseManifest } from '../engine/index.ts';
import type { ReleaseSummary } from '../store/index.ts';
import { GENERAL_USAGE, SCHEDULE_MESSAGES } from './messages.ts';

/*
 * What chat-ops answers in Slack, as mrkdwn text. Built from release metadata only: revision
 * numbers, statuses, chart names, descriptions (which never hold values), object names. A diff says
 * which objects differ and by how many lines, never what the lines hold: a manifest carries values.
 */

/** Slack's mrkdwn needs &, < and > escaped; anything else is shown as written. */
export const escapeMrkdwn = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const code = (lines: readonly string[]) => `\`\`\`\n${lines.join('\n')}\n\`\`\``;

export function helpReply(problem?: string): string {
  return `${problem === undefined ? '' : `:warning: ${escapeMrkdwn(problem)}\n`}${code(GENERAL_USAGE.split('\n'))}`;
}

export function usageReply(problem: string, usage: string): string {
  return `:warning: ${escapeMrkdwn(problem)}\nUsage:\n${code(usage.split('\n'))}\n\`/quayside help\` lists every command.`;
}

const where = (id: ReleaseId) => `${id.cluster}/${id.namespace}`;
const chartOf = (c: { name: string; version: string; appVersion?: string }) =>
  `${c.name}-${c.version}${c.appVersion ? ` (app ${c.appVersion})` : ''}`;

export function statusReply(summary: ReleaseSummary): string {
  const id = summary.release;
  const lines = [
    `*${escapeMrkdwn(id.name)}* in ${escapeMrkdwn(where(id))}: revision ${summary.latestRevision} *${summary.status}*`,
    `chart ${escapeMrkdwn(chartOf(summary.chart))} · ${escapeMrkdwn(summary.description)}`,
    summary.deployedRevision === undefined
      ? 'no revision is deployed'
      : summary.deployedRevision === summary.latestRevision
        ? `updated ${summary.updatedAt}`
        : `revision ${summary.deployedRevision} is the one deployed · updated ${summary.updatedAt}`,
  ];
  if (summary.lease !== undefined) {
    lines.push(
      `:gear: an operation is under way (request \`${escapeMrkdwn(summary.lease.requestId)}\`${summary.lease.revision === undefined ? '' : `, revision ${summary.lease.revision}`})`,
    );
  }
  return lines.join('\n');
}

/** `helm history`'s columns, newest last, in a code block. */
export function historyReply(release: ReleaseId, revisions: readonly RevisionMeta[]): string {
  const rows = [
    ['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION', 'BY'],
    ...revisions.map((r) => [
      String(r.revision),
      (r.finishedAt ?? r.startedAt).replace(/\.\d+Z$/, 'Z'),
      r.status,
      `${r.chart.name}-${r.chart.version}`,
      r.chart.appVersion ?? '',
      r.description.length > 80 ? `${r.description.slice(0, 77)}...` : r.description,
      `${r.requestedBy.principal} via ${r.requestedBy.channel}`,
    ]),
  ];
  return `History of *${escapeMrkdwn(release.name)}* in ${escapeMrkdwn(where(release))}:\n${table(rows)}`;
}

/** Rows as aligned columns in a code block. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  const lines = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd((widths[i] ?? 0) + 2))
      .join('')
      .trimEnd(),
  );
  // A code block shows text as written; only the three characters Slack escapes need it.
  return code(lines.map(escapeMrkdwn));
}

/**
 * Schedules as `quayside schedule list` shows them: the time as the zone's clocks show it and in
 * UTC, the release, the action, who made it. What a schedule sends beyond that (values) is not shown.
 */
export function scheduleListReply(input: {
  schedules: readonly ScheduledRequest[];
  /** ` for blog in prod/tools`, ` in prod`, or nothing. */
  where: string;
  /** How many were left out for want of the read right. */
  hidden: number;
}): string {
  const hidden = input.hidden > 0 ? `\n${SCHEDULE_MESSAGES.hidden(input.hidden)}` : '';
  if (input.schedules.length === 0) return `${SCHEDULE_MESSAGES.none(escapeMrkdwn(input.where))}${hidden}`;
  const rows = [
    ['SCHEDULE', 'AT', 'TIME ZONE', 'UTC', 'RELEASE', 'ACTION', 'MADE BY'],
    ...input.schedules.map((s) => [
      s.name,
      s.expression.replace(/^at\((.*)\)$/, '$1'),
      s.timezone,
      s.instant === undefined ? '-' : new Date(s.instant).toISOString().replace(/\.000Z$/, 'Z'),
      s.release === undefined ? '-' : formatReleaseId(s.release),
      s.action === undefined ? '-' : `${s.action}${s.revision === undefined ? '' : ` ${s.revision}`}`,
      s.createdBy ?? '-',
    ]),
  ];
  return `${SCHEDULE_MESSAGES.listed(input.schedules.length, escapeMrkdwn(input.where))}\n${table(rows)}${hidden}`;
}

interface ObjectChange {
  readonly object: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly lines?: number;
}

/** Which objects differ between two manifests, and by how many lines (content never shown). */
export function summarizeManifestDiff(from: string, to: string): ObjectChange[] {
  const index = (manifest: string) =>
    new Map(
      parseManifest(manifest).map((o) => [
        `${o.kind.toLowerCase()}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`,
        canonical(o),
      ]),
    );
  const a = index(from);
  const b = index(to);
  const changes: ObjectChange[] = [];
  for (const [object, text] of b) {
    const before = a.get(object);
    if (before === undefined) changes.push({ object, change: 'added' });
    else if (before !== text) {
      const lines = diffLines(before, text)
        .filter((part) => part.added || part.removed)
        .reduce((sum, part) => sum + (part.count ?? 0), 0);
      changes.push({ object, change: 'changed', lines });
    }
  }
  for (const object of a.keys()) if (!b.has(object)) changes.push({ object, change: 'removed' });
  return changes.sort((x, y) => x.object.localeCompare(y.object));
}

export function diffReply(input: {
  release: ReleaseId;
  from: RevisionMeta;
  to: RevisionMeta;
  changes: readonly ObjectChange[];
  /** Said when the diff answers "what would rolling back to N change". */
  rollbackTo?: number;
}): string {
  const { from, to } = input;
  const title =
    input.rollbackTo === undefined
      ? `*${escapeMrkdwn(input.release.name)}* revision ${from.revision} → ${to.revision}`
      : `What rolling *${escapeMrkdwn(input.release.name)}* back to ${input.rollbackTo} would change (revision ${from.revision} → ${to.revision})`;
  const chart =
    from.chart.name === to.chart.name && from.chart.version === to.chart.version
      ? `chart ${escapeMrkdwn(chartOf(to.chart))} (unchanged)`
      : `chart ${escapeMrkdwn(chartOf(from.chart))} → ${escapeMrkdwn(chartOf(to.chart))}`;
  const lines =
    input.changes.length === 0
      ? ['no object differs']
      : input.changes.map(
          (c) =>
            `${c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~'} ${c.object}${c.lines === undefined ? '' : ` (${c.lines} line${c.lines === 1 ? '' : 's'})`}`,
        );
  return `${title} in ${escapeMrkdwn(where(input.release))}\n${chart}\n${code(lines.map(escapeMrkdwn))}\nObject contents are not shown in chat (manifests carry values); \`quayside diff revision\` shows them to those who may read them.`;
}

/** A stable text of an object: keys sorted, one line per leaf, so line counts mean something. */
function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 1);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

export const releaseLabel = (id: ReleaseId) => `${id.name} (${formatReleaseId(id)})`;
