import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { RequestQueues } from './request-queues.ts';

/** How long the oldest request may wait in the queue before someone should look. */
const OLDEST_MESSAGE_ALARM = Duration.minutes(20);

/**
 * What an operator must hear about: a request in the dead-letter queue, worker errors or
 * throttles, requests waiting too long, and operations whose worker died (the sweeper's metric).
 */
export class QuaysideAlarms extends Construct {
  readonly alarms: Alarm[];

  constructor(
    scope: Construct,
    id: string,
    props: { queues: RequestQueues; worker: IFunction; sweeper: IFunction; topic?: ITopic },
  ) {
    super(scope, id);
    const atLeastOne = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    };
    this.alarms = [
      new Alarm(this, 'DeadLetters', {
        alarmDescription:
          'A deploy request is in the dead-letter queue: `quayside dlq list` shows it and why',
        metric: props.queues.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
        }),
        ...atLeastOne,
      }),
      new Alarm(this, 'WorkerErrors', {
        alarmDescription: 'The worker failed invocations (a crash or timeout, not a failed release)',
        metric: props.worker.metricErrors({ period: Duration.minutes(5) }),
        ...atLeastOne,
      }),
      new Alarm(this, 'WorkerThrottles', {
        alarmDescription: 'The worker was throttled: requests wait longer than they should',
        metric: props.worker.metricThrottles({ period: Duration.minutes(5) }),
        ...atLeastOne,
      }),
      new Alarm(this, 'OldestRequest', {
        alarmDescription: `A deploy request has waited in the queue over ${OLDEST_MESSAGE_ALARM.toMinutes()} minutes`,
        metric: props.queues.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1) }),
        threshold: OLDEST_MESSAGE_ALARM.toSeconds(),
        evaluationPeriods: 3,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'InterruptedReleases', {
        alarmDescription:
          'The sweeper found operations whose worker died; their revisions are recorded failed',
        metric: new Metric({
          namespace: 'quayside',
          metricName: 'InterruptedReleases',
          dimensionsMap: { service: 'quayside-sweeper' },
          statistic: 'Sum',
          period: Duration.minutes(5),
        }),
        ...atLeastOne,
      }),
    ];
    if (props.topic !== undefined) {
      const action = new SnsAction(props.topic);
      for (const alarm of this.alarms) alarm.addAlarmAction(action);
    }
  }
}
