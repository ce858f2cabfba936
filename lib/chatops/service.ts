import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type ScheduleTarget, scheduleTargetFor } from '../automation/index.ts';
import { sendRequest } from '../client/index.ts';
import { systemClock } from '../domain/index.ts';
import { parseStatusEvent, type StatusEvent } from '../events/index.ts';
import { DynamoDbDriver, openDriver, ReleaseStore, type StoreDriver } from '../store/index.ts';
import { AccessPolicy } from './access.ts';
import {
  type ChatHttpRequest,
  type ChatHttpResponse,
  createChatEndpoint,
  type EndpointDeps,
  type SlackSecrets,
} from './endpoint.ts';
import { ChatConfigError } from './errors.ts';
import { createNotifier, type DeliveryResult, type NotifierTargets } from './notify/notifier.ts';
import { SlackThreads } from './notify/threads.ts';
import { schedulerSchedules } from './schedule.ts';
import { cachedJsonSecret } from './secrets.ts';
import { ChatSettings } from './settings.ts';
import { slackWebApi } from './slack.ts';

type Env = Readonly<Record<string, string | undefined>>;
type Problems = { field: string; message: string }[];

/** The chat function's settings, from its environment (the CDK stack and the local stack set them). */
export interface ChatConfig {
  readonly table?: string;
  readonly storeUrl?: string;
  /** QUAYSIDE_QUEUE_URL: where accepted requests go. */
  readonly queueUrl: string;
  /** QUAYSIDE_SLACK_SECRET: a Secrets Manager secret, JSON `{"signingSecret": …, "botToken": "xoxb-…"}`. */
  readonly slackSecret: string;
  /** QUAYSIDE_SLACK_API_URL: Slack's Web API elsewhere (the local stack's stand-in); Slack's own by default. */
  readonly slackApiUrl?: string;
  /** QUAYSIDE_DEFAULT_CLUSTER: the cluster of commands that name none in a channel without defaults. */
  readonly defaultCluster?: string;
  /** QUAYSIDE_SLACK_TEAM_ID: refuse requests from any other workspace. */
  readonly teamId?: string;
  /**
   * Where `/quayside schedule` makes schedules: from QUAYSIDE_QUEUE_ARN (the request queue), with
   * the group, role and DLQ the stack names by convention unless QUAYSIDE_SCHEDULE_GROUP,
   * QUAYSIDE_SCHEDULER_ROLE_ARN and QUAYSIDE_SCHEDULE_DLQ_ARN say otherwise. Absent: no scheduling.
   */
  readonly scheduleTarget?: ScheduleTarget;
}

/** The notifier's settings; each target is optional, at least one is required. */
export interface NotifierConfig {
  readonly table?: string;
  readonly storeUrl?: string;
  readonly slackSecret?: string;
  /** QUAYSIDE_SLACK_CHANNEL: the channel id status messages go to. */
  readonly slackChannel?: string;
  readonly slackApiUrl?: string;
  /** QUAYSIDE_WEBHOOK_SECRET: JSON `{"url": "https://…", "signingSecret": …}`. */
  readonly webhookSecret?: string;
  /** QUAYSIDE_TEAMS_SECRET: JSON `{"url": "<Workflows webhook URL>"}` (the URL is a credential). */
  readonly teamsSecret?: string;
}

const optional = (env: Env, name: string) =>
  env[name]?.trim() ? { [name]: env[name]?.trim() as string } : {};

function storeSettings(env: Env, problems: Problems): { table?: string; storeUrl?: string } {
  const table = env.QUAYSIDE_TABLE?.trim();
  const storeUrl = env.QUAYSIDE_STORE?.trim();
  if (table) return { table };
  if (storeUrl) return { storeUrl };
  problems.push({ field: 'QUAYSIDE_TABLE', message: 'is required (or QUAYSIDE_STORE, a store URL)' });
  return {};
}

/**
 * Reads the chat function's settings.
 * @throws ChatConfigError naming every variable that is missing.
 */
