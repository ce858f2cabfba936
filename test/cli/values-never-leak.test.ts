import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  expectCollected,
  expectNoMarkers,
  MARKED_CHART,
  MARKER_INPUTS,
  type MarkerInput,
  type OutputChannel,
  releaseNameOf,
  type ValueSources,
} from '../fixtures/markers.ts';
import { type CliRun, type CliWorld, cliInProcess, startCliWorld } from './cli-world.ts';

const EXIT = { deployed: 0, failed: 1, rejected: 2 } as const;

describe('values never leak from the CLI', () => {
  let world: CliWorld;
  let files = 0;

  beforeAll(async () => {
    delete process.env.QUAYSIDE_QUEUE_URL;
    world = await startCliWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  const file = (content: string): string => {
    const path = join(world.dir, `values-${++files}.yaml`);
    writeFileSync(path, content);
    return path;
  };

  /** Every value source as the flags helm takes. */
  function flagsOf(step: ValueSources): string[] {
    const flags: string[] = [];
    if (step.values) flags.push('-f', file(stringify(step.values)));
    if (step.valuesYaml) flags.push('-f', file(step.valuesYaml));
    for (const line of step.setJson ?? []) flags.push('--set-json', line);
    for (const line of step.set ?? []) flags.push('--set', line);
    for (const line of step.setString ?? []) flags.push('--set-string', line);
    if (step.setFile) flags.push('--set-file', `${step.setFile.key}=${file(step.setFile.content)}`);
    return flags;
  }

  async function play(input: MarkerInput): Promise<CliRun[]> {
    const name = releaseNameOf('cli', input);
    const runs: CliRun[] = [];
    for (const [index, step] of input.steps.entries()) {
      const verb = index === 0 ? 'install' : 'upgrade';
      runs.push(
        await cliInProcess(world, [verb, name, MARKED_CHART, ...flagsOf(step), '--wait=false', '--debug']),
      );
    }
    const last = runs.at(-1);
    expect(last?.code, `${input.name}: ${last?.stderr}`).toBe(EXIT[input.expect.outcome]);
    if (input.expect.outcome !== 'rejected') {
      for (const read of [
        // Not `status -o json`: like helm's, it carries the user-supplied values, as `get values` does.
        ['status', name],
        ['history', name],
        ['history', name, '-o', 'yaml'],
      ]) {
        runs.push(await cliInProcess(world, read));
      }
    }
    return runs;
  }

  it('keeps every marker secret out of stdout and stderr (with --debug) of actions and reads', async () => {
    const runs: CliRun[] = [];
    for (const input of MARKER_INPUTS) runs.push(...(await play(input)));
    runs.push(await cliInProcess(world, ['list', '-a']));
    const channels: OutputChannel[] = [
      { name: 'stdout', text: () => runs.map((run) => run.stdout).join('\n') },
      { name: 'stderr', text: () => runs.map((run) => run.stderr).join('\n') },
    ];
    await expectCollected(channels);
    await expectNoMarkers(channels);
  });
});
