import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { createNotifierService, readNotifierConfig } from '../../lib/chatops/index.ts';
import { formatReleaseId } from '../../lib/domain/index.ts';
import { InvalidStatusEventError } from '../../lib/events/index.ts';

const logger = new Logger({ serviceName: 'quayside-notifier' });
const metrics = new Metrics({ namespace: 'quayside', serviceName: 'quayside-notifier' });
const notify = await createNotifierService(readNotifierConfig(process.env));

/**
 * One status event from the `quayside` bus → Slack, a signed webhook, Teams. A target that fails is
 * logged and counted, not retried by failing the invocation: the others would be sent twice.
 */
async function handle(event: EventBridgeEvent<string, unknown>): Promise<void> {
  let outcome: Awaited<ReturnType<typeof notify>>;
  try {
    outcome = await notify(event);
  } catch (error) {
    if (!(error instanceof InvalidStatusEventError)) throw error;
    logger.error('not a quayside status event; nothing sent', { error, detailType: event['detail-type'] });
    return;
  }
  const { detail } = outcome.event;
  const keys = {
    detailType: outcome.event.detailType,
    ...(detail.requestId === undefined ? {} : { requestId: detail.requestId }),
    ...(detail.release === undefined ? {} : { release: formatReleaseId(detail.release) }),
    ...(detail.revision === undefined ? {} : { revision: detail.revision }),
  };
  for (const result of outcome.results) {
    if (result.ok) {
      logger.info('notification sent', {
        target: result.target,
        ...keys,
        ...(result.detail === undefined ? {} : { detail: result.detail }),
      });
      metrics.addMetric('NotificationsSent', MetricUnit.Count, 1);
    } else {
      logger.error('notification not delivered', { target: result.target, ...keys, error: result.error });
      metrics.addMetric('NotificationsFailed', MetricUnit.Count, 1);
    }
  }
}

export const handler = middy(handle)
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
