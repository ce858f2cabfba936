/** `quayside schedule rollback|upgrade|uninstall|list|cancel`: one-time scheduled requests (issue 14). */

import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  AUTOMATION_SETTINGS,
  cancelScheduledRequest,
  createScheduledRequest,
  formatScheduleTime,
  listScheduledRequests,
  parseScheduleTime,
  type ScheduledAction,
  type ScheduledRequest,
  scheduleTargetOf,
} from '../automation/index.ts';
import { formatReleaseId, randomId } from '../domain/index.ts';
import { actionOptionsOf, chartOf, valuesOf } from './action-input.ts';
import { ACTION_FLAGS, CHART_FLAGS, COMMON_FLAGS, expectArgs, rollbackRevision } from './args.ts';
import { type CommandInput, type CommandSpec, print } from './command.ts';
import { releaseOf } from './context.ts';
import { CliUsageError } from './errors.ts';
import { encodeData, formatTable } from './format.ts';
import { requestChart, requestOptions } from './queued-runner.ts';
import { EXIT } from './report.ts';
import { currentUser } from './runner.ts';

const USAGE = `Usage: quayside schedule rollback NAME [REVISION] --at TIME [--tz ZONE] [flags]
       quayside schedule upgrade NAME CHART --at TIME [--tz ZONE] [flags]
       quayside schedule uninstall NAME --at TIME [--tz ZONE] [flags]
       quayside schedule list [-o table|json|yaml]
       quayside schedule cancel SCHEDULE

Sends the request at the time given, once, through an EventBridge Scheduler one-time schedule
(group "${AUTOMATION_SETTINGS.scheduleGroup}") into the request queue, in the release's message group. The request
names the schedule and who made it; if the release changed meanwhile it still runs as written, and
its event says what it replaced. A schedule that cannot reach the queue is retried for an hour, then
left in the schedules' dead-letter queue. A one-time schedule is deleted once it has run.

  --at TIME         2026-12-01T06:00 (in --tz, default UTC), or a time with its offset: 2026-12-01T05:00Z
  --tz ZONE         an IANA time zone: Europe/Paris, America/New_York (daylight saving is followed)
  --queue-url URL   the request queue (default $QUAYSIDE_QUEUE_URL); the schedule group, role and DLQ
                    are the stack's in its account and region ($QUAYSIDE_SCHEDULE_GROUP,
                    $QUAYSIDE_SCHEDULER_ROLE_ARN, $QUAYSIDE_SCHEDULE_DLQ_ARN override them)

The action flags of rollback, upgrade and uninstall apply (--timeout, --description, --wait, …);
an upgrade's chart must fit Scheduler's 8 KB input: use a repository or an OCI chart.
The store (--store, $QUAYSIDE_STORE), when given, records which revision was deployed when the
schedule was made. Scheduler is reached as the AWS SDK is configured ($AWS_ENDPOINT_URL_SCHEDULER
for the local stack).`;

export const scheduleCommand: CommandSpec = {
  name: 'schedule',
  usage: USAGE,
  flags: [...COMMON_FLAGS, ...CHART_FLAGS, ...ACTION_FLAGS, 'wait-for-jobs', 'keep-history', 'at', 'tz'],
  async run(input) {
    const [verb, ...rest] = input.positionals;
    const scheduler = new SchedulerClient({});
    try {
      switch (verb) {
        case 'rollback':
        case 'upgrade':
        case 'uninstall':
          return await schedule(input, verb, rest, scheduler);
        case 'list':
          expectArgs('schedule', rest, 0, 0, 'quayside schedule list');
          return list(input, await listScheduledRequests({ client: scheduler, groupName: groupName() }));
        case 'cancel':
          expectArgs('schedule', rest, 1, 1, 'quayside schedule cancel SCHEDULE');
          await cancelScheduledRequest({
            client: scheduler,
            groupName: groupName(),
            name: rest[0] as string,
          });
          print(`schedule ${rest[0]} cancelled\n`);
          return EXIT.ok;
        default:
          throw new CliUsageError('schedule', 'say rollback, upgrade, uninstall, list or cancel');
      }
    } finally {
      scheduler.destroy();
    }
  },
};

