import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTOMATION_SETTINGS, listScheduledRequests } from '../../lib/automation/index.ts';
import {
  AccessPolicy,
  ChatSettings,
  type CommandDeps,
  parseCommand,
  parseGrant,
  type Right,
  runSchedule,
  type ScheduleCommand,
  SchedulingUnavailableError,
} from '../../lib/chatops/index.ts';
import { type ReleaseId, systemClock } from '../../lib/domain/index.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../lib/local/index.ts';
import { CHANNEL, type ChatWorld, CLUSTER, startChatWorld } from './world.ts';

const HOUR = 3_600_000;

/** `2026-12-01T06:00`: the wall-clock time `instant` shows in a zone, as --at takes it. */
function wallTime(instant: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(new Date(instant))
    .replace(' ', 'T');
}

const scheduleNameIn = (reply: string) => /Schedule `([\w.-]+)`/.exec(reply)?.[1];

let releases = 0;

describe('/quayside schedule: scheduled requests from chat, through the local EventBridge Scheduler', () => {
  let w: ChatWorld;
  let scheduler: SchedulerClient;
  let policy: AccessPolicy;
  const grant = (user: string, right: Right, release: string) =>
    policy.grant(parseGrant({ subject: `slack:U${user.toUpperCase()}`, right, namespace: 'tools', release }));
  /** A release of three revisions, 3 deployed, under a name no other test uses. */
  const release = async (): Promise<ReleaseId> => {
    const id = { cluster: CLUSTER, namespace: 'tools', name: `blog${++releases}` };
    await w.recordRevisions(id, 3);
    return id;
  };
  /**
   * A whole minute some hours after the scheduler's time (--at takes minutes). Its clock only moves
   * forward from the real time, so this is in the future for the chat function too.
   */
  const inHours = (hours: number) => Math.ceil((w.schedulerClock.now() + hours * HOUR) / 60_000) * 60_000;
  const fireAt = async (instant: number) => {
    w.schedulerClock.set(instant);
    await w.scheduler.idle();
  };

  beforeAll(async () => {
    w = await startChatWorld();
    policy = new AccessPolicy({ driver: w.driver, clock: systemClock });
    // The channel's default cluster, as the other commands take it: commands here give -n only.
    await new ChatSettings(w.driver).setChannel({ channel: CHANNEL, cluster: CLUSTER });
    scheduler = new SchedulerClient({
      endpoint: w.schedulerEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
  }, 60_000);
  afterAll(async () => {
    scheduler?.destroy();
    await w?.close();
  });

  it('makes the one-time schedule lib/automation makes, which fires once into the release’s group, sent on behalf of the Slack user', async () => {
    const blog = await release();
    await grant('alice', 'rollback', blog.name);
    await grant('alice', 'read', blog.name);
    const due = inHours(2);
    const reply = await w.slash(
      `schedule rollback ${blog.name} 1 -n tools --at ${wallTime(due, 'Europe/Paris')} --tz Europe/Paris`,
      'alice',
    );
    expect(reply.status).toBe(200);
    const name = scheduleNameIn(reply.text) as string;
    expect(name).toMatch(new RegExp(`^${blog.name}-rollback-[0-9a-f]{8}$`));
    // Ephemeral, the time in the zone and in UTC, and how to cancel it.
    expect(reply.json?.response_type).toBe('ephemeral');
    expect(reply.text).toContain(`rollback of ${blog.name} in ${CLUSTER}/tools to revision 1`);
    expect(reply.text).toContain(`${wallTime(due, 'Europe/Paris').replace('T', ' ')}:00 Europe/Paris`);
    expect(reply.text).toContain(new Date(due).toISOString());
    expect(reply.text).toContain(`/quayside schedule cancel ${name}`);

    const made = await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: 'quayside' }));
    expect(made).toMatchObject({
      ScheduleExpression: `at(${wallTime(due, 'Europe/Paris')}:00)`,
      ScheduleExpressionTimezone: 'Europe/Paris',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        RoleArn: expect.stringMatching(/:role\/quayside-scheduler-/),
        SqsParameters: { MessageGroupId: `${CLUSTER}/tools/${blog.name}` },
        RetryPolicy: {
          MaximumRetryAttempts: AUTOMATION_SETTINGS.scheduleRetry.maximumRetryAttempts,
          MaximumEventAgeInSeconds: AUTOMATION_SETTINGS.scheduleRetry.maximumEventAgeSeconds,
        },
        DeadLetterConfig: { Arn: expect.stringMatching(/:quayside-automation-dlq$/) },
      },
    });

    await fireAt(due - 1000);
    expect(await w.drainQueue()).toEqual([]);
    await fireAt(due);
    const sent = await w.drainQueue();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      requestId: `schedule-${name}`,
      action: 'rollback',
      release: blog,
      revision: 1,
      requestedBy: { principal: `schedule ${name} (made by slack:UALICE (alice))`, channel: 'schedule' },
      requestedAt: new Date(due).toISOString().replace('.000Z', 'Z'),
      automation: {
        cause: 'schedule',
        schedule: name,
        createdBy: 'slack:UALICE (alice)',
        revisionAtCreation: 3,
      },
    });
    // Once: deleted after it ran, never sent again.
    await fireAt(due + 2 * HOUR);
    expect(await w.drainQueue()).toEqual([]);
    expect((await w.slash(`schedule list ${blog.name} -n tools`, 'alice')).text).toContain('No schedules');
  });

  it('chooses a rollback’s revision when the schedule is made, and refuses a revision or release that does not exist', async () => {
    const blog = await release();
    await grant('alice', 'rollback', blog.name);
    const at = `--at ${wallTime(inHours(1), 'UTC')}`;
    const made = await w.slash(`schedule rollback ${blog.name} -n tools ${at}`, 'alice');
    expect(made.text).toContain('to revision 2');
    const missing = await w.slash(`schedule rollback ${blog.name} 9 -n tools ${at}`, 'alice');
    expect(missing.text).toMatch(/revision 9/);
    expect(missing.text).not.toContain('Scheduled');
    await grant('alice', 'rollback', 'nosuch');
    const unknown = await w.slash(`schedule rollback nosuch -n tools ${at}`, 'alice');
    expect(unknown.text).toContain('release "nosuch" not found');
    // An upgrade of a release that does not exist needs --install, as helm's does.
    await grant('alice', 'deploy', 'nosuch');
    const upgrade = `schedule upgrade nosuch oci://r.example/c/blog -n tools ${at}`;
    expect((await w.slash(upgrade, 'alice')).text).toContain(
      'nosuch is not in the store: only an upgrade with --install may be scheduled',
    );
    expect((await w.slash(`${upgrade} --install`, 'alice')).text).toContain('Scheduled: upgrade of nosuch');
  });

  it('needs the right the action needs: rollback to schedule a rollback, deploy for an upgrade or an uninstall, read to list', async () => {
    const blog = await release();
    await grant('bob', 'deploy', blog.name);
    await grant('carol', 'rollback', blog.name);
    const at = `--at ${wallTime(inHours(3), 'UTC')} --tz UTC`;
    const refusals = [
      { user: 'bob', text: `schedule rollback ${blog.name} 1 -n tools ${at}`, right: 'rollback' },
      {
        user: 'carol',
        text: `schedule upgrade ${blog.name} oci://r.example/c/blog -n tools ${at}`,
        right: 'deploy',
      },
      { user: 'carol', text: `schedule uninstall ${blog.name} -n tools ${at}`, right: 'deploy' },
      { user: 'bob', text: `schedule list ${blog.name} -n tools`, right: 'read' },
    ];
    for (const r of refusals) {
      const reply = await w.slash(r.text, r.user);
      expect(reply.text, r.text).toContain(
        `the right \`${r.right}\` on ${CLUSTER}/tools/${blog.name} is missing`,
      );
      expect(reply.text, r.text).toContain(`quayside access grant ${r.right} slack:U${r.user.toUpperCase()}`);
    }
    // Nothing was made for any of them.
    const all = await w.slash('schedule list', 'bob');
    expect(all.text).not.toContain(blog.name);
    // The rights that do fit are enough.
    expect((await w.slash(`schedule rollback ${blog.name} 1 -n tools ${at}`, 'carol')).text).toContain(
      'Scheduled: rollback',
    );
    const upgrade = await w.slash(
      `schedule upgrade ${blog.name} oci://r.example/c/blog@1.2.3 --atomic -n tools ${at}`,
      'bob',
    );
    expect(upgrade.text).toContain(
      `Scheduled: upgrade of ${blog.name} in ${CLUSTER}/tools to oci://r.example/c/blog 1.2.3`,
    );
    expect(
      (await w.slash(`schedule uninstall ${blog.name} --keep-history -n tools ${at}`, 'bob')).text,
    ).toContain(', keeping its history');
  });

  it('lists the schedules of releases the caller may read, and cancels one for whoever has the right its action needs', async () => {
    const blog = await release();
    const hidden = await release();
    await grant('dave', 'read', blog.name);
    await grant('erin', 'rollback', blog.name);
    await grant('erin', 'rollback', hidden.name);
    await grant('frank', 'deploy', blog.name);
    const due = inHours(4);
    const at = `--at ${wallTime(due, 'America/New_York')} --tz America/New_York`;
    const name = scheduleNameIn(
      (await w.slash(`schedule rollback ${blog.name} 1 -n tools ${at}`, 'erin')).text,
    ) as string;
    const other = scheduleNameIn(
      (await w.slash(`schedule rollback ${hidden.name} 2 -n tools ${at}`, 'erin')).text,
    );
    expect(other).toBeDefined();

    const listed = (await w.slash(`schedule list -n tools --cluster ${CLUSTER}`, 'dave')).text;
    expect(listed).toContain(name);
    expect(listed).toContain(`${CLUSTER}/tools/${blog.name}`);
    expect(listed).toContain('America/New_York');
    expect(listed).toContain('rollback 1');
    expect(listed).toContain('slack:UERIN (erin)');
    expect(listed).not.toContain(other as string);
    expect(listed).toMatch(/\d+ more on releases you have no `read` right on (is|are) not shown/);
    expect((await w.slash(`schedule list ${blog.name} -n tools`, 'dave')).text).toContain(name);

    // Cancelling a rollback takes the rollback right on its release: deploy is not enough, read neither.
    for (const user of ['frank', 'dave']) {
      expect((await w.slash(`schedule cancel ${name}`, user)).text).toContain(
        `the right \`rollback\` on ${CLUSTER}/tools/${blog.name} is missing`,
      );
    }
    const cancelled = await w.slash(`schedule cancel ${name}`, 'erin');
    expect(cancelled.text).toContain(`Cancelled schedule \`${name}\``);
    expect(cancelled.text).toContain(`rollback to revision 1 of ${blog.name} in ${CLUSTER}/tools`);
    expect((await w.slash(`schedule list ${blog.name} -n tools`, 'dave')).text).toContain('No schedules');
    expect((await w.slash(`schedule cancel ${name}`, 'erin')).text).toContain(`no schedule "${name}"`);

    // A cancelled schedule never fires; the other one does.
    await fireAt(due + 1000);
    const sent = (await w.drainQueue()).filter((r) =>
      [blog.name, hidden.name].includes((r.release as ReleaseId).name),
    );
    expect(sent.map((r) => r.requestId)).toEqual([`schedule-${other}`]);
  });

  it('refuses a time in the past, one it cannot read, one the zone skips and an unknown zone, naming what is wrong, and makes nothing', async () => {
    const blog = await release();
    await grant('gina', 'rollback', blog.name);
    const cases = [
      { at: '--at 2020-01-01T06:00', says: '--at is in the past (2020-01-01T06:00:00.000Z)' },
      { at: '--at tomorrow', says: '--at must be a date and time such as 2026-12-01T06:00' },
      { at: '--at 2031-02-30T06:00', says: '--at is not a real date and time' },
      { at: '--at 2031-03-30T02:30 --tz Europe/Paris', says: '--at does not exist in Europe/Paris' },
      { at: '--at 2031-01-01T06:00 --tz Mars/Olympus_Mons', says: '--tz is not a known IANA time zone' },
      {
        at: '--at 2031-01-01T06:00Z --tz Europe/Paris',
        says: '--tz cannot be given with a time that names its own offset',
      },
      { at: '', says: '--at is required' },
    ];
    for (const c of cases) {
      const reply = await w.slash(`schedule rollback ${blog.name} 1 -n tools ${c.at}`, 'gina');
      expect(reply.status).toBe(200);
      expect(reply.text, c.at).toContain(c.says);
      expect(reply.text, c.at).toContain('/quayside schedule rollback RELEASE [REVISION] --at TIME');
      expect(reply.text, c.at).not.toContain('Scheduled');
    }
    const left = await listScheduledRequests({ client: scheduler, groupName: 'quayside' });
    expect(left.filter((s) => s.release?.name === blog.name)).toEqual([]);
  });

  it('says scheduling is not set up, and does nothing, where the chat function was not told where schedules go', async () => {
    const deps = { schedules: undefined } as unknown as CommandDeps;
    const ctx = { caller: { subject: 'slack:UALICE', userId: 'UALICE', name: 'alice' }, channel: CHANNEL };
    await expect(runSchedule(deps, ctx, parseCommand('schedule list') as ScheduleCommand)).rejects.toThrow(
      SchedulingUnavailableError,
    );
    await expect(
      runSchedule(deps, ctx, parseCommand('schedule cancel x') as ScheduleCommand),
    ).rejects.toThrow(/scheduling is not set up for this chat endpoint/);
  });
});
