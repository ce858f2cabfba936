import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Archive, EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { FUNCTIONS, SWEEP_EVERY_MINUTES, WORKER_EVENT_SOURCE } from '../lib/bundles/index.ts';
import { EVENT_SOURCE } from '../lib/events/index.ts';
import { QuaysideAlarms } from './alarms.ts';
import { QuaysideAutomation } from './automation.ts';
import { ChatOps } from './chatops.ts';
import { ClusterAccess, type EksClusterAccess } from './cluster-access.ts';
import { QuaysideFunction } from './function.ts';
import { acknowledgeFindings } from './nag.ts';
import { ReleaseTable } from './release-table.ts';
import { RequestQueues } from './request-queues.ts';

export interface QuaysideStackProps extends StackProps {
  /**
   * A Secrets Manager secret holding a kubeconfig whose contexts are the clusters the worker
   * deploys to (name or full ARN). Without it the worker can reach no cluster.
   */
  readonly kubeconfigSecret?: string;
  /**
   * The EKS clusters of the cluster registry (`quayside cluster add --eks`): the worker may call
   * `eks:DescribeCluster` on each it reaches with its own role, and `sts:AssumeRole` on each role an
   * entry names, and on nothing else. `-c eksClusters='[{"clusterArn":"…","roleArn":"…"}]'`.
   */
  readonly eksClusters?: readonly EksClusterAccess[];
  /** Secrets Manager secrets (names or ARNs) of the registry's `kubeconfig` entries, which the worker may read. */
  readonly clusterSecrets?: readonly string[];
  /** Run the functions in this VPC (for clusters with private API endpoints). */
  readonly vpc?: IVpc;
  readonly vpcSubnets?: SubnetSelection;
  readonly securityGroups?: ISecurityGroup[];
  /** A customer-managed KMS key for the queues, the table, the bus archive's bus and the logs; AWS-owned keys otherwise. */
  readonly encryptionKey?: IKey;
  /** Where alarms notify (an SNS topic); alarms exist either way. */
  readonly alarmTopic?: ITopic;
  /** Worker invocations at once at most (the event source's MaximumConcurrency, 2-1000). */
  readonly workerMaxConcurrency?: number;
  /** Chat-ops (docs/chatops.md): the Slack app's secret, name or ARN, JSON {"signingSecret", "botToken"}. */
  readonly slackSecret?: string;
  /** The Slack channel id status messages go to. */
  readonly slackChannel?: string;
  readonly slackTeamId?: string;
  /** The cluster of chat commands that name none. */
  readonly chatDefaultCluster?: string;
  /** A secret, name or ARN, JSON {"url", "signingSecret"}: status events to an HTTPS endpoint, signed. */
  readonly webhookSecret?: string;
  /** A secret, name or ARN, JSON {"url"}: a Microsoft Teams Workflows webhook. */
  readonly teamsSecret?: string;
  /** The chat function's reserved concurrency (default 5). */
  readonly chatReservedConcurrency?: number;
  readonly logRetention?: RetentionDays;
}

/**
 * quayside in one AWS account and region: the request FIFO queue and its DLQ, the worker behind
 * an SQS event source, the release table, the `quayside` event bus with an archive, the sweeper
 * on a schedule, and alarms. Least privilege through grants; cdk-nag's AwsSolutions checks pass
 * (see nag.ts for each acknowledged finding and why).
 */
export class QuaysideStack extends Stack {
  readonly releases: ReleaseTable;
  readonly queues: RequestQueues;
  readonly bus: EventBus;
  readonly worker: QuaysideFunction;
  readonly sweeper: QuaysideFunction;
  readonly alarmFunction: QuaysideFunction;
  readonly guard: QuaysideFunction;
  readonly automation: QuaysideAutomation;
  readonly kubeconfigSecret: ISecret | undefined;
  readonly chatops: ChatOps;