export function readChatConfig(env: Env): ChatConfig {
  const problems: Problems = [];
  const store = storeSettings(env, problems);
  for (const name of ['QUAYSIDE_QUEUE_URL', 'QUAYSIDE_SLACK_SECRET']) {
    if (!env[name]?.trim()) problems.push({ field: name, message: 'is required' });
  }
  if (problems.length > 0) throw new ChatConfigError(problems);
  const o = {
    ...optional(env, 'QUAYSIDE_SLACK_API_URL'),
    ...optional(env, 'QUAYSIDE_DEFAULT_CLUSTER'),
    ...optional(env, 'QUAYSIDE_SLACK_TEAM_ID'),
  };
  return {
    ...store,
    queueUrl: env.QUAYSIDE_QUEUE_URL?.trim() as string,
    slackSecret: env.QUAYSIDE_SLACK_SECRET?.trim() as string,
    ...(o.QUAYSIDE_SLACK_API_URL === undefined ? {} : { slackApiUrl: o.QUAYSIDE_SLACK_API_URL }),
    ...(o.QUAYSIDE_DEFAULT_CLUSTER === undefined ? {} : { defaultCluster: o.QUAYSIDE_DEFAULT_CLUSTER }),
    ...(o.QUAYSIDE_SLACK_TEAM_ID === undefined ? {} : { teamId: o.QUAYSIDE_SLACK_TEAM_ID }),
    ...(env.QUAYSIDE_QUEUE_ARN?.trim()
      ? { scheduleTarget: scheduleTargetFor(env.QUAYSIDE_QUEUE_ARN.trim(), env) }
      : {}),
  };
}

/**
 * Reads the notifier's settings.
 * @throws ChatConfigError when no target is configured, or Slack is half configured.
 */
export function readNotifierConfig(env: Env): NotifierConfig {
  const problems: Problems = [];
  const o = {
    ...optional(env, 'QUAYSIDE_SLACK_SECRET'),
    ...optional(env, 'QUAYSIDE_SLACK_CHANNEL'),
    ...optional(env, 'QUAYSIDE_SLACK_API_URL'),
    ...optional(env, 'QUAYSIDE_WEBHOOK_SECRET'),
    ...optional(env, 'QUAYSIDE_TEAMS_SECRET'),
  };
  if ((o.QUAYSIDE_SLACK_SECRET === undefined) !== (o.QUAYSIDE_SLACK_CHANNEL === undefined)) {
    problems.push({ field: 'QUAYSIDE_SLACK_CHANNEL', message: 'and QUAYSIDE_SLACK_SECRET go together' });
  }
  if (
    o.QUAYSIDE_SLACK_SECRET === undefined &&
    o.QUAYSIDE_WEBHOOK_SECRET === undefined &&
    o.QUAYSIDE_TEAMS_SECRET === undefined
  ) {
    problems.push({
      field: 'QUAYSIDE_SLACK_SECRET',
      message:
        'or QUAYSIDE_WEBHOOK_SECRET or QUAYSIDE_TEAMS_SECRET is required: the notifier has nowhere to send',
    });
  }
  const store = o.QUAYSIDE_SLACK_SECRET === undefined ? {} : storeSettings(env, problems);
  if (problems.length > 0) throw new ChatConfigError(problems);
  return {
    ...store,
    ...(o.QUAYSIDE_SLACK_SECRET === undefined ? {} : { slackSecret: o.QUAYSIDE_SLACK_SECRET }),
    ...(o.QUAYSIDE_SLACK_CHANNEL === undefined ? {} : { slackChannel: o.QUAYSIDE_SLACK_CHANNEL }),
    ...(o.QUAYSIDE_SLACK_API_URL === undefined ? {} : { slackApiUrl: o.QUAYSIDE_SLACK_API_URL }),
    ...(o.QUAYSIDE_WEBHOOK_SECRET === undefined ? {} : { webhookSecret: o.QUAYSIDE_WEBHOOK_SECRET }),
    ...(o.QUAYSIDE_TEAMS_SECRET === undefined ? {} : { teamsSecret: o.QUAYSIDE_TEAMS_SECRET }),
  };
}

async function openStoreDriver(
  settings: { table?: string; storeUrl?: string },
  wrap: <T>(c: T) => T,
): Promise<StoreDriver> {
  if (settings.table !== undefined) {
    return new DynamoDbDriver({ tableName: settings.table, client: wrap(new DynamoDBClient({})) });
  }
  return openDriver(settings.storeUrl as string);
}

/** What the chat function reports to its handler, for logs and metrics. */
export type ChatHooks = Pick<EndpointDeps, 'onRefused' | 'onRequest' | 'onUnexpectedError' | 'onDecision'> & {
  /** Wraps each AWS SDK client (tracing). */
  instrument?<T>(client: T): T;
};

