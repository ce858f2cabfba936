import type { KnownBlock } from '@slack/types';
import { type ChatPostMessageArguments, LogLevel, WebClient } from '@slack/web-api';
import type { Clock } from '../domain/index.ts';

/** What chat-ops asks of Slack's Web API. The adapter is the real @slack/web-api client. */
export interface SlackPort {
  /** chat.postMessage; resolves with the message's ts (a thread's id when it starts one). */
  postMessage(input: {
    channel: string;
    text: string;
    blocks?: readonly KnownBlock[];
    threadTs?: string;
    broadcast?: boolean;
  }): Promise<{ ts: string }>;
  /** chat.postEphemeral: a message only `user` sees. */
  postEphemeral(input: { channel: string; user: string; text: string; threadTs?: string }): Promise<void>;
  /** The user groups (S… ids) a user belongs to (usergroups.list with users). */
  userGroupsOf(userId: string): Promise<string[]>;
}

/** How long a warm container trusts the user groups it read (a membership change applies within it). */
export const USER_GROUPS_CACHE_MS = 60_000;

export interface SlackWebApiOptions {
  readonly token: string;
  /** Slack's API, or the local stack's loopback stand-in (the client's slackApiUrl). */
  readonly apiUrl?: string;
  readonly clock: Clock;
  /**
   * The chat function answers within Slack's 3 s: few quick retries, and a rate limit is an error
   * rather than a wait. The notifier has time: more retries, rate limits waited out.
   */
  readonly patience: 'interactive' | 'background';
}

/** The real Web API client behind the port, built once per token. */
export function slackWebApi(options: SlackWebApiOptions): SlackPort {
  const interactive = options.patience === 'interactive';
  const client = new WebClient(options.token, {
    ...(options.apiUrl === undefined ? {} : { slackApiUrl: options.apiUrl }),
    logLevel: LogLevel.WARN,
    timeout: interactive ? 2000 : 10_000,
    rejectRateLimitedCalls: interactive,
    retryConfig: interactive
      ? { retries: 1, minTimeout: 100, maxTimeout: 300 }
      : { retries: 4, factor: 2, minTimeout: 500, maxTimeout: 5000, randomize: true },
    // Requests go to Slack's API (or the configured one) only, whatever a method name says.
    allowAbsoluteUrls: false,
  });
  let groups: { readAt: number; byUser: Map<string, string[]> } | undefined;
  return {
    async postMessage(input) {
      // The SDK's argument type is a union of every shape the method takes; this is one of them.
      const answer = await client.chat.postMessage({
        channel: input.channel,
        text: input.text,
        ...(input.blocks === undefined ? {} : { blocks: [...input.blocks] }),
        ...(input.threadTs === undefined ? {} : { thread_ts: input.threadTs }),
        ...(input.broadcast === true && input.threadTs !== undefined ? { reply_broadcast: true } : {}),
        unfurl_links: false,
        unfurl_media: false,
      } as ChatPostMessageArguments);
      return { ts: answer.ts as string };
    },
    async postEphemeral(input) {
      await client.chat.postEphemeral({
        channel: input.channel,
        user: input.user,
        text: input.text,
        ...(input.threadTs === undefined ? {} : { thread_ts: input.threadTs }),
      });
    },
    async userGroupsOf(userId) {
      if (groups === undefined || options.clock.now() - groups.readAt > USER_GROUPS_CACHE_MS) {
        const answer = await client.usergroups.list({ include_users: true });
        const byUser = new Map<string, string[]>();
        for (const group of answer.usergroups ?? []) {
          for (const user of group.users ?? []) {
            byUser.set(user, [...(byUser.get(user) ?? []), group.id as string]);
          }
        }
        groups = { readAt: options.clock.now(), byUser };
      }
      return groups.byUser.get(userId) ?? [];
    },
  };
}
