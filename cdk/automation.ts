import { Duration, Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AUTOMATION_SETTINGS, schedulerRoleName } from '../lib/automation/index.ts';
import { QUEUE_SETTINGS } from '../lib/requests/index.ts';
import type { QuaysideFunction } from './function.ts';

export interface AutomationProps {
  /** The request FIFO queue (content-based deduplication on: Scheduler can target it). */
  readonly requestQueue: IQueue;
  /** The alarm and guard functions (made by the stack, like every function). */
  readonly alarm: QuaysideFunction;
  readonly guard: QuaysideFunction;
  readonly encryptionKey?: IKey;
}

/**
 * The automation's AWS side (issue 14): the Scheduler group `quayside` that the CLI's one-time
 * schedules live in, the role Scheduler assumes to send their requests (to the request queue and
 * the automation's DLQ only), the automation's standard DLQ, the rule that hands every alarm
 * entering ALARM to the alarm function, and the guard on a one-minute schedule.
 */
export class QuaysideAutomation extends Construct {
  readonly scheduleGroup: ScheduleGroup;
  readonly schedulerRole: Role;
  readonly deadLetterQueue: Queue;
  readonly alarmRule: Rule;
  readonly guardRule: Rule;

  constructor(scope: Construct, id: string, props: AutomationProps) {
    super(scope, id);
    const { account, region } = Stack.of(this);
    this.scheduleGroup = new ScheduleGroup(this, 'Group', {
      scheduleGroupName: AUTOMATION_SETTINGS.scheduleGroup,
    });
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      queueName: AUTOMATION_SETTINGS.automationDeadLetterQueueName,
      retentionPeriod: Duration.seconds(QUEUE_SETTINGS.retentionSeconds),
      enforceSSL: true,
      ...(props.encryptionKey === undefined
        ? { encryption: QueueEncryption.SQS_MANAGED }
        : { encryption: QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }),
    });

    // Named by convention, so that the CLI finds it from the queue's account and region.
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      roleName: schedulerRoleName(region),
      description:
        'quayside: EventBridge Scheduler sends scheduled requests to the request queue (and its DLQ) only',
      // Only schedules of this account's quayside group may use it (no confused deputy).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: {
            'aws:SourceArn': `arn:${Stack.of(this).partition}:scheduler:${region}:${account}:schedule/${AUTOMATION_SETTINGS.scheduleGroup}/*`,
          },
        },
      }),
    });
    this.schedulerRole.addToPolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [props.requestQueue.queueArn, this.deadLetterQueue.queueArn],
      }),
    );
    props.encryptionKey?.grant(this.schedulerRole, 'kms:GenerateDataKey', 'kms:Decrypt');

    this.alarmRule = new Rule(this, 'AlarmRule', {
      description: 'quayside: a CloudWatch alarm entered ALARM; a release baking with it is rolled back',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [
        new LambdaFunction(props.alarm.fn, {
          retryAttempts: 4,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
    this.guardRule = new Rule(this, 'GuardSchedule', {
      description: 'quayside: look at the releases baking',
      schedule: Schedule.rate(Duration.minutes(AUTOMATION_SETTINGS.guardEveryMinutes)),
      // The next round comes a minute later: no retries that would overlap it.
      targets: [new LambdaFunction(props.guard.fn, { retryAttempts: 0 })],
    });
  }

  /** Lets a function send requests to the request queue, and nothing else of it. */
  static grantSend(queue: IQueue, fn: QuaysideFunction, key: IKey | undefined): void {
    fn.role.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    key?.grant(fn.role, 'kms:GenerateDataKey', 'kms:Decrypt');
  }
}
