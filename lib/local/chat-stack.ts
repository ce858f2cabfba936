import { randomBytes } from 'node:crypto';
import type { BusEvent } from './event-bus.ts';
import { type FunctionUrl, startFunctionUrl } from './function-url.ts';
import type { LocalFunction } from './lambda-runtime.ts';
import { startSecretsManagerStub } from './secrets-manager.ts';
import { renderSlackPost, type SlackApiStub, type SlackPost, startSlackApiStub } from './slack-api.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './sqs/index.ts';

/** The local Slack workspace: one channel status messages go to, and an on-call user group. */
export const LOCAL_SLACK = {
  secretName: 'quayside/slack',
  channel: 'C0DEPLOYS',
  channels: { C0DEPLOYS: 'deploys', C0TEAM: 'team' } as Record<string, string>,
  userGroups: [{ id: 'S0ONCALL', handle: 'oncall', users: ['UALICE'] }],
} as const;

export interface LocalChat {
  /** The chat function's URL (a Function URL on loopback): Slack's request URL. */
  readonly url: string;
  /** This run's Slack signing secret (random per start): `quayside chat` signs with it. */
  readonly signingSecret: string;
  readonly slack: SlackApiStub;
  /** Hands a bus event to the notifier, as the rule on the bus does. */
  deliver(event: BusEvent): void;
  /** Resolves once every delivery handed over so far has been invoked. */
  idle(): Promise<void>;
}

type Stops = Array<() => Promise<void>>;

/**
 * Chat-ops on this machine: a Secrets Manager stand-in holding this run's Slack secret, a Slack
 * Web API stand-in that prints what would be posted, the chat function behind a loopback Function
 * URL, and the notifier behind the bus's rule. The bundles are those `cdk deploy` uploads.
 */
export async function startLocalChat(input: {
  readonly environment: Readonly<Record<string, string>>;
  readonly cluster: string;
  readonly startFunction: (
    name: 'chatops' | 'notifier',
    maxConcurrency: number,
    environment: Record<string, string>,
  ) => LocalFunction;
  readonly stops: Stops;
  readonly onSlack: (post: SlackPost, rendered: string) => void;
}): Promise<LocalChat> {
  const signingSecret = randomBytes(16).toString('hex');
  const botToken = `xoxb-local-${randomBytes(12).toString('hex')}`;
  const secrets = await startSecretsManagerStub({
    [LOCAL_SLACK.secretName]: JSON.stringify({ signingSecret, botToken }),
  });
  input.stops.push(() => secrets.close());
  const slack = await startSlackApiStub({
    token: botToken,
    channels: LOCAL_SLACK.channels,
    userGroups: LOCAL_SLACK.userGroups,
    onPost: (post) => input.onSlack(post, renderSlackPost(post, LOCAL_SLACK.channels)),
  });
  input.stops.push(() => slack.close());
  const shared = {
    ...input.environment,
    QUAYSIDE_SLACK_SECRET: LOCAL_SLACK.secretName,
    QUAYSIDE_SLACK_API_URL: slack.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
  };
  const chat = input.startFunction('chatops', 5, { ...shared, QUAYSIDE_DEFAULT_CLUSTER: input.cluster });
  const url: FunctionUrl = await startFunctionUrl(chat);
  input.stops.push(() => url.close());
  const notifier = input.startFunction('notifier', 2, {
    ...shared,
    QUAYSIDE_SLACK_CHANNEL: LOCAL_SLACK.channel,
  });
  const pending = new Set<Promise<void>>();
  return {
    url: url.url,
    signingSecret,
    slack,
    deliver(event) {
      const envelope = {
        version: '0',
        id: event.id,
        'detail-type': event.detailType,
        source: event.source,
        account: LOCAL_ACCOUNT,
        time: event.time,
        region: LOCAL_REGION,
        resources: [],
        detail: event.detail,
      };
      // An asynchronous invocation, retried once when it fails, as EventBridge retries its targets.
      const run = notifier
        .invoke(envelope)
        .then((result) => (result.ok ? undefined : notifier.invoke(envelope)))
        .then(() => undefined);
      pending.add(run);
      void run.finally(() => pending.delete(run));
    },
    async idle() {
      await Promise.all([...pending]);
    },
  };
}