  constructor(scope: Construct, id: string, props: QuaysideStackProps = {}) {
    super(scope, id, props);
    const key = props.encryptionKey;
    this.releases = new ReleaseTable(this, 'Releases', {
      ...(key === undefined ? {} : { encryptionKey: key }),
    });
    this.queues = new RequestQueues(this, 'Requests', {
      ...(key === undefined ? {} : { encryptionKey: key }),
    });
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: 'quayside',
      description:
        'quayside status events: Release Deployed, Failed, Rolled Back, Uninstalled, Request Rejected',
      ...(key === undefined ? {} : { kmsKey: key }),
    });
    new Archive(this, 'Archive', {
      sourceEventBus: this.bus,
      archiveName: 'quayside-status-events',
      description: 'Every status event, for audit and replay',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(365),
    });
    this.kubeconfigSecret = props.kubeconfigSecret?.startsWith('arn:')
      ? Secret.fromSecretCompleteArn(this, 'Kubeconfig', props.kubeconfigSecret)
      : props.kubeconfigSecret === undefined
        ? undefined
        : Secret.fromSecretNameV2(this, 'Kubeconfig', props.kubeconfigSecret);

    const common = {
      logRetention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      ...(key === undefined ? {} : { encryptionKey: key }),
      ...(props.vpc === undefined
        ? {}
        : { vpc: props.vpc, vpcSubnets: props.vpcSubnets, securityGroups: props.securityGroups }),
    };
    this.worker = new QuaysideFunction(this, 'Worker', {
      name: 'worker',
      ...common,
      environment: {
        QUAYSIDE_TABLE: this.releases.table.tableName,
        QUAYSIDE_EVENT_BUS: this.bus.eventBusName,
        QUAYSIDE_QUEUE_URL: this.queues.queue.queueUrl,
        QUAYSIDE_FUNCTION_TIMEOUT_SECONDS: String(FUNCTIONS.worker.timeoutSeconds),
        ...(this.kubeconfigSecret === undefined
          ? {}
          : { QUAYSIDE_KUBECONFIG_SECRET: this.kubeconfigSecret.secretArn }),
      },
    });
    this.worker.fn.addEventSource(
      new SqsEventSource(this.queues.queue, {
        batchSize: WORKER_EVENT_SOURCE.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: props.workerMaxConcurrency ?? WORKER_EVENT_SOURCE.maxConcurrency,
      }),
    );
    this.releases.grantStore(this.worker.fn);
    this.bus.grantPutEventsTo(this.worker.fn);
    this.kubeconfigSecret?.grantRead(this.worker.fn);

    this.sweeper = new QuaysideFunction(this, 'Sweeper', {
      name: 'sweeper',
      ...common,
      environment: {
        QUAYSIDE_TABLE: this.releases.table.tableName,
        QUAYSIDE_EVENT_BUS: this.bus.eventBusName,
      },
    });
    this.releases.grantStore(this.sweeper.fn);
    this.bus.grantPutEventsTo(this.sweeper.fn);
    new Rule(this, 'SweepSchedule', {
      description: 'quayside: look for operations whose worker died',
      schedule: Schedule.rate(Duration.minutes(SWEEP_EVERY_MINUTES)),
      targets: [new LambdaFunction(this.sweeper.fn, { retryAttempts: 2 })],
    });

    // The automation (issue 14): schedules, bakes, automatic rollbacks.
    const automationEnvironment = {
      QUAYSIDE_TABLE: this.releases.table.tableName,
      QUAYSIDE_EVENT_BUS: this.bus.eventBusName,
      QUAYSIDE_QUEUE_URL: this.queues.queue.queueUrl,
    };
    this.alarmFunction = new QuaysideFunction(this, 'AlarmFunction', {
      name: 'alarm',
      ...common,
      environment: automationEnvironment,
    });
    this.guard = new QuaysideFunction(this, 'Guard', {
      name: 'guard',
      ...common,
      environment: {
        ...automationEnvironment,
        ...(this.kubeconfigSecret === undefined
          ? {}
          : { QUAYSIDE_KUBECONFIG_SECRET: this.kubeconfigSecret.secretArn }),
      },
    });
    for (const fn of [this.alarmFunction, this.guard]) {
      this.releases.grantStore(fn.fn);
      this.bus.grantPutEventsTo(fn.fn);
      QuaysideAutomation.grantSend(this.queues.queue, fn, key);
    }
    this.kubeconfigSecret?.grantRead(this.guard.fn);
    // The registered clusters: the worker deploys to them, the guard reads its bakes' workloads there.
    new ClusterAccess(this, 'ClusterAccess', {
      functions: [this.worker.fn, this.guard.fn],
      ...(props.eksClusters === undefined ? {} : { eksClusters: props.eksClusters }),
      ...(props.clusterSecrets === undefined ? {} : { kubeconfigSecrets: props.clusterSecrets }),
    });
    this.automation = new QuaysideAutomation(this, 'Automation', {
      requestQueue: this.queues.queue,
      alarm: this.alarmFunction,
      guard: this.guard,
      ...(key === undefined ? {} : { encryptionKey: key }),
    });

    this.chatops = new ChatOps(this, 'ChatOps', {
      releases: this.releases,
      queues: this.queues,
      bus: this.bus,
      common,
      ...(props.slackSecret === undefined ? {} : { slackSecret: props.slackSecret }),
      ...(props.slackChannel === undefined ? {} : { slackChannel: props.slackChannel }),
      ...(props.slackTeamId === undefined ? {} : { slackTeamId: props.slackTeamId }),
      ...(props.chatDefaultCluster === undefined ? {} : { defaultCluster: props.chatDefaultCluster }),
      ...(props.webhookSecret === undefined ? {} : { webhookSecret: props.webhookSecret }),
      ...(props.teamsSecret === undefined ? {} : { teamsSecret: props.teamsSecret }),
      chatReservedConcurrency: props.chatReservedConcurrency ?? 5,
      // `/quayside schedule` makes the automation's schedules (after it, so that it can name them).
      scheduling: {
        group: this.automation.scheduleGroup,
        role: this.automation.schedulerRole,
        deadLetterQueue: this.automation.deadLetterQueue,
      },
    });

    new QuaysideAlarms(this, 'Alarms', {
      queues: this.queues,
      worker: this.worker.fn,
      sweeper: this.sweeper.fn,
      ...(props.alarmTopic === undefined ? {} : { topic: props.alarmTopic }),
    });
    acknowledgeFindings(this);

    new CfnOutput(this, 'QueueUrl', {
      value: this.queues.queue.queueUrl,
      description: 'Send DeployRequests here',
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.queues.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'TableName', {
      value: this.releases.table.tableName,
      description: 'QUAYSIDE_STORE=dynamodb://<this>',
    });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'WorkerFunctionName', { value: this.worker.fn.functionName });
    new CfnOutput(this, 'WorkerRoleArn', {
      value: this.worker.fn.role?.roleArn ?? '',
      description: "Give clusters' access entries (or the roles entries assume) to this role",
    });
    new CfnOutput(this, 'GuardRoleArn', {
      value: this.guard.fn.role?.roleArn ?? '',
      description:
        "The automation's guard reads baking workloads' health: give it a read-only access entry too",
    });
    new CfnOutput(this, 'ScheduleGroupName', { value: this.automation.scheduleGroup.scheduleGroupName });
    new CfnOutput(this, 'SchedulerRoleArn', {
      value: this.automation.schedulerRole.roleArn,
      description: 'The role scheduled requests are sent with (quayside schedule finds it by name)',
    });
    new CfnOutput(this, 'AutomationDeadLetterQueueUrl', { value: this.automation.deadLetterQueue.queueUrl });
  }
}
