import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReleaseEngine } from '../../lib/engine/index.ts';
import { kubeconfigConnectionProvider, systemClock } from '../../lib/kube/index.ts';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';
import { MemoryDriver, ReleaseStore } from '../../lib/store/index.ts';
import { type HelmRun, helmClient } from '../fixtures/helm-cli.ts';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bootcamp = join(repoRoot, 'examples', 'charts', 'kubernetes-bootcamp');
const ghost = join(repoRoot, 'examples', 'charts', 'ghost');

function ok(run: HelmRun): HelmRun {
  expect(run.stderr, run.stdout).not.toMatch(/Error/);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

// The simulator stands in for a real API server, and helm is a client beside kubectl: every helm
// command a user runs, with --wait, works against it as against a cluster.
describe.each([
  ['v34', 'Helm 4.1.4'],
  ['v31', 'Helm 3.17.3'],
] as const)('the real helm (%s, %s) against the simulator', (layer, _version) => {
  let sim: Simulator;
  let helm: (...args: string[]) => Promise<HelmRun>;
  const revisions = async (release: string) => {
    const run = ok(await helm('history', release, '-o', 'json'));
    return (JSON.parse(run.stdout) as Array<{ revision: number }>).map((r) => r.revision);
  };
  // Helm 4 lists releases of every status by default; Helm 3 needs -a for that.
  const listAll = () => helm('list', '-A', ...(layer === 'v31' ? ['-a'] : []), '-o', 'json');

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qs-helm-sim-'));
    sim = await startSimulator({ rolloutStepMs: 20, kubeconfigPath: join(dir, 'kubeconfig') });
    helm = helmClient(layer, join(dir, 'kubeconfig'));
  });
  afterAll(() => sim.stop());

  it('installs with --wait, and reports the release in status and list -A', async () => {
    ok(await helm('install', 'web', bootcamp, '--set', 'replicas=2', '--wait', '--timeout', '60s'));
    expect(ok(await helm('status', 'web')).stdout).toContain('STATUS: deployed');
    const list = JSON.parse(ok(await helm('list', '-A', '-o', 'json')).stdout) as Array<
      Record<string, string>
    >;
    expect(list).toEqual([
      expect.objectContaining({ name: 'web', namespace: 'default', status: 'deployed', revision: '1' }),
    ]);
  });

  it('upgrades eleven times with --wait, keeping the last ten revisions as history-max says', async () => {
    for (let i = 0; i < 11; i++) {
      ok(
        await helm(
          'upgrade',
          'web',
          bootcamp,
          '--set',
          `replicas=${(i % 3) + 1}`,
          '--wait',
          '--timeout',
          '60s',
        ),
      );
    }
    expect(await revisions('web')).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('rolls back with --wait to a revision it kept', async () => {
    ok(await helm('rollback', 'web', '5', '--wait', '--timeout', '60s'));
    const history = JSON.parse(ok(await helm('history', 'web', '-o', 'json')).stdout) as Array<
      Record<string, unknown>
    >;
    expect(history.at(-1)).toMatchObject({ revision: 13, status: 'deployed', description: 'Rollback to 5' });
  });

  it('uninstalls with --wait, leaving neither objects nor records', async () => {
    ok(await helm('uninstall', 'web', '--wait', '--timeout', '60s'));
    expect(JSON.parse(ok(await listAll()).stdout)).toEqual([]);
    const kubeconfig = kubeconfigConnectionProvider({ yaml: sim.kubeconfig });
    const connection = await kubeconfig.connect('');
    const left = await connection.send({
      method: 'GET',
      path: '/apis/apps/v1/namespaces/default/deployments',
      ref: { apiVersion: 'apps/v1', kind: 'Deployment', name: '' },
    });
    expect((left.body as { items: unknown[] }).items).toEqual([]);
    connection.close();
  });

  it('runs a StatefulSet release through upgrade, rollback and uninstall --keep-history', async () => {
    ok(
      await helm('install', 'blog', ghost, '-n', 'tools', '--create-namespace', '--wait', '--timeout', '60s'),
    );
    ok(
      await helm(
        'upgrade',
        'blog',
        ghost,
        '-n',
        'tools',
        '--set',
        'image.tag=1.24.9',
        '--wait',
        '--timeout',
        '60s',
      ),
    );
    ok(await helm('rollback', 'blog', '1', '-n', 'tools', '--wait', '--timeout', '60s'));
    ok(await helm('uninstall', 'blog', '-n', 'tools', '--keep-history', '--wait', '--timeout', '60s'));
    const list = JSON.parse(ok(await listAll()).stdout) as Array<Record<string, string>>;
    expect(list).toEqual([
      expect.objectContaining({ name: 'blog', namespace: 'tools', status: 'uninstalled', revision: '3' }),
    ]);
  });

  it('leaves the same objects as quayside does for the same chart and values', async () => {
    ok(
      await helm(
        'install',
        'same',
        bootcamp,
        '-n',
        'by-helm',
        '--create-namespace',
        '--set',
        'replicas=2',
        '--wait',
      ),
    );
    const connections = kubeconfigConnectionProvider({ yaml: sim.kubeconfig });
    const engine = new ReleaseEngine({
      store: new ReleaseStore(new MemoryDriver()),
      connections,
      clock: systemClock,
      poll: { initialMs: 20, maxMs: 100 },
    });
    const installed = await engine.install(
      {
        release: { cluster: '', namespace: 'by-quayside', name: 'same' },
        chart: { kind: 'directory', path: bootcamp },
        values: { replicas: 2 },
        options: { createNamespace: true, timeoutMs: 60_000 },
      },
      { requestId: `same-${layer}`, requestedBy: { principal: 'test', channel: 'cli' } },
    );
    expect(installed.status).toBe('deployed');
    const connection = await connections.connect('');
    const names = async (namespace: string) => {
      const found: string[] = [];
      for (const [path, kind] of [
        ['/api/v1/namespaces/NS/services', 'Service'],
        ['/apis/apps/v1/namespaces/NS/deployments', 'Deployment'],
        ['/api/v1/namespaces/NS/configmaps', 'ConfigMap'],
      ] as const) {
        const { body } = await connection.send({
          method: 'GET',
          path: path.replace('NS', namespace),
          ref: { apiVersion: 'v1', kind, name: '' },
        });
        for (const item of (body as { items: Array<{ metadata: { name: string } }> }).items) {
          found.push(`${kind}/${item.metadata.name}`);
        }
      }
      return found.sort();
    };
    expect(await names('by-quayside')).toEqual(await names('by-helm'));
    connection.close();
  });
});
