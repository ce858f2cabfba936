import { join } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  createScheduledRequest,
  parseScheduleTime,
  scheduleTargetOf,
  setAlarmState,
} from '../automation/index.ts';
import { packChartDirectory } from '../chart/index.ts';
import { followRequest } from '../client/index.ts';
import { formatReleaseId, type ReleaseId, type RevisionMeta } from '../domain/index.ts';
import { readHistory } from '../engine/index.ts';
import { systemClock } from '../kube/index.ts';
import { deduplicationIdOf, parseDeployRequest } from '../requests/index.ts';
import { AutomationRecords, type BakeRecord, summarizeBake } from '../store/index.ts';
import type { DemoContext } from './demo.ts';
import { formatColumns } from './demo-table.ts';
import { LOCAL_CREDENTIALS } from './stack.ts';

/** How long the demo waits for something the automation does by itself. */
const PATIENCE_MS = 60_000;

/**
 * The automation's stories (issue 14) through the running stack: an install whose short bake ends
 * verified; an upgrade baking with alarm web-5xx, the alarm played (`quayside alarm set web-5xx
 * ALARM`), and the automatic rollback; then a rollback scheduled a few seconds ahead, firing. Prints
 * the history with its bakes; returns whether it went as told.
 */
export async function playAutomationStory(ctx: DemoContext, sqs: SQSClient): Promise<boolean> {
  const web: ReleaseId = { cluster: ctx.stack.cluster, namespace: 'default', name: 'web' };
  const records = new AutomationRecords(ctx.stack.store.driver);
  const chart = {
    inline: Buffer.from(await packChartDirectory(join(ctx.examplesDir, 'charts', 'my-nginx'))).toString(
      'base64',
    ),
  };
  const run = Date.now().toString(36);
  let sequence = 0;
  const send = async (title: string, request: Record<string, unknown>) => {
    ctx.print(`\n▶ ${title}`);
    const requestId = `demo-${run}-web-${++sequence}`;
    const document = {
      version: 'v1',
      requestId,
      release: web,
      requestedBy: { principal: 'demo', channel: 'cli' },
      requestedAt: new Date().toISOString(),
      ...request,
    };
    const parsed = parseDeployRequest(document);
    if (!parsed.ok) throw new Error(`the demo's request is invalid: ${JSON.stringify(parsed.problems)}`);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: ctx.stack.queueUrl,
        MessageGroupId: formatReleaseId(web),
        MessageDeduplicationId: deduplicationIdOf(parsed.request),
        MessageBody: JSON.stringify(document),
      }),
    );
    await followRequest({
      store: ctx.stack.store,
      release: web,
      requestId,
      clock: systemClock,
      until: Date.now() + PATIENCE_MS,
    });
    return (await readHistory(ctx.stack.store, web)).find((r) => r.requestId === requestId);
  };
  const check = (good: boolean, line: string) => {
    ctx.print(`  ${good ? '✓' : '✗'} ${line}`);
    return good;
  };
  let ok = true;

  const first = await send('install web (nginx 1.25.3) with a 3-second bake', {
    action: 'install',
    chart,
    options: { timeout: '1m' },
    bake: { for: '3s', health: true },
  });
  const verified = await waitFor(
    () => records.getBake(web, 1),
    (b) => b?.state === 'verified',
  );
  ok &&= check(
    first?.status === 'deployed' && verified?.state === 'verified',
    'revision 1 deployed; its bake ended without trouble: verified',
  );

  const second = await send('upgrade web to nginx 1.25.4, baking 2 minutes watching alarm web-5xx', {
    action: 'upgrade',
    chart,
    values: { image: 'nginx:1.25.4' },
    options: { timeout: '1m' },
    bake: { for: '2m', alarms: ['web-5xx'], health: true },
  });
  ok &&= check(second?.status === 'deployed', `revision ${second?.revision ?? '-'} deployed, baking`);

  ctx.print('\n▶ $ quayside alarm set web-5xx ALARM');
  const cloudWatch = new CloudWatchClient({
    endpoint: ctx.stack.cloudWatchEndpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    await setAlarmState({
      client: cloudWatch,
      alarmName: 'web-5xx',
      state: 'ALARM',
      reason: 'the demo plays a 5xx storm',
    });
  } finally {
    cloudWatch.destroy();
  }
  const automatic = await waitForRevision(
    ctx,
    web,
    (r) => r.requestedBy.channel === 'automation' && r.status !== 'pending-rollback',
  );
  ok &&= check(
    automatic?.status === 'deployed' &&
      automatic.description === 'Rollback to 1: alarm "web-5xx" fired during bake of revision 2',
    `then revision ${automatic?.revision ?? '-'} ${automatic?.status ?? 'missing'}: ${automatic?.description ?? ''}`,
  );

  const at = new Date(Date.now() + 4_000).toISOString().slice(0, 19);
  ctx.print(`\n▶ $ quayside schedule rollback web 2 --at ${at} --tz UTC`);
  const scheduler = new SchedulerClient({
    endpoint: ctx.stack.schedulerEndpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const made = await createScheduledRequest({
      client: scheduler,
      target: await scheduleTargetOf(sqs, ctx.stack.queueUrl, {}),
      what: { action: 'rollback', release: web, revision: 2, rest: { options: { timeout: '1m' } } },
      at: parseScheduleTime({ at, tz: 'UTC', now: Date.now() }),
      createdBy: 'demo',
      ...(automatic?.revision === undefined ? {} : { revisionAtCreation: automatic.revision }),
      ids: () => run,
    });
    ctx.print(`  schedule ${made.name} made; waiting for it to fire`);
  } finally {
    scheduler.destroy();
  }
  const scheduled = await waitForRevision(
    ctx,
    web,
    (r) => r.requestedBy.channel === 'schedule' && r.status !== 'pending-rollback',
  );
  ok &&= check(
    scheduled?.status === 'deployed' && scheduled.description === 'Rollback to 2',
    `revision ${scheduled?.revision ?? '-'} ${scheduled?.status ?? 'missing'}: ${scheduled?.description ?? ''} (by ${scheduled?.requestedBy.principal ?? '-'})`,
  );

  ctx.print(`\n$ quayside history web`);
  const history = await readHistory(ctx.stack.store, web).catch(() => []);
  ctx.print(formatHistoryWithBakes(history, await records.listBakes(web)));
  ok &&= history.map((r) => r.status).join() === 'superseded,superseded,superseded,deployed';
  return ok;
}

async function waitFor<T>(look: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + PATIENCE_MS;
  for (;;) {
    const value = await look();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function waitForRevision(ctx: DemoContext, release: ReleaseId, wanted: (r: RevisionMeta) => boolean) {
  return waitFor(
    async () => (await readHistory(ctx.stack.store, release).catch(() => [])).find(wanted),
    (found) => found !== undefined,
  );
}

function formatHistoryWithBakes(revisions: readonly RevisionMeta[], bakes: readonly BakeRecord[]): string {
  const bakeOf = new Map(bakes.map((b) => [b.revision, b]));
  const rows = [
    ['REVISION', 'STATUS', 'REQUESTED BY', 'DESCRIPTION', 'BAKE'],
    ...revisions.map((r) => {
      const bake = bakeOf.get(r.revision);
      return [
        String(r.revision),
        r.status,
        r.requestedBy.principal,
        r.description,
        bake ? summarizeBake(bake) : '',
      ];
    }),
  ];
  return formatColumns(rows);
}
