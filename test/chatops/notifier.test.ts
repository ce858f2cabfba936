import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTION_IDS,
  buildSlackMessage,
  buildTeamsMessage,
  createNotifier,
  createNotifierService,
  NotifyError,
  SlackThreads,
  slackWebApi,
  verifyWebhook,
} from '../../lib/chatops/index.ts';
import { ManualClock } from '../../lib/domain/index.ts';
import { parseStatusEvent, type StatusEvent } from '../../lib/events/index.ts';
import { startSecretsManagerStub } from '../../lib/local/secrets-manager.ts';
import { type SlackApiStub, startSlackApiStub } from '../../lib/local/slack-api.ts';
import { MemoryDriver } from '../../lib/store/index.ts';

const sample = (name: string): StatusEvent =>
  parseStatusEvent(
    JSON.parse(readFileSync(new URL(`../../events/status/${name}.json`, import.meta.url), 'utf8')),
  );
const upgrade = sample('release-deployed-blog-upgrade');
const failed = sample('release-failed-bootcamp');
const atomicRollback = sample('release-rolled-back-bootcamp-atomic');
const rejected = sample('request-rejected-invalid-name');
const at = (event: StatusEvent, time: string): StatusEvent => ({ ...event, time });

type Button = {
  action_id: string;
  text: { text: string };
  style?: string;
  value?: string;
  confirm?: unknown;
};
const buttonsOf = (message: { blocks: unknown[] }) =>
  (message.blocks as { type: string; elements?: Button[] }[]).flatMap((b) =>
    b.type === 'actions' ? (b.elements ?? []) : [],
  );