function groupName(): string {
  return process.env.QUAYSIDE_SCHEDULE_GROUP || AUTOMATION_SETTINGS.scheduleGroup;
}

async function schedule(
  input: CommandInput,
  verb: 'rollback' | 'upgrade' | 'uninstall',
  args: string[],
  scheduler: SchedulerClient,
): Promise<number> {
  const { flags } = input;
  if (flags.at === undefined)
    throw new CliUsageError('schedule', '--at is required: when the request is sent');
  if (flags['dry-run']) throw new CliUsageError('schedule', '--dry-run cannot be scheduled: run it now');
  const queueUrl = flags['queue-url'] ?? process.env.QUAYSIDE_QUEUE_URL;
  if (!queueUrl) throw new CliUsageError('schedule', 'no queue: give --queue-url or set QUAYSIDE_QUEUE_URL');
  const at = parseScheduleTime({
    at: flags.at,
    ...(flags.tz === undefined ? {} : { tz: flags.tz }),
    now: Date.now(),
  });
  const what = await scheduledAction(input, verb, args);
  const head = await input.store.getRelease(what.release).catch(() => undefined);
  const sqs = new SQSClient({});
  try {
    const made = await createScheduledRequest({
      client: scheduler,
      target: await scheduleTargetOf(sqs, queueUrl),
      what,
      at,
      createdBy: currentUser(),
      ...(head?.deployedRevision === undefined ? {} : { revisionAtCreation: head.deployedRevision }),
      ids: randomId,
    });
    print(
      `schedule ${made.name}: ${verb} ${formatReleaseId(what.release)}${
        what.revision ? ` to revision ${what.revision}` : ''
      } at ${formatScheduleTime(at)}; request ${made.requestId}\n`,
    );
    return EXIT.ok;
  } finally {
    sqs.destroy();
  }
}

async function scheduledAction(
  input: CommandInput,
  verb: 'rollback' | 'upgrade' | 'uninstall',
  args: string[],
): Promise<ScheduledAction> {
  const { flags, target } = input;
  const options = actionOptionsOf(verb, flags);
  if (verb === 'rollback') {
    expectArgs('schedule', args, 1, 2, 'quayside schedule rollback NAME [REVISION] --at TIME');
    const revision = rollbackRevision(args[1]);
    return {
      action: verb,
      release: releaseOf(target, args[0] as string),
      ...(revision ? { revision } : {}),
      rest: { options: requestOptions(verb, options) },
    };
  }
  if (verb === 'uninstall') {
    expectArgs('schedule', args, 1, 1, 'quayside schedule uninstall NAME --at TIME');
    return {
      action: verb,
      release: releaseOf(target, args[0] as string),
      rest: { options: requestOptions(verb, options) },
    };
  }
  expectArgs('schedule', args, 2, 2, 'quayside schedule upgrade NAME CHART --at TIME');
  const values = JSON.parse(
    JSON.stringify(valuesOf(flags), (_k, v) => (typeof v === 'bigint' ? Number(v) : v)),
  );
  return {
    action: verb,
    release: releaseOf(target, args[0] as string),
    rest: {
      chart: await requestChart(await chartOf(args[1] as string, flags)),
      ...(Object.keys(values).length === 0 ? {} : { values }),
      options: requestOptions(verb, options),
    },
  };
}

function list(input: CommandInput, schedules: readonly ScheduledRequest[]): number {
  if (input.output !== 'table') {
    print(encodeData(input.output, schedules));
    return EXIT.ok;
  }
  if (schedules.length === 0) {
    print('no schedules\n');
    return EXIT.ok;
  }
  print(
    formatTable([
      ['SCHEDULE', 'AT', 'TIME ZONE', 'UTC', 'RELEASE', 'ACTION', 'MADE BY', 'STATE'],
      ...schedules.map((s) => [
        s.name,
        s.expression,
        s.timezone,
        s.instant === undefined ? '-' : new Date(s.instant).toISOString(),
        s.release === undefined ? '-' : formatReleaseId(s.release),
        s.action === undefined ? '-' : `${s.action}${s.revision ? ` ${s.revision}` : ''}`,
        s.createdBy ?? '-',
        s.state,
      ]),
    ]),
  );
  return EXIT.ok;
}
