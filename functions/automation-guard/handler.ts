import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { createGuardFunction, type GuardReport, readAutomationConfig } from '../../lib/automation/index.ts';

const logger = new Logger({ serviceName: 'quayside-guard' });
const metrics = new Metrics({ namespace: 'quayside', serviceName: 'quayside-guard' });
const tracer = new Tracer({ serviceName: 'quayside-guard' });
const guard = await createGuardFunction(readAutomationConfig(process.env), {
  instrument: (client) => tracer.captureAWSv3Client(client),
  onEvent: (event) => logger.info(event.detailType, { description: event.detail.description }),
});

/** Every minute (an EventBridge schedule): one round over the releases baking. */
async function handle(): Promise<GuardReport> {
  const report = await guard();
  for (const { release, revision, verdict } of report.bakes) {
    const keys = {
      release: `${release.cluster}/${release.namespace}/${release.name}`,
      revision,
      verdict: verdict.kind,
    };
    if (verdict.kind === 'unchecked')
      logger.warn('could not check a baking release', { ...keys, reason: verdict.reason });
    else logger.info('baking release checked', keys);
    if (verdict.kind === 'verified') metrics.addMetric('Verified', MetricUnit.Count, 1);
    if (verdict.kind === 'trouble' && verdict.reaction.kind === 'rolled-back')
      metrics.addMetric('AutomaticRollbacks', MetricUnit.Count, 1);
  }
  metrics.addMetric('Baking', MetricUnit.Count, report.bakes.length);
  return report;
}

export const handler = middy(handle)
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