describe('status messages', () => {
  it('tell in Block Kit what happened, where, from → to revision, the chart, who asked through which channel and how long it took', () => {
    const message = buildSlackMessage(upgrade);
    expect(message.text).toBe(':white_check_mark: blog upgraded: revision 2 deployed');
    const text = JSON.stringify(message.blocks);
    for (const part of [
      '*Cluster / namespace*\\nlocal / tools',
      '*Revision*\\n1 → 2',
      '*Chart*\\nghost 1.24.9 (app 1.24.9)',
      'via ci',
      '*Took*',
    ]) {
      expect(text).toContain(part);
    }
  });

  it('give a verified bake, a skipped reaction and an import their own headline, without a rollback button or a duration', () => {
    const cases: [string, string, boolean][] = [
      ['release-verified-blog', 'blog: revision 5 verified, its bake ended without trouble', false],
      ['automation-skipped-blog-newer', 'blog: the automation did not act: ', false],
      ['release-imported-blog', 'blog imported from helm: revision ', true],
    ];
    for (const [name, headline, took] of cases) {
      const message = buildSlackMessage(sample(name));
      expect(message.text).toContain(headline);
      expect(buttonsOf(message).map((b) => b.text.text)).not.toContainEqual(
        expect.stringMatching(/^Roll back/),
      );
      expect(JSON.stringify(message.blocks).includes('*Took*')).toBe(took);
    }
  });

  it('offer "Roll back to N" (danger, with a confirmation, guarded by this revision) and "History"', () => {
    const [rollback, history] = buttonsOf(buildSlackMessage(upgrade));
    expect(rollback).toMatchObject({
      action_id: ACTION_IDS.rollback,
      text: { text: 'Roll back to 1' },
      style: 'danger',
    });
    expect(JSON.parse(rollback?.value ?? '')).toEqual({ release: 'local/tools/blog', to: 1, guard: 2 });
    expect(rollback?.confirm).toMatchObject({
      confirm: { text: 'Roll back' },
      deny: { text: 'Cancel' },
      style: 'danger',
    });
    expect(history).toMatchObject({ action_id: ACTION_IDS.history });
    // A failed upgrade offers the revision still deployed; an atomic rollback (a copy of it already) and a rejection offer none.
    expect(JSON.parse(buttonsOf(buildSlackMessage(failed))[0]?.value ?? '')).toMatchObject({
      to: 2,
      guard: 3,
    });
    expect(buttonsOf(buildSlackMessage(atomicRollback)).map((b) => b.action_id)).toEqual([
      ACTION_IDS.history,
    ]);
    expect(buttonsOf(buildSlackMessage(rejected)).map((b) => b.action_id)).not.toContain(ACTION_IDS.rollback);
  });

  it('say why a release failed', () => {
    expect(JSON.stringify(buildSlackMessage(failed).blocks)).toContain(
      '*Why:* Deployment default/kubernetes-bootcamp: 1 pod in ImagePullBackOff',
    );
  });

  it('become an Adaptive Card for a Teams Workflows webhook, with the same facts', () => {
    const card = buildTeamsMessage(failed) as {
      type: string;
      attachments: { contentType: string; content: Record<string, unknown> }[];
    };
    expect(card.type).toBe('message');
    expect(card.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.attachments[0]?.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    const body = JSON.stringify(card.attachments[0]?.content.body);
    expect(body).toContain('"type":"FactSet"');
    expect(body).toContain('Why: Deployment default/kubernetes-bootcamp');
  });
});

describe('the notifier, through the real Slack client against the Web API stand-in', () => {
  let slack: SlackApiStub;
  const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));

  beforeAll(async () => {
    slack = await startSlackApiStub({ token: 'xoxb-test', channels: { C0DEPLOYS: 'deploys' } });
  });
  afterAll(() => slack?.close());

  // Waiting for a thread another invocation is starting takes real (short) time.
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const notifier = (driver = new MemoryDriver()) =>
    createNotifier({
      clock,
      targets: {
        slack: {
          channel: 'C0DEPLOYS',
          threads: new SlackThreads({ driver, clock, sleep }),
          client: async () =>
            slackWebApi({ token: 'xoxb-test', apiUrl: slack.url, clock, patience: 'background' }),
        },
      },
    });

  it('keeps one thread per release and day; failures are also shown in the channel', async () => {
    const notify = notifier();
    const before = slack.posts.length;
    await notify(at(upgrade, '2026-11-23T10:00:00Z'));
    await notify(at(upgrade, '2026-11-23T11:00:00Z'));
    await notify(
      at(
        { ...failed, detail: { ...failed.detail, release: upgrade.detail.release } },
        '2026-11-23T12:00:00Z',
      ),
    );
    await notify(at(upgrade, '2026-11-24T09:00:00Z'));
    const posts = slack.posts.slice(before);
    expect(
      posts.map((p) => [
        p.threadTs === undefined ? 'thread' : p.threadTs === posts[0]?.ts ? 'reply' : 'other',
        p.broadcast,
      ]),
    ).toEqual([
      ['thread', false],
      ['reply', false],
      ['reply', true],
      ['thread', false],
    ]);
    expect(slack.violations).toEqual([]);
  });

  it('starts one thread when two events of a release arrive at once (an atomic failure and its rollback)', async () => {
    const notify = notifier();
    const before = slack.posts.length;
    await Promise.all([
      notify(at(failed, '2026-11-25T10:00:00Z')),
      notify(at(atomicRollback, '2026-11-25T10:00:01Z')),
    ]);
    const posts = slack.posts.slice(before);
    expect(posts.filter((p) => p.threadTs === undefined)).toHaveLength(1);
    expect(posts.filter((p) => p.threadTs !== undefined)).toHaveLength(1);
  });

  it('waits out a Slack rate limit rather than losing the message', async () => {
    const before = slack.posts.length;
    slack.rateLimitNext(1);
    const [result] = await notifier()(at(upgrade, '2026-11-26T10:00:00Z'));
    expect(result).toMatchObject({ target: 'slack', ok: true });
    expect(slack.posts.length).toBe(before + 1);
  }, 20_000);
});

