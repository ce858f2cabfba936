import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helmClient } from '../fixtures/helm-cli.ts';
import { type CliWorld, charts, startCliWorld } from './cli-world.ts';

describe('quayside import', () => {
  let world: CliWorld;
  beforeAll(async () => {
    world = await startCliWorld();
    const helm = helmClient('v34', world.kubeconfig);
    for (const [name, namespace] of [
      ['web', 'default'],
      ['api', 'apps'],
    ] as const) {
      const run = await helm(
        'install',
        name,
        charts.bootcamp,
        '-n',
        namespace,
        '--create-namespace',
        '--wait',
      );
      expect(run.code, run.stderr).toBe(0);
    }
    const upgraded = await helm('upgrade', 'web', charts.bootcamp, '--set', 'replicas=2', '--wait');
    expect(upgraded.code, upgraded.stderr).toBe(0);
  });
  afterAll(() => world.stop());

  it('imports a release with its history and prints what it took', async () => {
    const run = await world.cli(['import', 'web']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      'default/web: imported revisions 1-2; latest revision 2 deployed: Upgrade complete\n',
    );
    const history = await world.cli(['history', 'web', '-o', 'json']);
    expect((JSON.parse(history.stdout) as Array<{ revision: number }>).map((r) => r.revision)).toEqual([
      1, 2,
    ]);
  });

  it('imports every helm release of every namespace with -A, saying which it had already', async () => {
    const run = await world.cli(['import', '-A', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      expect.objectContaining({ name: 'api', namespace: 'apps', revisions: [1], alreadyImported: false }),
      expect.objectContaining({ name: 'web', namespace: 'default', revisions: [], alreadyImported: true }),
    ]);
  });

  it('says when there is no helm release to import', async () => {
    const run = await world.cli(['import', 'nothing', '-n', 'nowhere']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no helm release nowhere/nothing');
  });
});
