import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { formatReleaseId, ValidationError } from '../domain/index.ts';
import { type DeployRequest, parseDeployRequest } from '../requests/index.ts';

/**
 * Validates a DeployRequest as the worker will, then puts it on the FIFO
 * queue: group `cluster/namespace/name` (one release's requests run in order),
 * deduplication id = request id (a resend within five minutes is dropped).
 * @throws ValidationError naming each invalid field, before anything is sent.
 */
export async function sendRequest(
  sqs: SQSClient,
  queueUrl: string,
  request: unknown,
): Promise<DeployRequest> {
  const parsed = parseDeployRequest(request);
  if (!parsed.ok) throw new ValidationError(parsed.problems);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageGroupId: formatReleaseId(parsed.request.release),
      MessageDeduplicationId: parsed.request.requestId,
      MessageBody: JSON.stringify(request),
    }),
  );
  return parsed.request;
}
