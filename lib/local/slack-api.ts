import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A loopback stand-in for Slack's Web API, speaking its wire format: POST /api/<method> with a
 * form-urlencoded (or JSON) body, the bot token as `Authorization: Bearer`, HTTP 200 with
 * `{"ok": true, …}` or `{"ok": false, "error": "…"}`. The real @slack/web-api client is pointed at it
 * (its slackApiUrl option). It checks what Slack checks for the methods quayside calls — the token,
 * the channel, text or blocks, Block Kit's limits — and keeps every message, so the local stack can
 * print what would have been posted and tests can read it.
 */

export interface SlackPost {
  readonly method: 'chat.postMessage' | 'chat.postEphemeral';
  readonly channel: string;
  readonly text: string;
  readonly blocks?: readonly Record<string, unknown>[];
  readonly threadTs?: string;
  readonly broadcast: boolean;
  /** chat.postEphemeral: the only user who sees it. */
  readonly user?: string;
  readonly ts: string;
}

export interface SlackUserGroup {
  readonly id: string;
  readonly handle: string;
  readonly users: readonly string[];
}

export interface SlackApiStubOptions {
  /** The bot token it accepts. */
  readonly token: string;
  /** Channel ids and names (`C0DEPLOYS: 'deploys'`). */
  readonly channels: Readonly<Record<string, string>>;
  readonly userGroups?: readonly SlackUserGroup[];
  readonly onPost?: (post: SlackPost) => void;
}

export interface SlackApiStub {
  /** For WebClient's slackApiUrl. */
  readonly url: string;
  readonly posts: SlackPost[];
  /** Every method called, in order. */
  readonly calls: string[];
  /** Requests Slack would refuse (bad token, bad blocks…); tests expect none. */
  readonly violations: string[];
  /** Answer the next `count` calls with HTTP 429 and Retry-After: 1, as Slack rate-limits. */
  rateLimitNext(count: number): void;
  close(): Promise<void>;
}

const BOT_USER = 'UQUAYSIDEBOT';

