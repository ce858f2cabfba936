import * as z from 'zod';
import { QuaysideError, ValidationError } from '../domain/index.ts';
import { readHistory } from '../engine/index.ts';
import { type StoreDriver, StoreUnavailableError } from '../store/index.ts';
import { ACTION_IDS, decodeButton } from './buttons.ts';
import { authorize, type CommandContext, type CommandDeps, rollback, runCommand } from './commands.ts';
import {
  AccessDeniedError,
  ChatSecretError,
  ChatUsageError,
  SlackVerificationError,
  StaleButtonError,
  type VerificationFailure,
} from './errors.ts';
import { CHAT_MESSAGES, SLASH } from './messages.ts';
import { parseCommand } from './parse.ts';
import { acceptOnce } from './replay.ts';
import { escapeMrkdwn, historyReply, usageReply } from './replies.ts';
import { runSchedule } from './schedule.ts';
import type { SlackPort } from './slack.ts';
import { verifySlackRequest } from './verify.ts';

/** An HTTP request as the Function URL delivered it, the body already decoded to its raw bytes. */
export interface ChatHttpRequest {
  readonly method: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly rawBody: Buffer;
}

export interface ChatHttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The Slack app's secrets: the signing secret verifies requests, the bot token calls the Web API. */
export interface SlackSecrets {
  readonly signingSecret: string;
  readonly botToken: string;
}

/** What the log says about each request (never its text: a --set value may hold a secret). */
export interface ChatRequestLog {
  readonly kind: 'slash' | 'interaction';
  readonly user: string;
  readonly channel: string;
  readonly command?: string;
  readonly outcome: 'answered' | 'queued' | 'scheduled' | 'cancelled' | 'refused' | 'usage' | 'failed';
  readonly reason?: string;
}

export interface EndpointDeps extends CommandDeps {
  /** Where replay records are written. */
  readonly driver: StoreDriver;
  readonly secrets: () => Promise<SlackSecrets>;
  /** The Web API client, made once with the bot token. */
  readonly slack: () => Promise<SlackPort>;
  /** When set, requests from any other Slack workspace are refused. */
  readonly teamId?: string;
  readonly onRefused?: (reason: VerificationFailure) => void;
  readonly onRequest?: (entry: ChatRequestLog) => void;
  readonly onUnexpectedError?: (error: unknown, id: string) => void;
}

const USER_ID = /^[UW][A-Z0-9]{2,31}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,31}$/;

const slashForm = z.object({
  command: z.string(),
  text: z.string().max(4000),
  user_id: z.string().regex(USER_ID),
  user_name: z.string().max(256).optional(),
  channel_id: z.string().regex(CHANNEL_ID),
  team_id: z.string().max(64).optional(),
});

const interaction = z.object({
  type: z.literal('block_actions'),
  user: z.object({
    id: z.string().regex(USER_ID),
    username: z.string().optional(),
    name: z.string().optional(),
  }),
  team: z.object({ id: z.string() }).nullable().optional(),
  channel: z.object({ id: z.string().regex(CHANNEL_ID) }),
  container: z.object({ thread_ts: z.string().optional(), message_ts: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().max(2000).optional() })).min(1),
});

/**
 * The chat endpoint: Slack slash commands and button clicks. The caller is verified first (Slack's
 * v0 signature over the raw body, a timestamp within five minutes, each signed request accepted
 * once), before anything in the body is read; then the command is parsed, authorized (default deny)
 * and answered or enqueued, well within Slack's three seconds.
 */
