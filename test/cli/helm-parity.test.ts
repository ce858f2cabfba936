import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { helmBinary } from '../fixtures/real-helm.ts';
import { type CliRun, type CliWorld, charts, cliInProcess, startCliWorld } from './cli-world.ts';

/**
 * The same story played by the real helm 4.1.4 and by quayside against one simulated cluster, each
 * in its own namespace of the same length (so that table columns line up), then every read compared.
 * Times differ and are compared by shape only.
 */
const HELM_NS = 'hlm';
const QS_NS = 'qsd';

describe('reads as helm 4.1.4 prints them', () => {
  let world: CliWorld;
  let helmPath: string;
  let helmEnv: Record<string, string>;

  const helm = (args: readonly string[]): Promise<CliRun> =>
    new Promise((done) => {
      execFile(helmPath, [...args, '-n', HELM_NS], { env: helmEnv }, (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      });
    });
  const quayside = (args: readonly string[]) => cliInProcess(world, [...args, '-n', QS_NS]);

  /** Runs a step with both tools and checks they agree on the exit code. */
  async function both(
    args: readonly string[],
    quaysideExtra: readonly string[] = [],
  ): Promise<[CliRun, CliRun]> {
    const theirs = await helm(args);
    const ours = await quayside([...args, ...quaysideExtra]);
    expect(ours.code === 0, `${args.join(' ')}: ${ours.stderr}`).toBe(theirs.code === 0);
    return [theirs, ours];
  }

  const GO_TIME = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC/g;
  const ANSIC = /[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}/g;
  const RFC3339 = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g;
  /** Times replaced, the namespace made the same, each table cell trimmed: what must match exactly. */
  const normal = (text: string) =>
    text
      .replaceAll(HELM_NS, QS_NS)
      .replace(GO_TIME, 'TIME')
      .replace(ANSIC, 'TIME')
      .replace(RFC3339, 'TIME')
      .split('\n')
      .map((line) =>
        line
          .split('\t')
          .map((cell) => cell.trimEnd())
          .join('\t'),
      )
      .join('\n');
  const same = async (args: readonly string[]) => {
    const [theirs, ours] = await both(args);
    expect(normal(ours.stdout), args.join(' ')).toBe(normal(theirs.stdout));
  };

  beforeAll(async () => {
    world = await startCliWorld();
    helmPath = await helmBinary('v34');
    const home = join(world.dir, 'helm-home');
    mkdirSync(home);
    helmEnv = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      KUBECONFIG: world.kubeconfig,
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
    };
    const chart = charts.myNginx;
    const wait = ['--wait=false'];
    await both(['install', 'alpha', chart, '--create-namespace'], wait);
    await both(['install', 'zeta', chart, '--set', 'replicaCount=2'], wait);
    await both(['upgrade', 'zeta', chart, '--set', 'replicaCount=3'], wait);
    await both(['rollback', 'zeta', '0'], wait);
    await both(['install', 'gamma', chart], wait);
    await both(['uninstall', 'gamma', '--keep-history'], wait);
    await both(['install', 'beta', chart], wait);
    // The API server refuses the Service type: the revision fails in both.
    await both(['upgrade', 'beta', chart, '--set', 'service.type=Bogus'], wait);
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('reads rollback 0 as the revision before the latest', async () => {
    const [theirs, ours] = await both(['history', 'zeta', '-o', 'json']);
    const descriptions = (run: CliRun) =>
      JSON.parse(run.stdout).map((r: { description: string }) => r.description);
    expect(descriptions(ours)).toEqual(descriptions(theirs));
    expect(descriptions(ours).at(-1)).toBe('Rollback to 1');
  });

  it('lists every status by default, and takes helm 4 list flags', async () => {
    for (const args of [
      ['list'],
      ['list', '-q'],
      ['list', '-q', '-o', 'json'],
      ['list', '-q', '-o', 'yaml'],
      ['list', '-o', 'yaml'],
      ['list', '--deployed'],
      ['list', '--failed', '--uninstalled'],
      ['list', '--pending'],
      ['list', '-f', '^[az]'],
      ['list', '-r'],
      ['list', '-m', '2', '--offset', '1'],
      ['list', '-m', '0', '-q'],
      ['list', '--offset', '9'],
      ['list', '--no-headers'],
      ['list', '-l', 'team=web'],
      ['list', '-l', 'team!=web', '-q'],
      ['list', '--time-format', '2006'],
    ]) {
      await same(args);
    }
  });

  it('lists superseded revisions themselves with --superseded alone', async () => {
    const [theirs, ours] = await both(['list', '--superseded', '-o', 'json']);
    const rows = (run: CliRun) =>
      JSON.parse(run.stdout)
        .map((r: { name: string; revision: string; status: string }) => `${r.name} ${r.revision} ${r.status}`)
        .sort();
    expect(rows(ours)).toEqual(rows(theirs));
    expect(rows(ours)).toEqual(['zeta 1 superseded', 'zeta 2 superseded']);
  });

  it('prints history, get values, get all, get hooks, get notes and get manifest as helm does', async () => {
    for (const args of [
      ['history', 'zeta'],
      ['history', 'zeta', '--max', '2'],
      ['history', 'zeta', '-o', 'yaml'],
      ['get', 'values', 'zeta'],
      ['get', 'values', 'zeta', '-o', 'json'],
      ['get', 'values', 'alpha'],
      ['get', 'values', 'alpha', '-o', 'json'],
      ['get', 'values', 'alpha', '-o', 'yaml'],
      ['get', 'values', 'zeta', '--all', '-o', 'json'],
      ['get', 'values', 'zeta', '--revision', '1'],
      ['get', 'all', 'alpha'],
      ['get', 'hooks', 'alpha'],
      ['get', 'notes', 'alpha'],
      ['get', 'manifest', 'zeta'],
    ]) {
      await same(args);
    }
  });

  it('prints status as helm does, its cluster resources with --show-resources', async () => {
    const [theirs, ours] = await both(['status', 'zeta']);
    const withoutResources = theirs.stdout.replace(/RESOURCES:\n[\s\S]*?\n\n\n/, '');
    expect(normal(ours.stdout)).toBe(normal(withoutResources));
    const shown = await quayside(['status', 'zeta', '--show-resources']);
    expect(normal(shown.stdout).replace(/RESOURCES:\n[\s\S]*?\n\n\n/, '')).toBe(normal(withoutResources));
    // Groups come in map order in helm; ages, cluster IPs and pod name suffixes differ by nature.
    const groups = (text: string) => {
      const block = /RESOURCES:\n([\s\S]*?)\n\n\n/.exec(text)?.[1] ?? '';
      return Object.fromEntries(
        block.split('\n\n').map((group) => {
          const [key, ...lines] = group.split('\n');
          const cells = lines.map((line) =>
            line
              .replace(/\b\d+[smhd]\b/g, 'AGE')
              .replace(/\b10\.96\.\d+\.\d+\b/g, 'IP')
              .replace(/\b(zeta)-[a-z0-9]{10}-[a-z0-9]{5}\b/g, '$1-POD')
              .split(/\s{2,}/),
          );
          return [key, cells];
        }),
      );
    };
    expect(groups(shown.stdout)).toEqual(groups(theirs.stdout));
    expect(Object.keys(groups(shown.stdout))).toEqual(
      expect.arrayContaining([
        '==> v1/ConfigMap',
        '==> v1/Deployment',
        '==> v1/Pod(related)',
        '==> v1/Service',
      ]),
    );
    const [theirJson, ourJson] = await both(['status', 'zeta', '-o', 'json']);
    const shape = (run: CliRun) => {
      const data = JSON.parse(run.stdout);
      return {
        keys: Object.keys(data).sort(),
        info: Object.keys(data.info)
          .filter((k) => k !== 'resources')
          .sort(),
      };
    };
    expect(shape(ourJson)).toEqual(shape(theirJson));
    expect(JSON.parse(ourJson.stdout).manifest).toBe(JSON.parse(theirJson.stdout).manifest);
    const resourcesOf = (run: CliRun) => Object.keys(JSON.parse(run.stdout).info.resources ?? {}).sort();
    const ourResources = await quayside(['status', 'zeta', '--show-resources', '-o', 'json']);
    expect(resourcesOf(ourResources)).toEqual(resourcesOf(theirJson));
    expect(JSON.parse(ourResources.stdout).info.resources['v1/Deployment'][0].metadata.name).toBe('zeta');
    const parsed = parse((await quayside(['status', 'beta', '-o', 'yaml'])).stdout);
    expect(parsed.info.status).toBe('failed');
  });

  it('refuses history --max 0 with a clear error, where helm prints an empty table', async () => {
    const theirs = await helm(['history', 'zeta', '--max', '0']);
    expect(theirs.stdout.trim().split('\n')).toHaveLength(1);
    const ours = await quayside(['history', 'zeta', '--max', '0']);
    expect(ours.code).toBe(2);
    expect(ours.stderr).toBe(
      `Error: invalid argument "0" for "--max": must be at least 1 — run 'quayside history --help' for usage\n`,
    );
  });
});
