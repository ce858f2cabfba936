import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelScheduledRequest,
  createScheduledRequest,
  listScheduledRequests,
  parseScheduleTime,
  ScheduleInputError,
  ScheduleNotFoundError,
  type ScheduleTarget,
} from '../../lib/automation/index.ts';
import { ManualClock, type ReleaseId, ValidationError } from '../../lib/domain/index.ts';
import { readHistory } from '../../lib/engine/index.ts';
import {
  createAutomationDeadLetterQueue,
  LOCAL_ACCOUNT,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalScheduler,
  startLocalScheduler,
} from '../../lib/local/index.ts';
import { parseDeployRequest } from '../../lib/requests/index.ts';
import { type AutomationWorld, bootcampRequest, startAutomationWorld, uniqueRelease } from './world.ts';

const HOUR = 3_600_000;
let names = 0;

describe('scheduled requests through EventBridge Scheduler (the local scheduler, the real SDK client)', () => {
  let w: AutomationWorld;
  let dir: string;
  let clock: ManualClock;
  let scheduler: LocalScheduler;
  let client: SchedulerClient;
  let target: ScheduleTarget;
  let dlqUrl: string;

  const start = () =>
    startLocalScheduler({
      clock,
      timers: clock,
      sqsEndpoint: w.sqsEndpoint,
      account: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      dataDir: dir,
    });
  const connect = () =>
    new SchedulerClient({
      endpoint: scheduler.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });

  beforeAll(async () => {
    w = await startAutomationWorld();
    dir = mkdtempSync(join(tmpdir(), 'quayside-scheduler-'));
    clock = new ManualClock(Date.UTC(2026, 10, 30, 12));
    scheduler = await start();
    client = connect();
    const dlq = await createAutomationDeadLetterQueue(w.sqs);
    dlqUrl = dlq.url;
    target = {
      groupName: 'quayside',
      queueArn: w.queueArn,
      roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/quayside-scheduler-${LOCAL_REGION}`,
      deadLetterArn: dlq.arn,
    };
  });
  afterAll(async () => {
    client.destroy();
    await scheduler.close();
    await w.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const schedule = (release: ReleaseId, at: string, tz?: string, overrides: Partial<ScheduleTarget> = {}) =>
    createScheduledRequest({
      client,
      target: { ...target, ...overrides },
      what: { action: 'rollback', release, revision: 1 },
      at: parseScheduleTime({ at, ...(tz === undefined ? {} : { tz }), now: clock.now() }),
      createdBy: 'alice',
      revisionAtCreation: 2,
      ids: () => `id${++names}abcdef`,
    });
  const receiveAll = async (sqs: SQSClient, queueUrl: string) => {
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return got.Messages ?? [];
  };
  const advanceTo = async (ms: number) => {
    clock.set(ms);
    await scheduler.idle();
  };

  it('fires a schedule once, at its time in its time zone, into the release’s message group', async () => {
    const release = uniqueRelease('fires');
    const made = await schedule(release, '2026-12-01T06:00', 'Europe/Paris');
    const due = Date.UTC(2026, 11, 1, 5);
    expect(
      (await listScheduledRequests({ client, groupName: 'quayside' })).find((s) => s.name === made.name),
    ).toMatchObject({
      expression: 'at(2026-12-01T06:00:00)',
      timezone: 'Europe/Paris',
      instant: due,
      state: 'ENABLED',
      action: 'rollback',
      release,
      revision: 1,
      createdBy: 'alice',
      revisionAtCreation: 2,
    });
    await advanceTo(due - 1000);
    expect(await receiveAll(w.sqs, w.queueUrl)).toEqual([]);
    await advanceTo(due);
    const [message, ...more] = await receiveAll(w.sqs, w.queueUrl);
    expect(more).toEqual([]);
    expect(message?.Attributes?.MessageGroupId).toBe(
      `${release.cluster}/${release.namespace}/${release.name}`,
    );
    const parsed = parseDeployRequest(JSON.parse(message?.Body as string));
    expect(parsed.ok && parsed.request).toMatchObject({
      requestId: made.requestId,
      action: 'rollback',
      revision: 1,
      requestedAt: '2026-12-01T05:00:00Z',
      requestedBy: { principal: `schedule ${made.name} (made by alice)`, channel: 'schedule' },
      automation: { cause: 'schedule', schedule: made.name, createdBy: 'alice', revisionAtCreation: 2 },
    });
    // Deleted once it ran (ActionAfterCompletion DELETE): it never runs again.
    expect((await listScheduledRequests({ client, groupName: 'quayside' })).map((s) => s.name)).not.toContain(
      made.name,
    );
    await advanceTo(due + 48 * HOUR);
    expect(await receiveAll(w.sqs, w.queueUrl)).toHaveLength(1);
    await w.drain();
  });

  it('never fires a cancelled schedule, and says when there is nothing to cancel', async () => {
    const release = uniqueRelease('cancelled');
    const made = await schedule(release, '2026-12-10T06:00Z');
    await cancelScheduledRequest({ client, groupName: 'quayside', name: made.name });
    await expect(cancelScheduledRequest({ client, groupName: 'quayside', name: made.name })).rejects.toThrow(
      ScheduleNotFoundError,
    );
    await advanceTo(Date.UTC(2026, 11, 11));
    expect(await receiveAll(w.sqs, w.queueUrl)).toEqual([]);
  });

  it('keeps schedules across a restart, and runs one that came due while it was down', async () => {
    const release = uniqueRelease('restart');
    const made = await schedule(release, '2026-12-12T09:30', 'America/New_York');
    client.destroy();
    await scheduler.close();
    clock.set(Date.UTC(2026, 11, 12, 14, 31));
    scheduler = await start();
    client = connect();
    await advanceTo(clock.now());
    const [message] = await receiveAll(w.sqs, w.queueUrl);
    expect(JSON.parse(message?.Body as string)).toMatchObject({
      requestId: made.requestId,
      requestedAt: '2026-12-12T14:30:00Z',
    });
    await w.drain();
  });

  it('retries a schedule whose queue does not answer, then dead-letters it with the reason', async () => {
    const release = uniqueRelease('dead');
    await schedule(release, '2026-12-14T00:00Z', undefined, {
      queueArn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:no-such-queue.fifo`,
    });
    for (let t = Date.UTC(2026, 11, 14); t <= Date.UTC(2026, 11, 14, 1); t += 30_000) await advanceTo(t);
    const [dead, ...more] = await receiveAll(w.sqs, dlqUrl);
    expect(more).toEqual([]);
    expect(JSON.parse(dead?.Body as string)).toMatchObject({ action: 'rollback', release });
    expect(dead?.MessageAttributes?.EXHAUSTED_RETRY_CONDITION?.StringValue).toBe('MaximumRetryAttempts');
    expect(dead?.MessageAttributes?.RETRY_ATTEMPTS?.StringValue).toBe('10');
  });

  it('refuses what the worker or Scheduler would refuse before anything is made', async () => {
    const release = uniqueRelease('refused');
    const before = await listScheduledRequests({ client, groupName: 'quayside' });
    await expect(
      createScheduledRequest({
        client,
        target,
        what: { action: 'upgrade', release, rest: { chart: { inline: 'A'.repeat(9000) } } },
        at: parseScheduleTime({ at: '2026-12-20T00:00Z', now: clock.now() }),
        createdBy: 'alice',
        ids: () => 'x1',
      }),
    ).rejects.toThrow(ScheduleInputError);
    await expect(
      createScheduledRequest({
        client,
        target,
        what: { action: 'rollback', release, rest: { chart: { oci: 'oci://r/c' } } },
        at: parseScheduleTime({ at: '2026-12-20T00:00Z', now: clock.now() }),
        createdBy: 'alice',
        ids: () => 'x2',
      }),
    ).rejects.toThrow(ValidationError);
    expect(await listScheduledRequests({ client, groupName: 'quayside' })).toEqual(before);
  });

  it('runs as written when the release changed since the schedule was made, and its event says what it replaced', async () => {
    const release = uniqueRelease('changed');
    await w.send(bootcampRequest(release));
    await w.send(bootcampRequest(release, { values: { replicas: 2 } }));
    await w.drain();
    const made = await schedule(release, '2026-12-22T06:00', 'Europe/Paris');
    await w.send(bootcampRequest(release, { values: { replicas: 3 } }));
    await w.drain();
    await advanceTo(Date.UTC(2026, 11, 22, 5));
    await w.drain();
    expect(
      (await readHistory(w.store, release)).map((r) => `${r.revision} ${r.status} ${r.description}`),
    ).toEqual([
      '1 superseded Install complete',
      '2 superseded Upgrade complete',
      '3 superseded Upgrade complete',
      '4 deployed Rollback to 1',
    ]);
    const event = w.events('Release Rolled Back').find((e) => e.detail.release?.name === release.name);
    expect(event?.detail).toMatchObject({
      requestId: made.requestId,
      previousRevision: 3,
      requestedBy: { principal: `schedule ${made.name} (made by alice)`, channel: 'schedule' },
      automation: {
        cause: 'schedule',
        schedule: made.name,
        createdBy: 'alice',
        revisionAtCreation: 2,
        reason:
          'the release changed since the schedule was made: revision 2 was deployed then; this replaced revision 3',
      },
    });
  });
});