export function createChatEndpoint(
  deps: EndpointDeps,
): (request: ChatHttpRequest) => Promise<ChatHttpResponse> {
  return async (request) => {
    if (request.method !== 'POST') return plain(405, CHAT_MESSAGES.methodNotAllowed);
    let secrets: SlackSecrets;
    try {
      secrets = await deps.secrets();
    } catch (error) {
      if (!(error instanceof ChatSecretError)) throw error;
      deps.onUnexpectedError?.(error, 'secrets');
      return plain(500, CHAT_MESSAGES.notConfigured);
    }
    try {
      const verified = verifySlackRequest({
        headers: request.headers,
        rawBody: request.rawBody,
        signingSecret: secrets.signingSecret,
        clock: deps.clock,
      });
      await acceptOnce(deps.driver, verified);
    } catch (error) {
      if (!(error instanceof SlackVerificationError)) return failure(deps, error);
      deps.onRefused?.(error.reason);
      return plain(401, error.message);
    }
    // Verified: from here on the body is Slack's.
    if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      return plain(415, CHAT_MESSAGES.unsupportedContentType);
    const form = Object.fromEntries(new URLSearchParams(request.rawBody.toString('utf8')));
    if (form.payload !== undefined) return handleInteraction(deps, form.payload);
    return handleSlash(deps, form);
  };
}

async function handleSlash(deps: EndpointDeps, form: Record<string, string>): Promise<ChatHttpResponse> {
  const parsed = slashForm.safeParse(form);
  if (!parsed.success) return plain(400, CHAT_MESSAGES.unknownPayload);
  const slash = parsed.data;
  if (deps.teamId !== undefined && slash.team_id !== deps.teamId) return plain(403, CHAT_MESSAGES.wrongTeam);
  const ctx = contextOf(slash.user_id, slash.user_name, slash.channel_id);
  const log = (outcome: ChatRequestLog['outcome'], command?: string, reason?: string) =>
    deps.onRequest?.({
      kind: 'slash',
      user: ctx.caller.subject,
      channel: ctx.channel,
      ...(command === undefined ? {} : { command }),
      outcome,
      ...(reason === undefined ? {} : { reason }),
    });
  let command: ReturnType<typeof parseCommand>;
  try {
    command = parseCommand(slash.text);
  } catch (error) {
    if (!(error instanceof ChatUsageError)) throw error;
    log('usage', undefined, error.constructor.name);
    return ephemeral(usageReply(error.message, error.usage));
  }
  try {
    if (command.kind === 'schedule') {
      const text = await runSchedule(deps, ctx, command);
      const outcome =
        command.verb === 'list' ? 'answered' : command.verb === 'cancel' ? 'cancelled' : 'scheduled';
      log(outcome, `schedule ${command.verb}`);
      return ephemeral(text);
    }
    const text = await runCommand(deps, ctx, command);
    const queued = ['upgrade', 'install', 'rollback'].includes(command.kind);
    log(queued ? 'queued' : 'answered', command.kind);
    return ephemeral(text);
  } catch (error) {
    const reply = replyForError(deps, error);
    log(
      error instanceof AccessDeniedError ? 'refused' : reply.failed ? 'failed' : 'usage',
      command.kind === 'schedule' ? `schedule ${command.verb}` : command.kind,
      (error as Error).name,
    );
    return ephemeral(reply.text);
  }
}

