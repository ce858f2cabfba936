import { join } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock, systemTimers } from '../../lib/domain/index.ts';
import {
  createAutomationDeadLetterQueue,
  createRequestQueues,
  LOCAL_ACCOUNT,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalCloudWatch,
  type LocalScheduler,
  type LocalSqs,
  startLocalCloudWatch,
  startLocalScheduler,
  startLocalSqs,
} from '../../lib/local/index.ts';
import { AutomationRecords, FileDriver } from '../../lib/store/index.ts';
import { CLUSTER, type CliWorld, charts, startCliWorld } from './cli-world.ts';

describe('quayside schedule, automation and alarm (the bundled CLI against the local services)', () => {
  let world: CliWorld;
  let sqs: LocalSqs;
  let client: SQSClient;
  let scheduler: LocalScheduler;
  let cloudWatch: LocalCloudWatch;
  const alarms: { alarmName: unknown; state: unknown }[] = [];
  let env: Record<string, string>;
  const cli = (...args: string[]) => world.cli(args, env);

  beforeAll(async () => {
    world = await startCliWorld();
    sqs = await startLocalSqs({ clock: systemClock });
    client = new SQSClient({ endpoint: sqs.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const { queueUrl } = await createRequestQueues(client);
    await createAutomationDeadLetterQueue(client);
    scheduler = await startLocalScheduler({
      // Nothing here is due: the schedules are for next year and never fire during the test.
      clock: new ManualClock(Date.now()),
      timers: systemTimers,
      sqsEndpoint: sqs.endpoint,
      account: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    cloudWatch = await startLocalCloudWatch({
      clock: systemClock,
      account: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      onEvent: (event) => {
        const detail = event.detail as { alarmName: unknown; state: { value: unknown } };
        alarms.push({ alarmName: detail.alarmName, state: detail.state.value });
      },
    });
    env = {
      QUAYSIDE_QUEUE_URL: queueUrl,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_SCHEDULER: scheduler.endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH: cloudWatch.endpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    };
    await world.seed({ name: 'web', chart: charts.myNginx });
  }, 60_000);
  afterAll(async () => {
    client.destroy();
    await cloudWatch.close();
    await scheduler.close();
    await sqs.close();
    await world.stop();
  });

  const nextYear = new Date().getUTCFullYear() + 1;

  it('schedules a rollback at a time in a time zone, lists it and cancels it', async () => {
    const made = await cli(
      'schedule',
      'rollback',
      'web',
      '1',
      '--at',
      `${nextYear}-12-01T06:00`,
      '--tz',
      'Europe/Paris',
    );
    expect(made.code, made.stderr).toBe(0);
    const name = /^schedule (web-rollback-\w+): rollback/.exec(made.stdout)?.[1] as string;
    expect(made.stdout).toContain(
      `rollback ${CLUSTER}/default/web to revision 1 at ${nextYear}-12-01 06:00:00 Europe/Paris (${nextYear}-12-01T05:00:00.000Z)`,
    );
    const listed = await cli('schedule', 'list');
    expect(listed.stdout).toMatch(
      new RegExp(
        `^${name}\\s+at\\(${nextYear}-12-01T06:00:00\\)\\s+Europe/Paris\\s+${nextYear}-12-01T05:00:00.000Z\\s+${CLUSTER}/default/web\\s+rollback 1\\s+\\S+\\s+ENABLED`,
        'm',
      ),
    );
    const json = JSON.parse((await cli('schedule', 'list', '-o', 'json')).stdout);
    expect(json).toEqual([
      expect.objectContaining({
        name,
        action: 'rollback',
        revision: 1,
        revisionAtCreation: 1,
        requestId: `schedule-${name}`,
      }),
    ]);
    expect((await cli('schedule', 'cancel', name)).stdout).toBe(`schedule ${name} cancelled\n`);
    expect((await cli('schedule', 'list')).stdout).toBe('no schedules\n');
    const again = await cli('schedule', 'cancel', name);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no schedule "${name}" in group "quayside"`);
  });

  it('refuses a schedule without a time, in the past, in an unknown zone or without a queue, naming what is wrong', async () => {
    const noAt = await cli('schedule', 'rollback', 'web', '1');
    expect([noAt.code, noAt.stderr]).toEqual([2, expect.stringContaining('--at is required')]);
    const past = await cli('schedule', 'uninstall', 'web', '--at', '2020-01-01T00:00Z');
    expect([past.code, past.stderr]).toEqual([2, expect.stringContaining('--at: is in the past')]);
    const zone = await cli(
      'schedule',
      'rollback',
      'web',
      '--at',
      `${nextYear}-01-01T00:00`,
      '--tz',
      'Nowhere/City',
    );
    expect([zone.code, zone.stderr]).toEqual([
      2,
      expect.stringContaining('--tz: is not a known IANA time zone'),
    ]);
    const noQueue = await world.cli(['schedule', 'rollback', 'web', '--at', `${nextYear}-01-01T00:00Z`], {
      ...env,
      QUAYSIDE_QUEUE_URL: '',
    });
    expect([noQueue.code, noQueue.stderr]).toEqual([2, expect.stringContaining('no queue')]);
    expect((await cli('schedule', 'list')).stdout).toBe('no schedules\n');
  });

  it('sends an upgrade with a bake in queued mode, and refuses a bake without the queue', async () => {
    const sent = await cli(
      'upgrade',
      'web',
      charts.myNginx,
      '--no-follow',
      '--bake-for',
      '15m',
      '--bake-alarm',
      'web-5xx',
      '--bake-health',
    );
    expect(sent.code, sent.stderr).toBe(0);
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: env.QUAYSIDE_QUEUE_URL,
        WaitTimeSeconds: 1,
        MaxNumberOfMessages: 1,
      }),
    );
    const body = JSON.parse(received.Messages?.[0]?.Body as string);
    expect(body).toMatchObject({
      action: 'upgrade',
      bake: { for: '15m', alarms: ['web-5xx'], health: true },
    });
    await client.send(
      new DeleteMessageCommand({
        QueueUrl: env.QUAYSIDE_QUEUE_URL,
        ReceiptHandle: received.Messages?.[0]?.ReceiptHandle,
      }),
    );
    const direct = await world.cli(['upgrade', 'web', charts.myNginx, '--bake-for', '15m'], {
      ...env,
      QUAYSIDE_QUEUE_URL: '',
    });
    expect([direct.code, direct.stderr]).toEqual([
      2,
      expect.stringContaining('--bake-for needs queued mode'),
    ]);
    const noFor = await cli('upgrade', 'web', charts.myNginx, '--bake-alarm', 'web-5xx');
    expect([noFor.code, noFor.stderr]).toEqual([
      2,
      expect.stringContaining('--bake-alarm and --bake-health need --bake-for'),
    ]);
  });

  it('plays an alarm: a change of state is one CloudWatch Alarm State Change, the same state again none', async () => {
    expect((await cli('alarm', 'set', 'web-5xx', 'ALARM')).stdout).toBe('alarm web-5xx set to ALARM\n');
    expect((await cli('alarm', 'set', 'web-5xx', 'ALARM')).code).toBe(0);
    expect((await cli('alarm', 'set', 'web-5xx', 'OK')).code).toBe(0);
    expect(alarms).toEqual([
      { alarmName: 'web-5xx', state: 'ALARM' },
      { alarmName: 'web-5xx', state: 'OK' },
    ]);
    expect((await cli('alarm', 'set', 'web-5xx', 'RED')).code).toBe(2);
  });

  it('pauses and resumes a release’s automatic rollbacks, and shows its bakes and the BAKE column of history', async () => {
    expect((await cli('automation', 'pause', 'web')).stdout).toBe(
      `automatic rollbacks of ${CLUSTER}/default/web are paused\n`,
    );
    expect((await cli('automation', 'status', 'web')).stdout).toMatch(
      /^AUTOMATIC ROLLBACKS: paused \(by \S+ at .+\)\nBAKES: none\n$/,
    );
    expect((await cli('automation', 'resume', 'web')).stdout).toBe(
      `automatic rollbacks of ${CLUSTER}/default/web are on\n`,
    );
    expect((await cli('automation', 'status', 'web')).stdout).toMatch(/^AUTOMATIC ROLLBACKS: on\n/);
    const missing = await cli('automation', 'pause', 'nope');
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('release "nope" not found')]);

    // No bakes: history is helm's, column for column.
    expect((await cli('history', 'web')).stdout.split('\n')[0]).toMatch(/DESCRIPTION\s*$/);
    const driver = new FileDriver(join(world.dir, 'store'));
    const records = new AutomationRecords(driver);
    const release = { cluster: CLUSTER, namespace: 'default', name: 'web' };
    await records.startBake({
      release,
      revision: 1,
      requestId: 'seed-1',
      action: 'install',
      chart: { name: 'my-nginx', version: '1.0.0' },
      startedAt: Date.now() - 60_000,
      forMs: 30_000,
      alarms: ['web-5xx'],
      health: false,
    });
    await records.closeBake(release, 1, { state: 'verified', at: Date.now() });
    const history = await cli('history', 'web');
    expect(history.stdout.split('\n')[0]).toMatch(/DESCRIPTION\s*\tBAKE\s*$/);
    expect(history.stdout.split('\n')[1]).toMatch(/Install complete\s*\tverified\s*$/);
    const json = JSON.parse((await cli('history', 'web', '-o', 'json')).stdout);
    expect(json[0].bake).toEqual({ state: 'verified', summary: 'verified' });
    expect((await cli('automation', 'status', 'web')).stdout).toMatch(
      /^1\s+\S+\s+\S+\s+alarm web-5xx\s+verified\s*$/m,
    );
  });
});