describe('schedule times', () => {
  const now = Date.UTC(2026, 0, 1);
  it('reads a wall-clock time in a time zone, winter and summer', () => {
    expect(parseScheduleTime({ at: '2026-12-01T06:00', tz: 'Europe/Paris', now })).toEqual({
      expression: 'at(2026-12-01T06:00:00)',
      timezone: 'Europe/Paris',
      instant: Date.UTC(2026, 11, 1, 5),
    });
    expect(parseScheduleTime({ at: '2026-07-01T06:00:30', tz: 'Europe/Paris', now }).instant).toBe(
      Date.UTC(2026, 6, 1, 4, 0, 30),
    );
    expect(parseScheduleTime({ at: '2026-07-01T06:00+02:00', now })).toMatchObject({
      expression: 'at(2026-07-01T04:00:00)',
      timezone: 'UTC',
    });
  });

  it('takes the first of a time the clocks pass twice, and refuses one they skip', () => {
    expect(parseScheduleTime({ at: '2026-10-25T02:30', tz: 'Europe/Paris', now }).instant).toBe(
      Date.UTC(2026, 9, 25, 0, 30),
    );
    expect(() => parseScheduleTime({ at: '2026-03-29T02:30', tz: 'Europe/Paris', now })).toThrow(
      /--at: does not exist in Europe\/Paris/,
    );
  });

  it('names the flag and the problem for bad input', () => {
    const problem = (input: { at: string; tz?: string }) => {
      try {
        parseScheduleTime({ ...input, now });
      } catch (error) {
        return (error as ValidationError).problems;
      }
      return [];
    };
    expect(problem({ at: 'tomorrow' })).toEqual([
      { field: '--at', message: expect.stringMatching(/^must be a date/) },
    ]);
    expect(problem({ at: '2026-02-30T06:00' })).toEqual([
      { field: '--at', message: 'is not a real date and time' },
    ]);
    expect(problem({ at: '2025-12-01T06:00' })).toEqual([
      {
        field: '--at',
        message: 'is in the past (2025-12-01T06:00:00.000Z); a schedule must be for a later time',
      },
    ]);
    expect(problem({ at: '2026-12-01T06:00', tz: 'Mars/Olympus' })).toEqual([
      { field: '--tz', message: 'is not a known IANA time zone such as Europe/Paris' },
    ]);
    expect(problem({ at: '2026-12-01T06:00Z', tz: 'Europe/Paris' })).toEqual([
      { field: '--tz', message: 'cannot be given with a time that names its own offset' },
    ]);
  });
});
