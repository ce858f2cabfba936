import type { Button, KnownBlock } from '@slack/types';
import type { StatusEvent } from '../../events/index.ts';
import { ACTION_IDS, encodeHistoryButton, encodeRollbackButton } from '../buttons.ts';
import { escapeMrkdwn } from '../replies.ts';
import { summarizeEvent } from './summary.ts';

/** Slack's limits on a section's text and a field's (the API refuses longer ones). */
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * A status event as a Slack message in Block Kit: what happened, where, from → to revision, chart
 * and app version, who asked and through which channel, how long it took, why it failed; buttons
 * "Roll back to N" (danger, with a confirmation dialog, guarded by this revision) and "History".
 */
export function buildSlackMessage(event: StatusEvent): { text: string; blocks: KnownBlock[] } {
  const s = summarizeEvent(event);
  const release = event.detail.release;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`${s.emoji} *${escapeMrkdwn(s.headline)}*`, SECTION_MAX) },
    },
    {
      type: 'section',
      fields: s.facts.slice(0, 10).map((fact) => ({
        type: 'mrkdwn' as const,
        text: clip(`*${fact.title}*\n${mention(fact.title, fact.value)}`, FIELD_MAX),
      })),
    },
  ];
  if (s.reason !== undefined) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*Why:* ${escapeMrkdwn(s.reason)}`, SECTION_MAX) },
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: clip(
          `${s.requestId === undefined ? '' : `request \`${escapeMrkdwn(s.requestId)}\` · `}${escapeMrkdwn(event.time)}`,
          SECTION_MAX,
        ),
      },
    ],
  });
  const buttons: Button[] = [];
  if (release !== undefined && s.rollback !== undefined) {
    buttons.push({
      type: 'button',
      action_id: ACTION_IDS.rollback,
      text: { type: 'plain_text', text: `Roll back to ${s.rollback.to}` },
      style: 'danger',
      value: encodeRollbackButton({ release, ...s.rollback }),
      confirm: {
        title: { type: 'plain_text', text: `Roll back ${clip(release.name, 80)}?` },
        text: {
          type: 'mrkdwn',
          text: `Roll *${escapeMrkdwn(release.name)}* in ${escapeMrkdwn(`${release.cluster}/${release.namespace}`)} back to revision ${s.rollback.to}? Its stored manifest is applied as a new revision. Nothing happens if another revision than ${s.rollback.guard} is the latest by then.`,
        },
        confirm: { type: 'plain_text', text: 'Roll back' },
        deny: { type: 'plain_text', text: 'Cancel' },
        style: 'danger',
      },
    });
  }
  if (release !== undefined) {
    buttons.push({
      type: 'button',
      action_id: ACTION_IDS.history,
      text: { type: 'plain_text', text: 'History' },
      value: encodeHistoryButton(release),
    });
  }
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  return { text: `${s.emoji} ${s.headline}`, blocks };
}

/** A Slack user who asked is shown as a mention (`<@U…>`); anything else as written. */
function mention(title: string, value: string): string {
  if (title !== 'Asked by') return escapeMrkdwn(value);
  const match = /^slack:([UW][A-Z0-9]+)( \(.*\))? via (.+)$/.exec(value);
  return match ? `<@${match[1]}> via ${escapeMrkdwn(match[3] as string)}` : escapeMrkdwn(value);
}
