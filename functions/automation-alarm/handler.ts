import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { type AlarmOutcome, createAlarmFunction, readAutomationConfig } from '../../lib/automation/index.ts';

// Built once per container.
const logger = new Logger({ serviceName: 'quayside-alarm' });
const metrics = new Metrics({ namespace: 'quayside', serviceName: 'quayside-alarm' });
const tracer = new Tracer({ serviceName: 'quayside-alarm' });
const onAlarm = await createAlarmFunction(readAutomationConfig(process.env), {
  instrument: (client) => tracer.captureAWSv3Client(client),
  onEvent: (event) => logger.info(event.detailType, { description: event.detail.description }),
});

/** An EventBridge rule sends every "CloudWatch Alarm State Change" here. */
async function handle(
  event: EventBridgeEvent<'CloudWatch Alarm State Change', unknown>,
): Promise<AlarmOutcome[]> {
  const outcomes = await onAlarm(event);
  for (const outcome of outcomes) {
    const { cluster, namespace, name } = outcome.release;
    logger.info('alarm during a bake', {
      release: `${cluster}/${namespace}/${name}`,
      revision: outcome.revision,
      reaction: outcome.reaction.kind,
    });
    if (outcome.reaction.kind === 'rolled-back') metrics.addMetric('AutomaticRollbacks', MetricUnit.Count, 1);
  }
  return outcomes;
}

export const handler = middy(handle)
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
