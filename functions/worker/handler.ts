import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { workerAutomation } from '../../lib/automation/index.ts';
import type { MessageOutcome } from '../../lib/requests/index.ts';
import { createWorker, readWorkerConfig } from '../../lib/worker/index.ts';

// Built once per container: clients, connections and the chart engine stay warm between batches.
const logger = new Logger({ serviceName: 'quayside-worker' });
const metrics = new Metrics({ namespace: 'quayside', serviceName: 'quayside-worker' });
const tracer = new Tracer({ serviceName: 'quayside-worker' });
const worker = await createWorker(readWorkerConfig(process.env), {
  onUnexpectedError: (error) => logger.error('unexpected error', { error }),
  onWaiting: (request, reason) => logger.info(reason, keysOf(request)),
  onVisibilityError: (error) => logger.warn('could not change message visibility', { error }),
  instrument: (client) => tracer.captureAWSv3Client(client),
  automation: workerAutomation,
});

async function handle(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const { response, outcomes } = await worker.handle(event.Records, () => context.getRemainingTimeInMillis());
  for (const outcome of outcomes) record(outcome);
  return response;
}

/** One log line and one set of metrics per message: who asked for what, and how it ended — never values. */
function record(outcome: MessageOutcome): void {
  const keys = {
    messageId: outcome.messageId,
    outcome: outcome.outcome,
    ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    ...(outcome.request === undefined ? {} : keysOf(outcome.request)),
    ...(outcome.result?.revision === undefined ? {} : { revision: outcome.result.revision }),
    ...(outcome.result === undefined ? {} : { status: outcome.result.status }),
  };
  if (outcome.outcome === 'dead-letter')
    logger.error('request given up: left to the dead-letter queue', keys);
  else if (outcome.outcome === 'rejected') logger.warn('request rejected', keys);
  else logger.info(`request ${outcome.outcome}`, keys);

  const release = outcome.request?.release;
  metrics.addDimensions({
    cluster: release?.cluster ?? 'unknown',
    action: outcome.request?.action ?? 'unknown',
  });
  metrics.addMetric('Requests', MetricUnit.Count, 1);
  for (const name of countedAs(outcome)) metrics.addMetric(name, MetricUnit.Count, 1);
  if (outcome.result?.durationMs !== undefined) {
    metrics.addMetric('Duration', MetricUnit.Milliseconds, outcome.result.durationMs);
  }
  metrics.publishStoredMetrics();
}

/** The outcome counters a message adds to: Deployed, Failed, RolledBack, Rejected, DeadLettered, Retried. */
function countedAs(outcome: MessageOutcome): string[] {
  const { result, request } = outcome;
  switch (outcome.outcome) {
    case 'rejected':
      return ['Rejected'];
    case 'dead-letter':
      return ['DeadLettered'];
    case 'retry':
      return ['Retried'];
    case 'done':
      if (result?.status === 'failed') return result.rolledBack ? ['Failed', 'RolledBack'] : ['Failed'];
      if (result?.status !== 'deployed' && result?.status !== 'uninstalled') return [];
      return request?.action === 'rollback' ? ['Deployed', 'RolledBack'] : ['Deployed'];
  }
}

function keysOf(request: {
  requestId: string;
  action: string;
  release: { cluster: string; namespace: string; name: string };
}) {
  const { cluster, namespace, name } = request.release;
  return { requestId: request.requestId, action: request.action, release: `${cluster}/${namespace}/${name}` };
}

// Metrics are published per message (each with its cluster and action), so no end-of-invocation flush.
export const handler = middy(handle)
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger, { logEvent: false }));
