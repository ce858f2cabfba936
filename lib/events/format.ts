import { formatReleaseId } from '../domain/index.ts';
import type { StatusEvent } from './types.ts';

/**
 * One line for a person watching the local stack:
 * `12:00:01 Release Deployed local/tools/blog rev 2 (ghost-1.24.9) Upgrade complete`.
 * The time is UTC, to match the JSON form and the store.
 */
export function formatEventLine(event: StatusEvent): string {
  const { detail } = event;
  const parts = [event.time.slice(11, 19), event.detailType];
  if (detail.release) parts.push(formatReleaseId(detail.release));
  else if (detail.messageId) parts.push(`message ${detail.messageId}`);
  if (detail.revision !== undefined) parts.push(`rev ${detail.revision}`);
  if (detail.chart) parts.push(`(${detail.chart.name}-${detail.chart.version})`);
  if (detail.status === 'dry-run') parts.push('[dry run]');
  if (event.detailType === 'Request Rejected' && detail.requestId) parts.push(`request ${detail.requestId}:`);
  parts.push(detail.description);
  // A schedule's run says which schedule sent it and what it replaced (alarm causes are in the description).
  const automation = detail.automation;
  if (automation?.cause === 'schedule') {
    parts.push(
      `(schedule ${automation.schedule ?? '?'} made by ${automation.createdBy ?? '?'}: ${automation.reason})`,
    );
  }
  return parts.join(' ');
}
