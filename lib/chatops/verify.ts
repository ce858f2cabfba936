import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../domain/index.ts';
import { SlackVerificationError } from './errors.ts';
import { CHAT_MESSAGES } from './messages.ts';

/** Slack's limit: a request older (or newer) than this is refused, as Slack's own SDKs do. */
export const MAX_REQUEST_AGE_SECONDS = 5 * 60;

const SIGNATURE_VERSION = 'v0';
const SIGNATURE_PATTERN = /^v0=[0-9a-f]{64}$/;

/** The headers Slack signs a request with (lower-case names, as Function URLs deliver them). */
export const SLACK_HEADERS = {
  signature: 'x-slack-signature',
  timestamp: 'x-slack-request-timestamp',
} as const;

/**
 * The body exactly as the caller sent it. Lambda Function URLs hand non-text bodies (Slack's
 * `application/x-www-form-urlencoded` among them) over base64-encoded; the signature covers the
 * bytes sent, so they are decoded before anything else looks at them.
 */
export function rawBodyOf(input: { body?: string | null; isBase64Encoded?: boolean }): Buffer {
  const body = input.body ?? '';
  return input.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/** Slack's v0 signature of a body sent at `timestamp` (epoch seconds): `v0=` + hex HMAC-SHA256. */
export function signSlackRequest(signingSecret: string, timestamp: number, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`${SIGNATURE_VERSION}:${timestamp}:`);
  hmac.update(rawBody);
  return `${SIGNATURE_VERSION}=${hmac.digest('hex')}`;
}

/** What a verified request proved: when Slack sent it, and its signature (the replay key). */
export interface VerifiedRequest {
  readonly timestamp: number;
  readonly signature: string;
}

/**
 * Checks that a request comes from Slack: the timestamp within five minutes of now, and the v0
 * signature of `v0:timestamp:raw body` under the signing secret, compared in constant time. Only
 * the two headers and the raw bytes are looked at; nothing in the body is parsed before this passes.
 * Whether the request was seen before is the replay guard's to say (it needs the store).
 * @throws SlackVerificationError naming what failed.
 */
export function verifySlackRequest(input: {
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: Buffer;
  signingSecret: string;
  clock: Clock;
}): VerifiedRequest {
  const signature = input.headers[SLACK_HEADERS.signature];
  const stamp = input.headers[SLACK_HEADERS.timestamp];
  if (signature === undefined || stamp === undefined) {
    throw new SlackVerificationError('missing-headers', CHAT_MESSAGES.missingHeaders);
  }
  if (!/^\d{1,12}$/.test(stamp) || !SIGNATURE_PATTERN.test(signature)) {
    throw new SlackVerificationError('malformed-signature', CHAT_MESSAGES.malformedSignature);
  }
  const timestamp = Number(stamp);
  const age = Math.abs(input.clock.now() / 1000 - timestamp);
  if (age > MAX_REQUEST_AGE_SECONDS) {
    throw new SlackVerificationError('stale-timestamp', CHAT_MESSAGES.staleTimestamp(Math.round(age)));
  }
  const expected = Buffer.from(signSlackRequest(input.signingSecret, timestamp, input.rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // Both are `v0=` + 64 hex digits (checked above), so the lengths match and the compare is constant-time.
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new SlackVerificationError('bad-signature', CHAT_MESSAGES.badSignature);
  }
  return { timestamp, signature };
}
