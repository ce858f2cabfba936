import type { ReleaseId } from '../domain/index.ts';
import { type ActionResult, readStatus, readStatusAndBody } from '../engine/index.ts';
import type { ReleaseStore } from '../store/index.ts';
import { actionOptionsOf, chartOf, valuesOf } from './action-input.ts';
import { ACTION_FLAGS, BAKE_FLAGS, CHART_FLAGS, COMMON_FLAGS, expectArgs, rollbackRevision } from './args.ts';
import { type CommandInput, type CommandSpec, print } from './command.ts';
import { releaseOf } from './context.ts';
import { diffText } from './diff.ts';
import { CliUsageError } from './errors.ts';
import { encodeData } from './format.ts';
import { HINTS, MESSAGES } from './messages.ts';
import { statusData, statusText } from './release-output.ts';
import { EXIT } from './report.ts';
import { type ActionRunner, createActionRunner, DirectRunner, type DirectRunnerOptions } from './runner.ts';
import { USAGE } from './usage.ts';

function directOptions({ target, store, flags }: CommandInput): DirectRunnerOptions {
  return {
    store,
    kubeconfig: target.kubeconfig,
    ...(flags.debug ? { onProgress: (e) => process.stderr.write(`[${e.step}] ${e.message}\n`) } : {}),
  };
}

/** The runner for this invocation: queued when a queue URL is given, direct otherwise. */
export async function runnerFor(input: CommandInput, command: string): Promise<ActionRunner> {
  const queueUrl = input.flags['queue-url'] ?? process.env.QUAYSIDE_QUEUE_URL;
  const noFollow = input.flags['no-follow'] === true;
  if (noFollow && !queueUrl) {
    throw new CliUsageError(command, MESSAGES.noFollowNeedsQueue);
  }
  const bake = bakeOf(input, command);
  // A bake is watched by the service's alarm function and guard: it needs the queue.
  if (bake !== undefined && !queueUrl) throw new CliUsageError(command, MESSAGES.bakeNeedsQueue);
  return createActionRunner({
    ...(queueUrl ? { queueUrl } : {}),
    follow: !noFollow,
    direct: directOptions(input),
    ...(bake === undefined ? {} : { bake }),
  });
}

/** --bake-for DURATION [--bake-alarm NAME]... [--bake-health]: the request's bake (issue 14). */
function bakeOf(input: CommandInput, command: string): Record<string, unknown> | undefined {
  const { flags } = input;
  const alarms = flags['bake-alarm'] ?? [];
  if (flags['bake-for'] === undefined) {
    if (alarms.length > 0 || flags['bake-health']) throw new CliUsageError(command, MESSAGES.bakeNeedsFor);
    return undefined;
  }
  return {
    for: flags['bake-for'],
    ...(alarms.length > 0 ? { alarms } : {}),
    ...(flags['bake-health'] ? { health: true } : {}),
  };
}

export const installCommand: CommandSpec = {
  name: 'install',
  usage: USAGE.install,
  flags: [...COMMON_FLAGS, ...CHART_FLAGS, ...ACTION_FLAGS, ...BAKE_FLAGS, 'wait-for-jobs'],
  async run(input) {
    expectArgs('install', input.positionals, 2, 2, 'quayside install NAME CHART [flags]');
    const [name, chartRef] = input.positionals as [string, string];
    const release = releaseOf(input.target, name);
    const values = await valuesOf(input.flags);
    const chart = await chartOf(chartRef, input.flags);
    const options = actionOptionsOf('install', input.flags);
    const runner = await runnerFor(input, 'install');
    const result = await runner.install({ release, chart, values, options });
    return reportResult(input, result, []);
  },
};

export const upgradeCommand: CommandSpec = {
  name: 'upgrade',
  usage: USAGE.upgrade,
  flags: [...COMMON_FLAGS, ...CHART_FLAGS, ...ACTION_FLAGS, ...BAKE_FLAGS, 'install', 'wait-for-jobs'],
  async run(input) {
    expectArgs('upgrade', input.positionals, 2, 2, 'quayside upgrade NAME CHART [flags]');
    const [name, chartRef] = input.positionals as [string, string];
    const release = releaseOf(input.target, name);
    const values = await valuesOf(input.flags);
    const chart = await chartOf(chartRef, input.flags);
    const options = actionOptionsOf('upgrade', input.flags);
    const runner = await runnerFor(input, 'upgrade');
    const result = await runner.upgrade({ release, chart, values, options });
    const lead = result.action === 'install' ? MESSAGES.installingNow(name) : MESSAGES.upgraded(name);
    return reportResult(input, result, [lead]);
  },
};

