import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { type EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type CfnFunction, type FunctionUrl, FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../lib/events/index.ts';
import { QuaysideFunction, type QuaysideFunctionProps } from './function.ts';
import type { ReleaseTable } from './release-table.ts';
import type { RequestQueues } from './request-queues.ts';

/** Chat-ops items the functions may write (lib/chatops/keys.ts): each only its own. */
const REPLAY_KEYS = 'SLACK#REPLAY#*';
const THREAD_KEYS = 'SLACK#THREAD#*';

export interface ChatOpsProps {
  readonly releases: ReleaseTable;
  readonly queues: RequestQueues;
  readonly bus: EventBus;
  /** What every function of the stack shares (logs, VPC, key). */
  readonly common: Omit<QuaysideFunctionProps, 'name' | 'environment'>;
  /** The Slack app's secret (name or ARN): JSON {"signingSecret", "botToken"}. Enables the chat endpoint. */
  readonly slackSecret?: string;
  /** The Slack channel id status messages go to (with slackSecret). */
  readonly slackChannel?: string;
  /** Refuse requests from any other Slack workspace. */
  readonly slackTeamId?: string;
  /** The cluster of chat commands that name none, in channels without defaults. */
  readonly defaultCluster?: string;
  /** A secret (name or ARN) holding {"url", "signingSecret"}: status events to any HTTPS endpoint, HMAC-signed. */
  readonly webhookSecret?: string;
  /** A secret (name or ARN) holding {"url"}: a Microsoft Teams Workflows webhook. */
  readonly teamsSecret?: string;
  /** Chat function invocations at once at most (its reserved concurrency): the endpoint's throttle. */
  readonly chatReservedConcurrency: number;
  /**
   * The automation's Scheduler group, the role its schedules send with and their DLQ: with them,
   * `/quayside schedule` makes, lists and cancels schedules in that group (docs/chatops.md).
   */
  readonly scheduling?: {
    readonly group: IScheduleGroup;
    readonly role: IRole;
    readonly deadLetterQueue: IQueue;
  };
}

/**
 * Chat-ops in AWS: the chat function behind a Function URL (Slack slash commands and buttons) and
 * the notifier behind a rule on the `quayside` bus. Secrets are referenced, never created with
 * values. Each function may write only its own items of the release table.
 */
export class ChatOps extends Construct {
  readonly chat: QuaysideFunction | undefined;
  readonly chatUrl: FunctionUrl | undefined;
  readonly notifier: QuaysideFunction | undefined;

  constructor(scope: Construct, id: string, props: ChatOpsProps) {
    super(scope, id);
    const secret = (name: string, value: string | undefined): ISecret | undefined =>
      value === undefined
        ? undefined
        : value.startsWith('arn:')
          ? Secret.fromSecretCompleteArn(this, name, value)
          : Secret.fromSecretNameV2(this, name, value);
    const slack = secret('SlackSecret', props.slackSecret);
    const webhook = secret('WebhookSecret', props.webhookSecret);
    const teams = secret('TeamsSecret', props.teamsSecret);
    const table = props.releases.table;

    if (slack !== undefined) {
      this.chat = new QuaysideFunction(this, 'Chat', {
        name: 'chatops',
        ...props.common,
        environment: {
          QUAYSIDE_TABLE: table.tableName,
          QUAYSIDE_QUEUE_URL: props.queues.queue.queueUrl,
          QUAYSIDE_SLACK_SECRET: slack.secretArn,
          ...(props.defaultCluster === undefined ? {} : { QUAYSIDE_DEFAULT_CLUSTER: props.defaultCluster }),
          ...(props.slackTeamId === undefined ? {} : { QUAYSIDE_SLACK_TEAM_ID: props.slackTeamId }),
          ...(props.scheduling === undefined
            ? {}
            : {
                // Where `/quayside schedule` makes its schedules (lib/automation's scheduleTargetFor).
                QUAYSIDE_QUEUE_ARN: props.queues.queue.queueArn,
                QUAYSIDE_SCHEDULE_GROUP: props.scheduling.group.scheduleGroupName,
                QUAYSIDE_SCHEDULER_ROLE_ARN: props.scheduling.role.roleArn,
                QUAYSIDE_SCHEDULE_DLQ_ARN: props.scheduling.deadLetterQueue.queueArn,
              }),
        },
      });
      // The endpoint's throttle: at most this many requests at once; Slack sees the rest refused (429).
      (this.chat.fn.node.defaultChild as CfnFunction).reservedConcurrentExecutions =
        props.chatReservedConcurrency;
      // Auth NONE because Slack cannot sign requests with SigV4: it signs them with the app's signing
      // secret, and the function verifies that (and the timestamp, and replays) before reading anything.
      this.chatUrl = this.chat.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
      this.chat.role.addToPolicy(
        new PolicyStatement({
          // Reads: release history (status, history, diff, button guards), the access policy, channel
          // defaults and chart repositories.
          actions: ['dynamodb:GetItem', 'dynamodb:Query'],
          resources: [table.tableArn],
        }),
      );
      this.chat.role.addToPolicy(
        new PolicyStatement({
          actions: ['dynamodb:PutItem'],
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [REPLAY_KEYS] } },
        }),
      );
      table.encryptionKey?.grantEncryptDecrypt(this.chat.fn);
      props.queues.queue.grantSendMessages(this.chat.fn);
      slack.grantRead(this.chat.fn);
      if (props.scheduling !== undefined) this.grantScheduling(this.chat, props.scheduling);
      new CfnOutput(this, 'ChatUrl', {
        value: this.chatUrl.url,
        description: "The Slack app's request URL (slash commands and interactivity)",
      });
    }

    const slackNotifications = slack !== undefined && props.slackChannel !== undefined;
    if (slackNotifications || webhook !== undefined || teams !== undefined) {
      this.notifier = new QuaysideFunction(this, 'Notifier', {
        name: 'notifier',
        ...props.common,
        environment: {
          ...(slackNotifications
            ? {
                QUAYSIDE_TABLE: table.tableName,
                QUAYSIDE_SLACK_SECRET: (slack as ISecret).secretArn,
                QUAYSIDE_SLACK_CHANNEL: props.slackChannel as string,
              }
            : {}),
          ...(webhook === undefined ? {} : { QUAYSIDE_WEBHOOK_SECRET: webhook.secretArn }),
          ...(teams === undefined ? {} : { QUAYSIDE_TEAMS_SECRET: teams.secretArn }),
        },
      });
      if (slackNotifications) {
        // Its only table items: the thread of each release and day.
        this.notifier.role.addToPolicy(
          new PolicyStatement({
            actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
            resources: [table.tableArn],
            conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [THREAD_KEYS] } },
          }),
        );
        table.encryptionKey?.grantEncryptDecrypt(this.notifier.fn);
        slack?.grantRead(this.notifier.fn);
      }
      webhook?.grantRead(this.notifier.fn);
      teams?.grantRead(this.notifier.fn);
      new Rule(this, 'StatusEvents', {
        eventBus: props.bus,
        description: 'quayside: every status event to the notifier (Slack, Teams, webhook)',
        eventPattern: { source: [EVENT_SOURCE] },
        targets: [new LambdaFunction(this.notifier.fn, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
      });
    }
  }

  /**
   * `/quayside schedule`: make, read and delete the schedules of the group, and hand Scheduler the
   * role they send with (to Scheduler only); nothing of other groups, no other role.
   */
  private grantScheduling(chat: QuaysideFunction, scheduling: NonNullable<ChatOpsProps['scheduling']>): void {
    const { partition, region, account } = Stack.of(this);
    chat.role.addToPolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:GetSchedule', 'scheduler:DeleteSchedule'],
        resources: [
          `arn:${partition}:scheduler:${region}:${account}:schedule/${scheduling.group.scheduleGroupName}/*`,
        ],
      }),
    );
    // ListSchedules supports no resource-level permission; the function lists the group alone
    // (its GroupName) and reads each schedule with GetSchedule, which is held to the group above.
    chat.role.addToPolicy(new PolicyStatement({ actions: ['scheduler:ListSchedules'], resources: ['*'] }));
    chat.role.addToPolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [scheduling.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }
}
