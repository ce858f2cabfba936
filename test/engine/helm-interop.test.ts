import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseId } from '../../lib/domain/index.ts';
import { ReleaseEngine, readHistory, readManifest, readValues } from '../../lib/engine/index.ts';
import { kubeconfigConnectionProvider, systemClock } from '../../lib/kube/index.ts';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';
import { MemoryDriver, ReleaseStore } from '../../lib/store/index.ts';
import { type HelmRun, helmClient } from '../fixtures/helm-cli.ts';
import { repoRoot } from './world.ts';

const bootcamp = join(repoRoot, 'examples', 'charts', 'kubernetes-bootcamp');
const chart = { kind: 'directory' as const, path: bootcamp };
const CLUSTER = 'quayside-sim';
const OPTIONS = { timeoutMs: 30_000 };

function ok(run: HelmRun): HelmRun {
  expect(run.code, `${run.stderr}${run.stdout}`).toBe(0);
  return run;
}

interface HelmHistoryEntry {
  revision: number;
  status: string;
  chart: string;
  app_version: string;
  description: string;
}

// Teams bring their helm releases along, and can go back to helm at any time.
describe('a release moves from helm to quayside and back', () => {
  let sim: Simulator;
  let helm: (...args: string[]) => Promise<HelmRun>;
  let store: ReleaseStore;
  let engine: ReleaseEngine;
  let requests = 0;
  const request = () => ({
    requestId: `interop-${++requests}`,
    requestedBy: { principal: 'test', channel: 'cli' },
  });
  const release = (name: string): ReleaseId => ({ cluster: CLUSTER, namespace: 'default', name });
  const helmHistory = async (name: string) =>
    JSON.parse(ok(await helm('history', name, '-o', 'json')).stdout) as HelmHistoryEntry[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qs-interop-'));
    sim = await startSimulator({ rolloutStepMs: 20, kubeconfigPath: join(dir, 'kubeconfig') });
    helm = helmClient('v34', join(dir, 'kubeconfig'));
    store = new ReleaseStore(new MemoryDriver());
    engine = new ReleaseEngine({
      store,
      connections: kubeconfigConnectionProvider({ yaml: sim.kubeconfig }),
      clock: systemClock,
      poll: { initialMs: 20, maxMs: 100 },
    });
  });
  afterAll(() => sim.stop());

  it("imports helm's whole history: install, upgrades, a failed upgrade and a rollback", async () => {
    ok(await helm('install', 'web', bootcamp, '--wait', '--timeout', '60s'));
    ok(await helm('upgrade', 'web', bootcamp, '--set', 'replicas=2', '--wait', '--timeout', '60s'));
    const failed = await helm(
      'upgrade',
      'web',
      bootcamp,
      '--set',
      'image=example/nonexistent:1',
      '--wait',
      '--timeout',
      '3s',
    );
    expect(failed.code).toBe(1);
    ok(await helm('rollback', 'web', '2', '--wait', '--timeout', '60s'));
    const before = await helmHistory('web');

    const imported = await engine.import({ release: release('web') }, request());
    expect(imported).toMatchObject({
      action: 'import',
      revision: 4,
      status: 'deployed',
      imported: [1, 2, 3, 4],
    });

    const history = await readHistory(store, release('web'));
    expect(
      history.map((r) => ({
        revision: r.revision,
        status: r.status,
        chart: `${r.chart.name}-${r.chart.version}`,
        app_version: r.chart.appVersion ?? '',
        description: r.description,
      })),
    ).toEqual(
      before.map(({ revision, status, chart, app_version, description }) => ({
        revision,
        status,
        chart,
        app_version,
        description,
      })),
    );
    expect(await readValues(store, release('web'), { revision: 2 })).toEqual(
      JSON.parse(ok(await helm('get', 'values', 'web', '--revision', '2', '-o', 'json')).stdout),
    );
    expect(await readManifest(store, release('web'), 3)).toBe(
      ok(await helm('get', 'manifest', 'web', '--revision', '3')).stdout.replace(/\n$/, ''),
    );
    // Helm's records are only read.
    expect(await helmHistory('web')).toEqual(before);
  });

  it('continues the history: the upgrade is the next number, taking the fields from helm without conflicts', async () => {
    const upgraded = await engine.upgrade(
      { release: release('web'), chart, values: { replicas: 3 }, options: OPTIONS },
      request(),
    );
    expect(upgraded).toMatchObject({ status: 'deployed', revision: 5, previousRevision: 4 });
    const connection = await kubeconfigConnectionProvider({ yaml: sim.kubeconfig }).connect(CLUSTER);
    const { body } = await connection.send({
      method: 'GET',
      path: '/apis/apps/v1/namespaces/default/deployments/web',
      ref: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    });
    connection.close();
    const deployment = body as {
      spec: { replicas: number };
      metadata: { managedFields: Array<{ manager: string; fieldsV1: unknown }> };
    };
    expect(deployment.spec.replicas).toBe(3);
    const replicasOwner = deployment.metadata.managedFields.find((f) =>
      JSON.stringify(f.fieldsV1).includes('"f:replicas"'),
    );
    expect(replicasOwner?.manager).toBe('quayside');
  });

  it("keeps helm's records up to date, so helm sees the continued history and its values", async () => {
    const history = await helmHistory('web');
    expect(history.map((h) => [h.revision, h.status, h.description])).toEqual([
      [1, 'superseded', 'Install complete'],
      [2, 'superseded', 'Upgrade complete'],
      [3, 'failed', expect.stringContaining('Upgrade "web" failed')],
      [4, 'superseded', 'Rollback to 2'],
      [5, 'deployed', 'Upgrade complete'],
    ]);
    expect(JSON.parse(ok(await helm('get', 'values', 'web', '-o', 'json')).stdout)).toEqual({ replicas: 3 });
    expect(ok(await helm('status', 'web')).stdout).toContain('REVISION: 5');
  });

  it('rolls back to a revision helm made', async () => {
    const rolledBack = await engine.rollback(
      { release: release('web'), revision: 1, options: OPTIONS },
      request(),
    );
    expect(rolledBack).toMatchObject({ status: 'deployed', revision: 6, description: 'Rollback to 1' });
    expect((await helmHistory('web')).at(-1)).toMatchObject({
      revision: 6,
      status: 'deployed',
      description: 'Rollback to 1',
    });
  });

  it('lets helm take the release back: helm reads what quayside wrote and rolls back', async () => {
    // quayside's records say client-side apply, so helm 4 takes the fields back without --force-conflicts.
    ok(await helm('rollback', 'web', '5', '--wait', '--timeout', '60s'));
    expect((await helmHistory('web')).at(-1)).toMatchObject({
      revision: 7,
      status: 'deployed',
      description: 'Rollback to 5',
    });
  });

  it('imports a release helm uninstalled keeping its history, which quayside installs again as the next revision', async () => {
    ok(await helm('install', 'kept', bootcamp, '--wait', '--timeout', '60s'));
    ok(await helm('upgrade', 'kept', bootcamp, '--set', 'replicas=2', '--wait', '--timeout', '60s'));
    ok(await helm('uninstall', 'kept', '--keep-history', '--wait'));
    const imported = await engine.import({ release: release('kept') }, request());
    expect(imported).toMatchObject({ revision: 2, status: 'uninstalled' });
    expect((await readHistory(store, release('kept'))).map((r) => r.status)).toEqual([
      'superseded',
      'uninstalled',
    ]);
    const again = await engine.upgrade(
      { release: release('kept'), chart, options: { ...OPTIONS, install: true } },
      request(),
    );
    expect(again).toMatchObject({ status: 'deployed', revision: 3 });
    expect((await helmHistory('kept')).map((h) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'uninstalled'],
      [3, 'deployed'],
    ]);
  });

  it("writes helm's records for a release quayside made when asked, and helm reads them", async () => {
    const made = await engine.install(
      {
        release: release('made'),
        chart,
        values: { replicas: 2 },
        options: { ...OPTIONS, helmRecords: true },
      },
      request(),
    );
    expect(made.status).toBe('deployed');
    await engine.upgrade(
      { release: release('made'), chart, values: { replicas: 1 }, options: OPTIONS },
      request(),
    );
    const list = JSON.parse(ok(await helm('list', '-o', 'json')).stdout) as Array<Record<string, string>>;
    expect(list.find((r) => r.name === 'made')).toMatchObject({
      revision: '2',
      status: 'deployed',
      chart: 'kubernetes-bootcamp-1.0.0',
    });
    expect((await helmHistory('made')).map((h) => h.status)).toEqual(['superseded', 'deployed']);
    expect(
      JSON.parse(ok(await helm('get', 'values', 'made', '--revision', '1', '-o', 'json')).stdout),
    ).toEqual({ replicas: 2 });
    ok(await helm('rollback', 'made', '1', '--wait', '--timeout', '60s'));
    expect((await helmHistory('made')).at(-1)).toMatchObject({ revision: 3, description: 'Rollback to 1' });
  });
});
