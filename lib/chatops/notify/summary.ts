import type { StatusEvent } from '../../events/index.ts';

/**
 * What every notifier says about a status event, in one shape: built from the event's fields
 * (which never carry values), so Slack, Teams and webhooks tell the same story.
 */
export interface EventSummary {
  readonly tone: 'good' | 'bad' | 'neutral';
  readonly emoji: string;
  /** One line: what happened to which release. */
  readonly headline: string;
  readonly facts: readonly { readonly title: string; readonly value: string }[];
  /** Why it failed or was refused. */
  readonly reason?: string;
  /** The revision the release could be rolled back to, and the guard for it. */
  readonly rollback?: { readonly to: number; readonly guard: number };
  readonly requestId?: string;
}

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

export function summarizeEvent(event: StatusEvent): EventSummary {
  const d = event.detail;
  const name = d.release?.name ?? 'a request';
  const rev = d.revision;
  const headline = (() => {
    switch (event.detailType) {
      case 'Release Deployed':
        return d.status === 'dry-run'
          ? `${name}: dry run of ${d.action ?? 'a change'}, nothing applied`
          : `${name} ${d.action === 'install' ? 'installed' : 'upgraded'}: revision ${rev} deployed`;
      case 'Release Rolled Back':
        return `${name} rolled back to revision ${d.rollbackTo ?? '?'}: revision ${rev} deployed`;
      case 'Release Failed':
        return `${name}: ${d.action ?? 'operation'} failed, revision ${rev ?? '?'} ${d.status}`;
      case 'Release Uninstalled':
        return `${name} uninstalled`;
      case 'Release Verified':
        return `${name}: revision ${rev ?? '?'} verified, its bake ended without trouble`;
      case 'Automation Skipped':
        return `${name}: the automation did not act: ${d.description}`;
      case 'Release Imported':
        return `${name} imported from helm: revision ${rev ?? '?'} ${d.status ?? 'recorded'}`;
      case 'Request Rejected':
        return `${d.action ?? 'a'} request for ${name} was rejected; nothing changed`;
    }
  })();
  const tone =
    event.detailType === 'Release Failed' || event.detailType === 'Request Rejected'
      ? 'bad'
      : event.detailType === 'Release Uninstalled' || event.detailType === 'Automation Skipped'
        ? 'neutral'
        : 'good';
  const emoji = { good: ':white_check_mark:', bad: ':x:', neutral: ':wastebasket:' }[tone];
  const facts: { title: string; value: string }[] = [];
  if (d.release !== undefined) {
    facts.push({ title: 'Release', value: d.release.name });
    facts.push({ title: 'Cluster / namespace', value: `${d.release.cluster} / ${d.release.namespace}` });
  }
  if (rev !== undefined)
    facts.push({
      title: 'Revision',
      value: d.previousRevision === undefined ? `${rev}` : `${d.previousRevision} → ${rev}`,
    });
  if (d.chart !== undefined)
    facts.push({
      title: 'Chart',
      value: `${d.chart.name} ${d.chart.version}${d.chart.appVersion ? ` (app ${d.chart.appVersion})` : ''}`,
    });
  if (d.requestedBy !== undefined)
    facts.push({ title: 'Asked by', value: `${d.requestedBy.principal} via ${d.requestedBy.channel}` });
  // A verified bake or a skipped reaction is a moment, not an operation: nothing took any time.
  if (event.detailType !== 'Release Verified' && event.detailType !== 'Automation Skipped')
    facts.push({ title: 'Took', value: seconds(d.timings.durationMs) });
  const failed = event.detailType === 'Release Failed' || event.detailType === 'Request Rejected';
  const reason = failed
    ? (d.error?.message ?? (d.problems?.map((p) => `${p.field}: ${p.message}`).join('; ') || d.description))
    : undefined;
  return {
    tone,
    emoji,
    headline,
    facts,
    ...(reason === undefined ? {} : { reason }),
    ...rollbackOffer(event),
    ...(d.requestId === undefined ? {} : { requestId: d.requestId }),
  };
}

/**
 * A rollback worth offering: to the revision deployed before this one, guarded by this one — unless
 * this revision already is a copy of it (an atomic rollback), or nothing was deployed before.
 */
function rollbackOffer(event: StatusEvent): { rollback?: { to: number; guard: number } } {
  const d = event.detail;
  if (d.release === undefined || d.revision === undefined || d.previousRevision === undefined) return {};
  if (
    event.detailType === 'Request Rejected' ||
    event.detailType === 'Release Uninstalled' ||
    event.detailType === 'Release Verified' ||
    event.detailType === 'Automation Skipped'
  )
    return {};
  if (d.status === 'dry-run' || d.previousRevision === d.revision || d.rollbackTo === d.previousRevision)
    return {};
  return { rollback: { to: d.previousRevision, guard: d.revision } };
}
