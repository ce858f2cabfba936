import { SQSClient } from '@aws-sdk/client-sqs';
import { type FollowUpdate, followRequest, sendRequest } from '../client/index.ts';
import type { ReleaseId } from '../domain/index.ts';
import type { EngineClock } from '../engine/index.ts';
import type { ReleaseStore } from '../store/index.ts';

export interface QueuedRunInput {
  /** A DeployRequest v1 document (validated before sending). */
  readonly request: { requestId: string; release: ReleaseId; options?: { atomic?: boolean } } & Record<
    string,
    unknown
  >;
  readonly queueUrl: string;
  readonly store: ReleaseStore;
  readonly clock: EngineClock;
  /** Return after enqueueing, printing the request id. */
  readonly noFollow?: boolean;
  /** How long to follow before giving up (the request itself goes on). */
  readonly followMs: number;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** An SQS client; by default the SDK's, which honours AWS_ENDPOINT_URL_SQS, AWS_REGION and credentials. */
  readonly sqs?: SQSClient;
}

/**
 * Queued mode: sends the request to the worker's queue and follows it through
 * the store, printing progress on stderr. Exit code 0 deployed, 1 failed (or
 * no answer in time), 2 rejected.
 */
export async function runQueued(input: QueuedRunInput): Promise<number> {
  const sqs = input.sqs ?? new SQSClient({});
  try {
    await sendRequest(sqs, input.queueUrl, input.request);
  } finally {
    if (input.sqs === undefined) sqs.destroy();
  }
  const { requestId, release } = input.request;
  if (input.noFollow) {
    input.stdout(requestId);
    return 0;
  }
  input.stderr(`request ${requestId} queued for ${release.cluster}/${release.namespace}/${release.name}`);
  const end = await follow(input, requestId);
  if (end.kind === 'rejected') {
    input.stderr(`Error: request ${requestId} was rejected: ${end.reason}`);
    return 2;
  }
  if (end.kind !== 'finished') {
    input.stderr(
      `Error: no outcome for request ${requestId} yet; it is still queued or running. Follow it with: quayside status ${release.name} -n ${release.namespace}`,
    );
    return 1;
  }
  const status = end.revision?.status;
  if (status === 'failed' && input.request.options?.atomic) {
    const rollback = await follow(input, `${requestId}:rollback`);
    if (rollback.kind === 'finished') return 1;
  }
  if (status === 'failed') return 1;
  input.stdout(
    `Release "${release.name}" ${end.revision === undefined ? 'is done' : `revision ${end.revision.revision} is ${status}`}: ${end.revision?.description ?? 'the request had already run'}`,
  );
  return 0;
}

function follow(input: QueuedRunInput, requestId: string): Promise<FollowUpdate> {
  return followRequest({
    store: input.store,
    release: input.request.release,
    requestId,
    clock: input.clock,
    until: input.clock.now() + input.followMs,
    onUpdate: (update) => input.stderr(describe(update)),
  });
}

function describe(update: FollowUpdate): string {
  const elapsed = `${(update.elapsedMs / 1000).toFixed(1)} s`;
  switch (update.kind) {
    case 'queued':
      return `  waiting in the queue (${elapsed})`;
    case 'running':
      return `  revision ${update.revision.revision} ${update.revision.status}: ${update.revision.description} (${elapsed})`;
    case 'finished':
      return update.revision === undefined
        ? `  done (${elapsed})`
        : `  revision ${update.revision.revision} ${update.revision.status}: ${update.revision.description} (${elapsed})`;
    case 'rejected':
      return `  rejected (${elapsed})`;
    case 'gave-up':
      return `  still not finished after ${elapsed}`;
  }
}