describe('the signed webhook', () => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  let answers: number[] = [];
  let url = '';
  let close: () => void = () => {};

  beforeAll(async () => {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(answers.shift() ?? 200);
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/s3cr3t-path`;
    close = () => server.close();
  });
  afterAll(() => close());

  const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
  const send = () =>
    createNotifier({
      clock,
      sleep: async () => {},
      targets: { webhook: async () => ({ url, signingSecret: 'whsec-test' }) },
    })(upgrade);

  it('delivers the status event as EventBridge carries it, HMAC-signed, retrying a 5xx', async () => {
    received.length = 0;
    answers = [503, 200];
    const [result] = await send();
    expect(result).toMatchObject({ target: 'webhook', ok: true });
    expect(received).toHaveLength(2);
    const last = received[1] as { headers: IncomingHttpHeaders; body: string };
    expect(JSON.parse(last.body)).toMatchObject({
      source: 'quayside',
      'detail-type': 'Release Deployed',
      detail: { revision: 2 },
    });
    const headers = last.headers as Record<string, string>;
    expect(
      verifyWebhook({ secret: 'whsec-test', headers, body: last.body, nowSeconds: clock.now() / 1000 }),
    ).toBe(true);
    expect(verifyWebhook({ secret: 'wrong', headers, body: last.body, nowSeconds: clock.now() / 1000 })).toBe(
      false,
    );
    expect(
      verifyWebhook({ secret: 'whsec-test', headers, body: `${last.body} `, nowSeconds: clock.now() / 1000 }),
    ).toBe(false);
    expect(
      verifyWebhook({ secret: 'whsec-test', headers, body: last.body, nowSeconds: clock.now() / 1000 + 600 }),
    ).toBe(false);
  });

  it('gives up at once on a 4xx, saying so without the URL (a credential)', async () => {
    received.length = 0;
    answers = [404];
    const [result] = await send();
    expect(received).toHaveLength(1);
    expect(result?.ok).toBe(false);
    const error = (result as { error: unknown }).error;
    expect(error).toBeInstanceOf(NotifyError);
    expect((error as Error).message).toBe('webhook did not take the notification (HTTP 404)');
  });
});

describe('the notifier service, as the function builds it', () => {
  it('reads its secrets once per container and sends to Slack and Teams', async () => {
    const slack = await startSlackApiStub({ token: 'xoxb-svc', channels: { C0DEPLOYS: 'deploys' } });
    const teamsBodies: string[] = [];
    const teams = createServer((request, response) => {
      let body = '';
      request.on('data', (c: Buffer) => {
        body += c.toString();
      });
      request.on('end', () => {
        teamsBodies.push(body);
        response.writeHead(202);
        response.end();
      });
    });
    await new Promise<void>((resolve) => teams.listen(0, '127.0.0.1', resolve));
    const secrets = await startSecretsManagerStub({
      'quayside/slack': JSON.stringify({ botToken: 'xoxb-svc', signingSecret: 'x' }),
      'quayside/teams': JSON.stringify({
        url: `http://127.0.0.1:${(teams.address() as AddressInfo).port}/workflows`,
      }),
    });
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'l',
      AWS_SECRET_ACCESS_KEY: 'l',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    });
    try {
      const notify = await createNotifierService({
        storeUrl: 'memory://',
        slackSecret: 'quayside/slack',
        slackChannel: 'C0DEPLOYS',
        slackApiUrl: slack.url,
        teamsSecret: 'quayside/teams',
      });
      const envelope = JSON.parse(
        readFileSync(new URL('../../events/status/release-failed-bootcamp.json', import.meta.url), 'utf8'),
      );
      const first = await notify(envelope);
      await notify(envelope);
      expect(first.results.map((r) => [r.target, r.ok])).toEqual([
        ['slack', true],
        ['teams', true],
      ]);
      expect(slack.posts).toHaveLength(2);
      expect(teamsBodies).toHaveLength(2);
      expect([...secrets.reads].sort()).toEqual(['quayside/slack', 'quayside/teams']);
    } finally {
      process.env = saved;
      await slack.close();
      await secrets.close();
      teams.close();
    }
  });
});
