import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { formatReleaseId, ValidationError } from '../domain/index.ts';
import {
  type DeployRequest,
  deduplicationIdOf,
  INLINE_CHART_MAX_CHARS,
  parseDeployRequest,
  SQS_MAX_MESSAGE_BYTES,
} from '../requests/index.ts';
import { SEND_MESSAGES } from './messages.ts';

/** The request does not fit one SQS message; the message says which part is large and what to do. */
export class RequestTooLargeError extends ValidationError {
  readonly bytes: number;

  constructor(field: string, message: string, bytes: number) {
    super([{ field, message }]);
    this.message = message;
    this.bytes = bytes;
  }
}

const bytesOf = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));

/**
 * Refuses a request SQS would refuse (over 256 KiB), or whose inline chart is over what a request
 * may carry, naming the large part and the way out: a chart from a repository or an OCI registry.
 * @throws RequestTooLargeError
 */
export function checkRequestSize(request: unknown): void {
  const body = request as {
    chart?: { inline?: unknown };
    values?: unknown;
    set?: unknown;
    setJson?: unknown;
  };
  const total = bytesOf(request);
  const chart = bytesOf(body.chart?.inline);
  const values = bytesOf(body.values) + bytesOf(body.set) + bytesOf(body.setJson);
  const wayOut = chart >= values ? SEND_MESSAGES.chartWayOut : SEND_MESSAGES.valuesWayOut;
  if (total > SQS_MAX_MESSAGE_BYTES) {
    throw new RequestTooLargeError(
      chart >= values ? 'chart.inline' : 'values',
      SEND_MESSAGES.tooLarge({ total, limit: SQS_MAX_MESSAGE_BYTES, chart, values, wayOut }),
      total,
    );
  }
  const inline = body.chart?.inline;
  if (typeof inline === 'string' && inline.length > INLINE_CHART_MAX_CHARS) {
    throw new RequestTooLargeError(
      'chart.inline',
      SEND_MESSAGES.inlineTooLarge(inline.length, INLINE_CHART_MAX_CHARS, SEND_MESSAGES.chartWayOut),
      total,
    );
  }
}

/**
 * Validates a DeployRequest as the worker will, then puts it on the FIFO
 * queue: group `cluster/namespace/name` (one release's requests run in order),
 * deduplication id = request id and a digest of its content (an identical resend within five
 * minutes is dropped; the same id with other content reaches the worker, which refuses it).
 * @throws RequestTooLargeError when it cannot fit one message, ValidationError naming each invalid
 *   field, before anything is sent.
 */
export async function sendRequest(
  sqs: SQSClient,
  queueUrl: string,
  request: unknown,
): Promise<DeployRequest> {
  checkRequestSize(request);
  const parsed = parseDeployRequest(request);
  if (!parsed.ok) throw new ValidationError(parsed.problems);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageGroupId: formatReleaseId(parsed.request.release),
      MessageDeduplicationId: deduplicationIdOf(parsed.request),
      MessageBody: JSON.stringify(request),
    }),
  );
  return parsed.request;
}
