import { describe, expect, it } from 'vitest';
import {
  MAX_REQUEST_AGE_SECONDS,
  rawBodyOf,
  SlackVerificationError,
  signSlackRequest,
  verifySlackRequest,
} from '../../lib/chatops/index.ts';
import { ManualClock } from '../../lib/domain/index.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const clock = new ManualClock(Date.UTC(2026, 10, 23, 3, 0, 0));
const now = Math.floor(clock.now() / 1000);
const body = 'token=x&team_id=T0LOCAL&user_id=UALICE&command=%2Fquayside&text=rollback+blog+1';
const headersFor = (rawBody: string, timestamp = now, secret = SECRET) => ({
  'x-slack-request-timestamp': String(timestamp),
  'x-slack-signature': signSlackRequest(secret, timestamp, rawBody),
});

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SlackVerificationError);
    return (error as SlackVerificationError).reason;
  }
  throw new Error('accepted');
}

describe("Slack's v0 request signature", () => {
  it("signs as Slack's documentation example does (v0=HMAC-SHA256 of v0:timestamp:body, hex)", () => {
    // The example of Slack's "Verifying requests from Slack" page.
    const exampleBody =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest(SECRET, 1531420618, exampleBody)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('accepts a request signed with the signing secret within five minutes', () => {
    const verified = verifySlackRequest({
      headers: headersFor(body),
      rawBody: Buffer.from(body),
      signingSecret: SECRET,
      clock,
    });
    expect(verified.timestamp).toBe(now);
  });

  it('refuses a forged signature, a body altered after signing, and a request without the headers', () => {
    const raw = Buffer.from(body);
    expect(
      refusal(() =>
        verifySlackRequest({
          headers: headersFor(body, now, 'not-the-secret'),
          rawBody: raw,
          signingSecret: SECRET,
          clock,
        }),
      ),
    ).toBe('bad-signature');
    const altered = Buffer.from(body.replace('blog+1', 'blog+2'));
    expect(
      refusal(() =>
        verifySlackRequest({ headers: headersFor(body), rawBody: altered, signingSecret: SECRET, clock }),
      ),
    ).toBe('bad-signature');
    expect(
      refusal(() => verifySlackRequest({ headers: {}, rawBody: raw, signingSecret: SECRET, clock })),
    ).toBe('missing-headers');
    expect(
      refusal(() =>
        verifySlackRequest({
          headers: { ...headersFor(body), 'x-slack-signature': 'v0=abc' },
          rawBody: raw,
          signingSecret: SECRET,
          clock,
        }),
      ),
    ).toBe('malformed-signature');
  });

  it('refuses a timestamp more than five minutes old or ahead, even correctly signed', () => {
    for (const skew of [-(MAX_REQUEST_AGE_SECONDS + 1), MAX_REQUEST_AGE_SECONDS + 1]) {
      const stamp = now + skew;
      const reason = refusal(() =>
        verifySlackRequest({
          headers: headersFor(body, stamp),
          rawBody: Buffer.from(body),
          signingSecret: SECRET,
          clock,
        }),
      );
      expect(reason).toBe('stale-timestamp');
    }
    // The edge itself is still inside.
    const edge = now - MAX_REQUEST_AGE_SECONDS;
    expect(
      verifySlackRequest({
        headers: headersFor(body, edge),
        rawBody: Buffer.from(body),
        signingSecret: SECRET,
        clock,
      }).timestamp,
    ).toBe(edge);
  });

  it('verifies the bytes as sent: a Function URL base64 body is decoded first, byte for byte', () => {
    const withUtf8 = `${body}+%E2%9C%93&name=Jos%C3%A9`;
    const decoded = rawBodyOf({ body: Buffer.from(withUtf8).toString('base64'), isBase64Encoded: true });
    expect(decoded.equals(Buffer.from(withUtf8))).toBe(true);
    expect(
      verifySlackRequest({ headers: headersFor(withUtf8), rawBody: decoded, signingSecret: SECRET, clock })
        .signature,
    ).toMatch(/^v0=/);
    expect(rawBodyOf({ body: withUtf8, isBase64Encoded: false }).equals(Buffer.from(withUtf8))).toBe(true);
    expect(rawBodyOf({ body: null }).length).toBe(0);
  });
});