export const rollbackCommand: CommandSpec = {
  name: 'rollback',
  usage: USAGE.rollback,
  flags: [...COMMON_FLAGS, ...ACTION_FLAGS, ...BAKE_FLAGS, 'wait-for-jobs'],
  async run(input) {
    expectArgs('rollback', input.positionals, 1, 2, 'quayside rollback NAME [REVISION]');
    const [name, revisionText] = input.positionals as [string, string | undefined];
    const release = releaseOf(input.target, name);
    const revision = rollbackRevision(revisionText);
    const options = actionOptionsOf('rollback', input.flags);
    const runner = await runnerFor(input, 'rollback');
    const result = await runner.rollback({
      release,
      ...(revision ? { revision } : {}),
      options,
    });
    return reportResult(input, result, [MESSAGES.rolledBack], { statusBlock: false });
  },
};

export const uninstallCommand: CommandSpec = {
  name: 'uninstall',
  usage: USAGE.uninstall,
  flags: [...COMMON_FLAGS, ...ACTION_FLAGS, 'keep-history'],
  async run(input) {
    expectArgs('uninstall', input.positionals, 1, 1, 'quayside uninstall NAME [--keep-history]');
    const name = input.positionals[0] as string;
    const release = releaseOf(input.target, name);
    const options = actionOptionsOf('uninstall', input.flags);
    const runner = await runnerFor(input, 'uninstall');
    const result = await runner.uninstall({ release, options });
    const done = input.flags['keep-history'] ? MESSAGES.uninstalledKept(name) : MESSAGES.uninstalled(name);
    return reportResult(input, result, [done], { statusBlock: false });
  },
};

export const testCommand: CommandSpec = {
  name: 'test',
  usage: USAGE.test,
  flags: [...COMMON_FLAGS, 'timeout'],
  async run(input) {
    expectArgs('test', input.positionals, 1, 1, 'quayside test NAME');
    const release = releaseOf(input.target, input.positionals[0] as string);
    const options = actionOptionsOf('test', input.flags);
    const outcome = await new DirectRunner(directOptions(input)).test({ release, options });
    const view = await readStatus(input.store, release);
    if (input.output === 'table') print(statusText(view, outcome.tests));
    else
      print(encodeData(input.output, { ...statusData(view), tests: outcome.tests, passed: outcome.passed }));
    if (outcome.passed) return EXIT.ok;
    process.stderr.write(`Error: ${MESSAGES.testFailed(outcome.message)}\n`);
    return EXIT.failed;
  },
};

/** Prints an action's outcome as helm does; a failed revision exits 1 with the reason on stderr. */
async function reportResult(
  input: CommandInput,
  result: ActionResult,
  lead: string[],
  { statusBlock = true } = {},
): Promise<number> {
  const { output, store, target } = input;
  // --no-follow: the request is on the queue; its id is what the caller follows it by.
  if (input.flags['no-follow'] === true && result.requestId !== undefined) {
    print(result.requestId);
    return EXIT.ok;
  }
  if (result.status === 'dry-run') {
    print(
      output === 'table'
        ? `${MESSAGES.dryRun(result.release.name)}\n${diffText(result.diff)}`
        : encodeData(output, result),
    );
    return EXIT.ok;
  }
  if (result.status === 'failed') {
    if (output !== 'table') print(encodeData(output, result));
    const atomic = result.rollback ? MESSAGES.atomicRolledBack(result.rollback.revision) : '';
    const hint = HINTS.history(result.release.name, target.namespace);
    process.stderr.write(`Error: ${result.description}${atomic} — ${hint}\n`);
    return EXIT.failed;
  }
  if (output !== 'table') {
    print(encodeData(output, statusBlock ? await statusOf(store, result.release, result.revision) : result));
    return EXIT.ok;
  }
  const lines = lead.map((line) => `${line}\n`).join('');
  if (!statusBlock) {
    print(lines);
    return EXIT.ok;
  }
  const { view, body } = await readStatusAndBody(store, result.release, result.revision);
  print(
    `${lines}${statusText(
      view,
      body.hooks.filter((h) => h.events.includes('test')),
    )}`,
  );
  return EXIT.ok;
}

async function statusOf(store: ReleaseStore, release: ReleaseId, revision: number | undefined) {
  return statusData(await readStatus(store, release, revision));
}
