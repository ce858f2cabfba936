/** `quayside automation pause|resume|status NAME` and `quayside alarm set NAME STATE` (issue 14). */

import { parseArgs } from 'node:util';
import { formatReleaseId, ReleaseNotFoundError } from '../domain/index.ts';
import { AutomationRecords, summarizeBake } from '../store/index.ts';
import { COMMON_FLAGS, expectArgs } from './args.ts';
import { type CommandSpec, print } from './command.ts';
import { releaseOf } from './context.ts';
import { CliUsageError } from './errors.ts';
import { encodeData, formatTable } from './format.ts';
import { EXIT } from './report.ts';
import { currentUser } from './runner.ts';

const USAGE = `Usage: quayside automation pause NAME [flags]
       quayside automation resume NAME [flags]
       quayside automation status NAME [flags]

pause    stops the release's automatic rollbacks: an alarm or a failed health check during a bake
         is ignored, and an event says so; a bake that saw trouble meanwhile ends unverified
resume   lets them act again
status   whether they are paused, and the release's bakes

${'Flags: -n/--namespace, --cluster, --kubeconfig, --store, -o table|json|yaml'}`;

export const automationCommand: CommandSpec = {
  name: 'automation',
  usage: USAGE,
  flags: COMMON_FLAGS,
  async run({ positionals, target, store, output }) {
    const [verb, name, ...rest] = positionals;
    if (verb !== 'pause' && verb !== 'resume' && verb !== 'status') {
      throw new CliUsageError('automation', 'say pause, resume or status');
    }
    expectArgs(
      'automation',
      name === undefined ? [] : [name, ...rest],
      1,
      1,
      `quayside automation ${verb} NAME`,
    );
    const release = releaseOf(target, name as string);
    if ((await store.getRelease(release)) === undefined) throw new ReleaseNotFoundError(release);
    const records = new AutomationRecords(store.driver);
    if (verb !== 'status') {
      await records.setPaused(release, {
        paused: verb === 'pause',
        by: currentUser(),
        at: new Date().toISOString(),
      });
      print(
        verb === 'pause'
          ? `automatic rollbacks of ${formatReleaseId(release)} are paused\n`
          : `automatic rollbacks of ${formatReleaseId(release)} are on\n`,
      );
      return EXIT.ok;
    }
    const [pause, bakes] = await Promise.all([records.getPause(release), records.listBakes(release)]);
    if (output !== 'table') {
      print(
        encodeData(output, { release, paused: pause?.paused ?? false, ...(pause ? { pause } : {}), bakes }),
      );
      return EXIT.ok;
    }
    const switchLine = pause?.paused ? `paused (by ${pause.by} at ${pause.at})` : 'on';
    print(`AUTOMATIC ROLLBACKS: ${switchLine}\n`);
    if (bakes.length === 0) {
      print('BAKES: none\n');
      return EXIT.ok;
    }
    print(
      formatTable([
        ['REVISION', 'STARTED', 'ENDS', 'WATCHING', 'BAKE'],
        ...bakes.map((b) => [
          b.revision,
          new Date(b.startedAt).toISOString(),
          new Date(b.endsAt).toISOString(),
          [...b.alarms.map((a) => `alarm ${a}`), ...(b.health ? ['health'] : [])].join(', ') || '-',
          summarizeBake(b),
        ]),
      ]),
    );
    return EXIT.ok;
  },
};

const ALARM_USAGE = `Usage: quayside alarm set NAME ALARM|OK|INSUFFICIENT_DATA [--reason TEXT]

Sets a CloudWatch alarm's state by hand (SetAlarmState), as one tries alarm actions: a release
baking with the alarm named in its bake is rolled back when it enters ALARM. In AWS the alarm keeps
the state until its next evaluation; the local stack plays the alarm on its own bus. CloudWatch is
reached as the AWS SDK is configured ($AWS_ENDPOINT_URL_CLOUDWATCH for the local stack).`;

/** Runs `quayside alarm …`; returns the exit code. */
export async function runAlarmCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseAlarm>;
  try {
    parsed = parseAlarm(argv);
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n${ALARM_USAGE}\n`);
    return EXIT.invalid;
  }
  if (parsed.values.help) {
    process.stdout.write(`${ALARM_USAGE}\n`);
    return EXIT.ok;
  }
  const { ALARM_STATES, setAlarmState } = await import('../automation/index.ts');
  const [verb, name, state, ...extra] = parsed.positionals;
  if (verb !== 'set' || name === undefined || extra.length > 0 || !ALARM_STATES.includes(state as never)) {
    process.stderr.write(`Error: wrong arguments\n${ALARM_USAGE}\n`);
    return EXIT.invalid;
  }
  const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
  const client = new CloudWatchClient({});
  try {
    await setAlarmState({
      client,
      alarmName: name,
      state: state as 'OK' | 'ALARM' | 'INSUFFICIENT_DATA',
      reason: parsed.values.reason ?? `set by ${currentUser()} with quayside alarm set`,
    });
    print(`alarm ${name} set to ${state}\n`);
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    return EXIT.failed;
  } finally {
    client.destroy();
  }
}

function parseAlarm(argv: string[]) {
  return parseArgs({
    args: argv,
    options: { reason: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
}
