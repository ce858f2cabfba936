import type { MessageOutcome } from './batch.ts';

/**
 * Lambda's SQS partial batch response (ReportBatchItemFailures), defined here so that lib
 * needs no aws-lambda types. Listed messages return to the queue; the rest are deleted.
 */
export interface SqsBatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

/** Returns the messages to retry (or to dead-letter) to the queue; done and rejected ones are deleted. */
export function toBatchResponse(outcomes: readonly MessageOutcome[]): SqsBatchResponse {
  return {
    batchItemFailures: outcomes
      .filter((outcome) => outcome.outcome === 'retry' || outcome.outcome === 'dead-letter')
      .map((outcome) => ({ itemIdentifier: outcome.messageId })),
  };
}
