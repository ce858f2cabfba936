import { type Clock, formatReleaseId } from '../../domain/index.ts';
import type { StatusEvent } from '../../events/index.ts';
import type { SlackPort } from '../slack.ts';
import { buildSlackMessage } from './slack-message.ts';
import { buildTeamsMessage } from './teams-card.ts';
import { dayOf, type SlackThreads } from './threads.ts';
import { type Post, postJson, sendWebhook } from './webhook.ts';

export interface NotifierTargets {
  readonly slack?: {
    readonly client: () => Promise<SlackPort>;
    readonly channel: string;
    readonly threads: SlackThreads;
  };
  readonly webhook?: () => Promise<{ readonly url: string; readonly signingSecret: string }>;
  readonly teams?: () => Promise<{ readonly url: string }>;
}

export type DeliveryResult =
  | { readonly target: 'slack' | 'webhook' | 'teams'; readonly ok: true; readonly detail?: string }
  | { readonly target: 'slack' | 'webhook' | 'teams'; readonly ok: false; readonly error: unknown };

/**
 * Sends one status event to every configured target, each on its own: one that fails (after its
 * client's retries) does not keep the others from theirs, and none is sent twice by retrying the
 * whole invocation — failures are reported for the logs and metrics instead.
 */
export function createNotifier(input: {
  targets: NotifierTargets;
  clock: Clock;
  post?: Post;
  sleep?: (ms: number) => Promise<void>;
}): (event: StatusEvent) => Promise<DeliveryResult[]> {
  const { targets } = input;
  const extra = {
    ...(input.post === undefined ? {} : { post: input.post }),
    ...(input.sleep === undefined ? {} : { sleep: input.sleep }),
  };
  return async (event) => {
    const deliveries: Promise<DeliveryResult>[] = [];
    const slack = targets.slack;
    if (slack !== undefined) {
      deliveries.push(
        settle('slack', async () => {
          const message = buildSlackMessage(event);
          const release =
            event.detail.release === undefined ? 'requests' : formatReleaseId(event.detail.release);
          const posted = await slack.threads.post(await slack.client(), {
            channel: slack.channel,
            release,
            day: dayOf(event.time),
            ...message,
            broadcast: event.detailType === 'Release Failed',
          });
          return posted.threadTs === undefined ? `new thread ${posted.ts}` : `in thread ${posted.threadTs}`;
        }),
      );
    }
    const webhook = targets.webhook;
    if (webhook !== undefined) {
      deliveries.push(
        settle('webhook', async () => {
          const { url, signingSecret } = await webhook();
          await sendWebhook({ url, secret: signingSecret, event, clock: input.clock, ...extra });
          return undefined;
        }),
      );
    }
    const teams = targets.teams;
    if (teams !== undefined) {
      deliveries.push(
        settle('teams', async () => {
          const { url } = await teams();
          await postJson({ target: 'teams', url, body: JSON.stringify(buildTeamsMessage(event)), ...extra });
          return undefined;
        }),
      );
    }
    return Promise.all(deliveries);
  };
}

async function settle(
  target: DeliveryResult['target'],
  run: () => Promise<string | undefined>,
): Promise<DeliveryResult> {
  try {
    const detail = await run();
    return { target, ok: true, ...(detail === undefined ? {} : { detail }) };
  } catch (error) {
    return { target, ok: false, error };
  }
}
