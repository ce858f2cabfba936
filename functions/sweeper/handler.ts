import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SweepResult } from '../../lib/worker/index.ts';
import { createSweeper } from '../../lib/worker/index.ts';

const logger = new Logger({ serviceName: 'quayside-sweeper' });
const metrics = new Metrics({ namespace: 'quayside', serviceName: 'quayside-sweeper' });
const sweep = await createSweeper(process.env);

/** Every few minutes (an EventBridge schedule): end operations whose worker died. */
async function handle(): Promise<SweepResult> {
  const result = await sweep();
  for (const entry of result.interrupted) logger.warn('interrupted operation recorded as failed', entry);
  // The alarm on interrupted releases watches this metric.
  metrics.addMetric('InterruptedReleases', MetricUnit.Count, result.interrupted.length);
  return result;
}

export const handler = middy(handle)
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