async function handleInteraction(deps: EndpointDeps, payloadText: string): Promise<ChatHttpResponse> {
  let json: unknown;
  try {
    json = JSON.parse(payloadText);
  } catch {
    return plain(400, CHAT_MESSAGES.unknownPayload);
  }
  const parsed = interaction.safeParse(json);
  if (!parsed.success) return plain(400, CHAT_MESSAGES.unknownPayload);
  const payload = parsed.data;
  if (deps.teamId !== undefined && payload.team?.id !== deps.teamId)
    return plain(403, CHAT_MESSAGES.wrongTeam);
  const ctx = contextOf(payload.user.id, payload.user.username ?? payload.user.name, payload.channel.id);
  const action = payload.actions[0] as { action_id: string; value?: string };
  const button = decodeButton(action.action_id, action.value);
  let text: string;
  let outcome: ChatRequestLog['outcome'] = 'answered';
  try {
    if (button === undefined) {
      outcome = 'usage';
      text = CHAT_MESSAGES.unknownAction;
    } else if (button.kind === 'history') {
      await authorize(deps, ctx.caller, 'read', button.release);
      text = historyReply(button.release, await readHistory(deps.store, button.release, 10));
    } else {
      const { release, to, guard } = button.button;
      await authorize(deps, ctx.caller, 'rollback', release);
      const summary = await deps.store.getRelease(release);
      if (summary === undefined) text = CHAT_MESSAGES.releaseGone(release.name);
      else if (summary.latestRevision !== guard) {
        const flags = `-n ${release.namespace} --cluster ${release.cluster}`;
        throw new StaleButtonError(
          guard,
          summary.latestRevision,
          CHAT_MESSAGES.staleButton({
            release: release.name,
            guard,
            latest: summary.latestRevision,
            to,
            command: `${SLASH} rollback ${release.name} ${to} ${flags}`,
          }),
        );
      } else {
        text = await rollback(deps, ctx, { release, revision: to, guard });
        outcome = 'queued';
      }
    }
  } catch (error) {
    const reply = replyForError(deps, error);
    text = reply.text;
    outcome =
      error instanceof AccessDeniedError || error instanceof StaleButtonError
        ? 'refused'
        : reply.failed
          ? 'failed'
          : 'usage';
  }
  deps.onRequest?.({
    kind: 'interaction',
    user: ctx.caller.subject,
    channel: ctx.channel,
    command:
      action.action_id === ACTION_IDS.rollback
        ? 'rollback-button'
        : action.action_id === ACTION_IDS.history
          ? 'history-button'
          : 'unknown-button',
    outcome,
  });
  // Slack ignores the body of an answer to a click: the reply goes through the Web API.
  try {
    const slack = await deps.slack();
    await slack.postEphemeral({
      channel: ctx.channel,
      user: ctx.caller.userId,
      text,
      ...(payload.container?.thread_ts === undefined ? {} : { threadTs: payload.container.thread_ts }),
    });
  } catch (error) {
    deps.onUnexpectedError?.(error, 'postEphemeral');
  }
  return { statusCode: 200, headers: {}, body: '' };
}

function contextOf(userId: string, name: string | undefined, channel: string): CommandContext {
  // The name is for people only (history's "who asked"); decisions use the id.
  const clean = (name ?? '').replace(/[^A-Za-z0-9._-]/g, '').slice(0, 80) || userId;
  return { caller: { subject: `slack:${userId}`, userId, name: clean }, channel };
}

/** The reply for anything a command threw: a clear sentence, never a stack. */
function replyForError(deps: EndpointDeps, error: unknown): { text: string; failed: boolean } {
  if (error instanceof ChatUsageError) return { text: usageReply(error.message, error.usage), failed: false };
  if (error instanceof AccessDeniedError || error instanceof StaleButtonError)
    return { text: error.message, failed: false };
  if (error instanceof ValidationError) {
    const problems = error.problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    return { text: `:warning: ${escapeMrkdwn(CHAT_MESSAGES.invalidRequest(problems))}`, failed: false };
  }
  if (error instanceof StoreUnavailableError) return { text: CHAT_MESSAGES.storeUnavailable, failed: true };
  if (error instanceof QuaysideError && !error.serviceFault)
    return { text: `:warning: ${escapeMrkdwn(error.message)}`, failed: false };
  const id = `error-${deps.ids()}`;
  deps.onUnexpectedError?.(error, id);
  return { text: CHAT_MESSAGES.unexpected(id), failed: true };
}

function failure(deps: EndpointDeps, error: unknown): ChatHttpResponse {
  const id = `error-${deps.ids()}`;
  deps.onUnexpectedError?.(error, id);
  return plain(error instanceof StoreUnavailableError ? 503 : 500, CHAT_MESSAGES.unexpected(id));
}

const plain = (statusCode: number, body: string): ChatHttpResponse => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});

const ephemeral = (text: string): ChatHttpResponse => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ response_type: 'ephemeral', text }),
});
