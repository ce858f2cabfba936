import type { StatusEvent } from '../../events/index.ts';
import { summarizeEvent } from './summary.ts';

/**
 * A status event as a Microsoft Teams message for a Workflows webhook ("When a Teams webhook request
 * is received" → post card): one Adaptive Card 1.4 attachment, the same facts as the Slack message.
 */
export function buildTeamsMessage(event: StatusEvent): Record<string, unknown> {
  const s = summarizeEvent(event);
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: s.headline,
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
      color: s.tone === 'bad' ? 'Attention' : s.tone === 'good' ? 'Good' : 'Default',
    },
    { type: 'FactSet', facts: s.facts.map((f) => ({ title: f.title, value: f.value })) },
  ];
  if (s.reason !== undefined)
    body.push({ type: 'TextBlock', text: `Why: ${s.reason}`, wrap: true, color: 'Attention' });
  body.push({
    type: 'TextBlock',
    text: `${s.requestId === undefined ? '' : `request ${s.requestId} · `}${event.time}`,
    isSubtle: true,
    size: 'Small',
    wrap: true,
  });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
        },
      },
    ],
  };
}
