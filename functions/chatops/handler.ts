import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { createChatService, formatScope, rawBodyOf, readChatConfig } from '../../lib/chatops/index.ts';
import { formatReleaseId } from '../../lib/domain/index.ts';

// Built once per container. No Tracer here: X-Ray's SDK would add to every cold start, and Slack
// gives the whole request 3 s; Lambda's active tracing still records the invocation.
const logger = new Logger({ serviceName: 'quayside-chatops' });
const metrics = new Metrics({ namespace: 'quayside', serviceName: 'quayside-chatops' });
const serve = await createChatService(readChatConfig(process.env), {
  onRefused: (reason) => {
    logger.warn('request refused before anything in it was read', { reason });
    metrics.addMetric('ChatRefused', MetricUnit.Count, 1);
  },
  onRequest: (entry) => {
    logger.info('chat request', { ...entry });
    if (entry.outcome === 'queued') metrics.addMetric('ChatQueued', MetricUnit.Count, 1);
    if (entry.outcome === 'scheduled') metrics.addMetric('ChatScheduled', MetricUnit.Count, 1);
    if (entry.outcome === 'refused') metrics.addMetric('ChatDenied', MetricUnit.Count, 1);
  },
  // Every authorization decision is logged: who, which right, on what, and the grant that allowed it.
  onDecision: (decision, caller) =>
    logger.info(decision.allowed ? 'access allowed' : 'access denied', {
      subject: decision.subject,
      name: caller.name,
      groups: decision.groups,
      right: decision.right,
      release: formatReleaseId(decision.target),
      allowed: decision.allowed,
      ...(decision.grant === undefined
        ? {}
        : {
            grant: `${decision.grant.right} ${decision.grant.subject} on ${formatScope(decision.grant.scope)}`,
          }),
    }),
  onUnexpectedError: (error, id) => logger.error('unexpected error', { id, error }),
});

/** A Slack slash command or button click, through the Function URL. */
async function handle(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  metrics.addMetric('ChatRequests', MetricUnit.Count, 1);
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const response = await serve({
    method: event.requestContext.http.method,
    headers,
    rawBody: rawBodyOf(event),
  });
  return { statusCode: response.statusCode, headers: response.headers, body: response.body };
}

export const handler = middy(handle)
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