export async function startSlackApiStub(options: SlackApiStubOptions): Promise<SlackApiStub> {
  const posts: SlackPost[] = [];
  const calls: string[] = [];
  const violations: string[] = [];
  let seq = 0;
  let limited = 0;
  const nextTs = () => {
    seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`;
  };
  const server = createServer((request, response) => {
    void readBody(request).then((raw) => {
      const answer = (body: Record<string, unknown>) => {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(body));
      };
      const fail = (error: string, why: string, extra: Record<string, unknown> = {}) => {
        violations.push(`${method}: ${error} (${why})`);
        answer({ ok: false, error, ...extra });
      };
      const method = (request.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      calls.push(method);
      if (request.method !== 'POST') return fail('invalid_request', `${request.method}`);
      if (limited > 0) {
        limited -= 1;
        response.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      const args = parseArgs(request.headers['content-type'] ?? '', raw);
      if (args === undefined) return fail('invalid_form_data', 'the body is neither form data nor JSON');
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
      if (token === undefined) return fail('not_authed', 'no token');
      if (token !== options.token) return fail('invalid_auth', 'a token the workspace does not know');
      switch (method) {
        case 'auth.test':
          return answer({
            ok: true,
            url: 'https://quayside-local.slack.com/',
            team: 'quayside (local)',
            user: 'quayside',
            team_id: 'T0LOCAL',
            user_id: BOT_USER,
            bot_id: 'B0LOCAL',
          });
        case 'usergroups.list':
          return answer({
            ok: true,
            usergroups: (options.userGroups ?? []).map((g) => ({
              id: g.id,
              team_id: 'T0LOCAL',
              handle: g.handle,
              name: g.handle,
              ...(args.include_users === true || args.include_users === 'true' ? { users: g.users } : {}),
            })),
          });
        case 'chat.postMessage':
        case 'chat.postEphemeral': {
          const channel = String(args.channel ?? '');
          if (!(channel in options.channels)) return fail('channel_not_found', channel);
          if (method === 'chat.postEphemeral' && typeof args.user !== 'string')
            return fail('user_not_found', 'no user');
          let blocks: Record<string, unknown>[] | undefined;
          if (args.blocks !== undefined) {
            try {
              blocks =
                typeof args.blocks === 'string'
                  ? JSON.parse(args.blocks)
                  : (args.blocks as Record<string, unknown>[]);
            } catch {
              return fail('invalid_blocks_format', 'blocks is not JSON');
            }
            const problems = checkBlocks(blocks);
            if (problems.length > 0)
              return fail('invalid_blocks', problems.join('; '), {
                response_metadata: { messages: problems },
              });
          }
          const text = typeof args.text === 'string' ? args.text : '';
          if (text === '' && blocks === undefined) return fail('no_text', 'neither text nor blocks');
          const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
          if (
            threadTs !== undefined &&
            !posts.some((p) => p.ts === threadTs && p.threadTs === undefined && p.channel === channel)
          ) {
            violations.push(`${method}: thread_ts ${threadTs} names no message of ${channel}`);
          }
          const ts = nextTs();
          const post: SlackPost = {
            method,
            channel,
            text,
            ...(blocks === undefined ? {} : { blocks }),
            ...(threadTs === undefined ? {} : { threadTs }),
            broadcast: args.reply_broadcast === true || args.reply_broadcast === 'true',
            ...(method === 'chat.postEphemeral' ? { user: args.user as string } : {}),
            ts,
          };
          posts.push(post);
          options.onPost?.(post);
          if (method === 'chat.postEphemeral') return answer({ ok: true, message_ts: ts });
          return answer({
            ok: true,
            channel,
            ts,
            message: {
              type: 'message',
              user: BOT_USER,
              text,
              ts,
              ...(blocks === undefined ? {} : { blocks }),
              ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
            },
          });
        }
        default:
          return fail('unknown_method', method);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    posts,
    calls,
    violations,
    rateLimitNext: (count) => {
      limited = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseArgs(contentType: string, raw: string): Record<string, unknown> | undefined {
  if (contentType.startsWith('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  if (contentType.startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(raw));
  return undefined;
}

type Json = Record<string, unknown>;
const plainText = (value: unknown, max: number, where: string, problems: string[]) => {
  const text = value as Json | undefined;
  if (
    text?.type !== 'plain_text' ||
    typeof text.text !== 'string' ||
    text.text.length === 0 ||
    text.text.length > max
  )
    problems.push(`${where} must be plain_text of 1-${max} characters`);
};
const textObject = (value: unknown, max: number, where: string, problems: string[]) => {
  const text = value as Json | undefined;
  if (
    (text?.type !== 'plain_text' && text?.type !== 'mrkdwn') ||
    typeof text.text !== 'string' ||
    text.text.length === 0 ||
    text.text.length > max
  )
    problems.push(`${where} must be a text object of 1-${max} characters`);
};

/** Block Kit's rules for the blocks quayside sends (section, context, actions with buttons, header, divider). */
function checkBlocks(blocks: unknown): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  if (blocks.length > 50) problems.push('at most 50 blocks');
  const actionIds = new Set<string>();
  blocks.forEach((block: Json, i) => {
    const at = `blocks[${i}]`;
    switch (block.type) {
      case 'divider':
        break;
      case 'header':
        plainText(block.text, 150, `${at}.text`, problems);
        break;
      case 'section': {
        if (block.text === undefined && block.fields === undefined)
          problems.push(`${at} needs text or fields`);
        if (block.text !== undefined) textObject(block.text, 3000, `${at}.text`, problems);
        const fields = block.fields as unknown[] | undefined;
        if (fields !== undefined) {
          if (!Array.isArray(fields) || fields.length > 10) problems.push(`${at}.fields: at most 10`);
          else for (const [j, f] of fields.entries()) textObject(f, 2000, `${at}.fields[${j}]`, problems);
        }
        break;
      }
      case 'context': {
        const elements = block.elements as unknown[];
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10)
          problems.push(`${at}.elements: 1-10`);
        else for (const [j, e] of elements.entries()) textObject(e, 3000, `${at}.elements[${j}]`, problems);
        break;
      }
      case 'actions': {
        const elements = block.elements as Json[];
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) {
          problems.push(`${at}.elements: 1-25`);
          break;
        }
        for (const [j, e] of elements.entries()) {
          const where = `${at}.elements[${j}]`;
          if (e.type !== 'button') {
            problems.push(`${where}: only buttons are expected`);
            continue;
          }
          plainText(e.text, 75, `${where}.text`, problems);
          const id = e.action_id;
          if (typeof id !== 'string' || id.length > 255)
            problems.push(`${where}.action_id: 1-255 characters`);
          else if (actionIds.has(id)) problems.push(`${where}.action_id ${id} is not unique`);
          else actionIds.add(id);
          if (e.value !== undefined && (typeof e.value !== 'string' || e.value.length > 2000))
            problems.push(`${where}.value: at most 2000 characters`);
          if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger')
            problems.push(`${where}.style`);
          const confirm = e.confirm as Json | undefined;
          if (confirm !== undefined) {
            plainText(confirm.title, 100, `${where}.confirm.title`, problems);
            textObject(confirm.text, 300, `${where}.confirm.text`, problems);
            plainText(confirm.confirm, 30, `${where}.confirm.confirm`, problems);
            plainText(confirm.deny, 30, `${where}.confirm.deny`, problems);
          }
        }
        break;
      }
      default:
        problems.push(`${at}: unexpected block type ${String(block.type)}`);
    }
  });
  return problems;
}

/** A post as a few terminal lines: where it goes, its text and fields, its buttons. */
export function renderSlackPost(post: SlackPost, channels: Readonly<Record<string, string>>): string {
  const where = `#${channels[post.channel] ?? post.channel}`;
  const to =
    post.method === 'chat.postEphemeral'
      ? `${where}, only to ${post.user}`
      : post.threadTs === undefined
        ? `${where}, new thread`
        : `${where}, in thread ${post.threadTs}${post.broadcast ? ' and the channel' : ''}`;
  const lines: string[] = [];
  const strip = (text: string) =>
    text
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/<@([A-Z0-9]+)>/g, '@$1')
      .replace(/\*/g, '')
      .replace(/\n/g, ': ');
  for (const block of (post.blocks ?? []) as Json[]) {
    if (block.type === 'section' && block.text !== undefined)
      lines.push(strip(String((block.text as Json).text)));
    if (block.type === 'section' && Array.isArray(block.fields))
      lines.push((block.fields as Json[]).map((f) => strip(String(f.text))).join(' · '));
    if (block.type === 'context')
      lines.push((block.elements as Json[]).map((e) => strip(String(e.text))).join(' '));
    if (block.type === 'actions')
      lines.push(
        (block.elements as Json[])
          .map(
            (e) =>
              `[${String((e.text as Json).text)}]${e.style === 'danger' ? ' (danger' : ''}${e.confirm ? `${e.style === 'danger' ? ', ' : ' ('}asks to confirm)` : e.style === 'danger' ? ')' : ''}`,
          )
          .join(' '),
      );
  }
  if (lines.length === 0) lines.push(...post.text.split('\n').map(strip));
  return [`slack → ${to}`, ...lines.map((line) => `  ${line}`)].join('\n');
}