/**
 * The chat endpoint, wired from its settings: the store (reads, the policy, replay records), the
 * queue, the Slack secret (read on the first request, then kept) and the Web API client. Built once
 * per container; no AWS call is made until the first request.
 */
export async function createChatService(
  config: ChatConfig,
  hooks: ChatHooks = {},
): Promise<(request: ChatHttpRequest) => Promise<ChatHttpResponse>> {
  const wrap = <T>(client: T): T => hooks.instrument?.(client) ?? client;
  const clock = systemClock;
  const driver = await openStoreDriver(config, wrap);
  const sqs = wrap(new SQSClient({}));
  const secrets = cachedJsonSecret<{ signingSecret: string; botToken: string }>({
    client: wrap(new SecretsManagerClient({})),
    secretId: config.slackSecret,
    required: ['signingSecret', 'botToken'],
  });
  let slack: ReturnType<typeof slackWebApi> | undefined;
  const slackClient = async () => {
    slack ??= slackWebApi({
      token: (await secrets()).botToken,
      ...(config.slackApiUrl === undefined ? {} : { apiUrl: config.slackApiUrl }),
      clock,
      patience: 'interactive',
    });
    return slack;
  };
  return createChatEndpoint({
    driver,
    store: new ReleaseStore(driver),
    policy: new AccessPolicy({ driver, clock }),
    settings: new ChatSettings(driver),
    secrets: secrets as () => Promise<SlackSecrets>,
    slack: slackClient,
    groupsOf: async (userId) => (await slackClient()).userGroupsOf(userId),
    enqueue: (request) => sendRequest(sqs, config.queueUrl, request),
    ...(config.scheduleTarget === undefined
      ? {}
      : {
          schedules: schedulerSchedules({
            client: wrap(new SchedulerClient({})),
            target: config.scheduleTarget,
            ids: randomUUID,
          }),
        }),
    clock,
    ids: randomUUID,
    ...(config.defaultCluster === undefined ? {} : { defaultCluster: config.defaultCluster }),
    ...(config.teamId === undefined ? {} : { teamId: config.teamId }),
    ...hooks,
  });
}

/**
 * The notifier, wired from its settings: Slack (threads in the table), a signed webhook, Teams.
 * Takes an EventBridge delivery of a status event.
 * @throws InvalidStatusEventError for an event that is not quayside's.
 */
export async function createNotifierService(
  config: NotifierConfig,
  hooks: { instrument?<T>(client: T): T } = {},
): Promise<(delivery: unknown) => Promise<{ event: StatusEvent; results: DeliveryResult[] }>> {
  const wrap = <T>(client: T): T => hooks.instrument?.(client) ?? client;
  const clock = systemClock;
  const secretsClient = wrap(new SecretsManagerClient({}));
  const targets: { -readonly [K in keyof NotifierTargets]: NotifierTargets[K] } = {};
  if (config.slackSecret !== undefined && config.slackChannel !== undefined) {
    const driver = await openStoreDriver(config, wrap);
    const secret = cachedJsonSecret<{ botToken: string }>({
      client: secretsClient,
      secretId: config.slackSecret,
      required: ['botToken'],
    });
    let client: ReturnType<typeof slackWebApi> | undefined;
    targets.slack = {
      channel: config.slackChannel,
      threads: new SlackThreads({ driver, clock }),
      client: async () => {
        client ??= slackWebApi({
          token: (await secret()).botToken,
          ...(config.slackApiUrl === undefined ? {} : { apiUrl: config.slackApiUrl }),
          clock,
          patience: 'background',
        });
        return client;
      },
    };
  }
  if (config.webhookSecret !== undefined) {
    targets.webhook = cachedJsonSecret<{ url: string; signingSecret: string }>({
      client: secretsClient,
      secretId: config.webhookSecret,
      required: ['url', 'signingSecret'],
    });
  }
  if (config.teamsSecret !== undefined) {
    targets.teams = cachedJsonSecret<{ url: string }>({
      client: secretsClient,
      secretId: config.teamsSecret,
      required: ['url'],
    });
  }
  const notify = createNotifier({ targets, clock });
  return async (delivery) => {
    const event = parseStatusEvent(delivery);
    return { event, results: await notify(event) };
  };
}
