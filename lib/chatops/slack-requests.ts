import { randomBytes } from 'node:crypto';
import { SLASH } from './messages.ts';
import { SLACK_HEADERS, signSlackRequest } from './verify.ts';

/*
 * Requests as Slack sends them to an app's request URL: a slash command's or a button click's form
 * body and the v0 signature headers. `quayside chat`, the local demo, the benchmark and the tests
 * use them; the endpoint never does (it only verifies).
 */

/** Slack's user id for a local user name: `alice` → `UALICE` (the local stack's convention). */
export const localUserId = (name: string) => `U${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;

export interface SlackUser {
  readonly id: string;
  readonly name: string;
}

/** The form body of a slash command, with the fields Slack sends. */
export function slashCommandBody(input: {
  text: string;
  user: SlackUser;
  channel: string;
  teamId?: string;
}): string {
  const text = input.text.replace(new RegExp(`^\\s*${SLASH}\\b\\s*`), '');
  const trigger = `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`;
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: input.teamId ?? 'T0LOCAL',
    team_domain: 'quayside-local',
    channel_id: input.channel,
    channel_name: 'deploys',
    user_id: input.user.id,
    user_name: input.user.name,
    command: SLASH,
    text,
    api_app_id: 'A0QUAYSIDE',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T0LOCAL/1/local',
    trigger_id: trigger,
  }).toString();
}

/** The form body of a button click (`block_actions`), carrying the button's action id and value. */
export function blockActionBody(input: {
  user: SlackUser;
  channel: string;
  actionId: string;
  value: string;
  messageTs?: string;
  threadTs?: string;
  teamId?: string;
}): string {
  const payload = {
    type: 'block_actions',
    user: {
      id: input.user.id,
      username: input.user.name,
      name: input.user.name,
      team_id: input.teamId ?? 'T0LOCAL',
    },
    api_app_id: 'A0QUAYSIDE',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      channel_id: input.channel,
      is_ephemeral: false,
      ...(input.messageTs === undefined ? {} : { message_ts: input.messageTs }),
      ...(input.threadTs === undefined ? {} : { thread_ts: input.threadTs }),
    },
    trigger_id: `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`,
    team: { id: input.teamId ?? 'T0LOCAL', domain: 'quayside-local' },
    channel: { id: input.channel, name: 'deploys' },
    response_url: 'https://hooks.slack.com/actions/T0LOCAL/1/local',
    actions: [
      {
        action_id: input.actionId,
        block_id: 'actions',
        value: input.value,
        type: 'button',
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The headers Slack sends with a body: content type, timestamp and v0 signature. */
export function slackHeaders(
  signingSecret: string,
  body: string,
  nowSeconds: number,
): Record<string, string> {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    [SLACK_HEADERS.timestamp]: String(nowSeconds),
    [SLACK_HEADERS.signature]: signSlackRequest(signingSecret, nowSeconds, body),
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
}

/** POSTs a body with its headers to the chat endpoint; the status and the reply's text. */
export async function postToChat(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string; json?: { response_type?: string; text?: string } }> {
  const response = await fetch(url, { method: 'POST', headers, body });
  const raw = await response.text();
  if ((response.headers.get('content-type') ?? '').startsWith('application/json')) {
    const json = JSON.parse(raw) as { response_type?: string; text?: string };
    return { status: response.status, text: json.text ?? '', json };
  }
  return { status: response.status, text: raw };
}
