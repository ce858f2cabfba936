import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../domain/index.ts';
import { type StatusEvent, toEventJson } from '../../events/index.ts';
import { NotifyError } from '../errors.ts';

/** Headers of a signed webhook delivery (Slack's scheme, with quayside's names). */
export const WEBHOOK_HEADERS = {
  signature: 'x-quayside-signature',
  timestamp: 'x-quayside-timestamp',
  event: 'x-quayside-event',
} as const;

/** `v1=` + hex HMAC-SHA256 of `v1:TIMESTAMP:BODY` under the shared secret. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`v1:${timestamp}:${body}`).digest('hex')}`;
}

/**
 * What a receiver does with a delivery (shown in docs/chatops.md, used by the tests): the signature
 * compared in constant time, the timestamp within five minutes.
 */
export function verifyWebhook(input: {
  secret: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
  nowSeconds: number;
}): boolean {
  const stamp = Number(input.headers[WEBHOOK_HEADERS.timestamp]);
  const given = Buffer.from(input.headers[WEBHOOK_HEADERS.signature] ?? '');
  if (!Number.isInteger(stamp) || Math.abs(input.nowSeconds - stamp) > 300) return false;
  const expected = Buffer.from(signWebhook(input.secret, stamp, input.body));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** An HTTPS POST that returns the status (injected in tests to count calls; fetch otherwise). */
export type Post = (
  url: string,
  init: { headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number }>;

export const fetchPost: Post = async (url, init) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: init.headers,
    body: init.body,
    signal: init.signal,
    redirect: 'error',
  });
  await response.arrayBuffer();
  return { status: response.status };
};

/**
 * POSTs JSON, retrying what may pass (a network error, 429, 5xx) a few times with growing pauses,
 * never what will not (other 4xx). The URL is never in an error message: a Teams Workflows URL is
 * itself a credential.
 * @throws NotifyError after the last try.
 */
export async function postJson(input: {
  target: string;
  url: string;
  body: string;
  headers?: Record<string, string>;
  post?: Post;
  sleep?: (ms: number) => Promise<void>;
  attempts?: number;
}): Promise<void> {
  const post = input.post ?? fetchPost;
  const sleep = input.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const attempts = input.attempts ?? 4;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const { status } = await post(input.url, {
        headers: { 'content-type': 'application/json', 'user-agent': 'quayside', ...input.headers },
        body: input.body,
        signal: AbortSignal.timeout(5000),
      });
      if (status >= 200 && status < 300) return;
      last = `HTTP ${status}`;
      if (status !== 429 && status < 500) break;
    } catch (error) {
      last = (error as Error).name;
    }
    if (attempt < attempts) await sleep(250 * 2 ** attempt);
  }
  throw new NotifyError(input.target, `${input.target} did not take the notification (${last})`);
}

/** Delivers a status event, as EventBridge carries it, to an HTTPS endpoint, signed. */
export async function sendWebhook(input: {
  url: string;
  secret: string;
  event: StatusEvent;
  clock: Clock;
  post?: Post;
  sleep?: (ms: number) => Promise<void>;
}): Promise<void> {
  const body = JSON.stringify(toEventJson(input.event));
  const timestamp = Math.floor(input.clock.now() / 1000);
  await postJson({
    target: 'webhook',
    url: input.url,
    body,
    headers: {
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: signWebhook(input.secret, timestamp, body),
      [WEBHOOK_HEADERS.event]: input.event.detailType,
    },
    ...(input.post === undefined ? {} : { post: input.post }),
    ...(input.sleep === undefined ? {} : { sleep: input.sleep }),
  });
}
