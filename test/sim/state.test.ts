import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimStateSaveError, type Simulator, startSimulator } from '../../lib/sim/index.ts';
import { loadState, StateSaver } from '../../lib/sim/state-file.ts';
import type { StoreSnapshot } from '../../lib/sim/store.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quayside-sim-state-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function coreOf(sim: Simulator): CoreV1Api {
  const config = new KubeConfig();
  config.loadFromString(sim.kubeconfig);
  return config.makeApiClient(CoreV1Api);
}

async function until<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function inBatches<T>(items: T[], width: number, run: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(run));
}

const snapshotOf = (resourceVersion: number): StoreSnapshot => ({ resourceVersion, objects: [] });

describe('simulator state saving (--state)', () => {
  it('writes one save at a time and ends with the newest state when changes arrive during slow writes', async () => {
    let version = 0;
    let inFlight = 0;
    let mostAtOnce = 0;
    const written: number[] = [];
    const failures: SimStateSaveError[] = [];
    const saver = new StateSaver({
      dir: join(dir, 'unused'),
      snapshot: () => snapshotOf(version),
      debounceMs: 1,
      onError: (error) => failures.push(error),
      write: async (_dir, snapshot) => {
        inFlight += 1;
        mostAtOnce = Math.max(mostAtOnce, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 15));
        written.push(snapshot.resourceVersion);
        inFlight -= 1;
      },
    });
    for (let i = 0; i < 60; i += 1) {
      version += 1;
      saver.changed();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(await saver.flush()).toBe(true);
    expect(failures).toEqual([]);
    expect(mostAtOnce).toBe(1);
    expect(written.at(-1)).toBe(60);
    // A burst is coalesced: far fewer writes than changes.
    expect(written.length).toBeLessThan(30);
    saver.close();
  });

  it('reports a failing save, keeps serving, and saves again once the cause is gone', async () => {
    const stateDir = join(dir, 'failing');
    const failures: SimStateSaveError[] = [];
    const recovered: string[] = [];
    const sim = await startSimulator({
      stateDir,
      rolloutStepMs: 20,
      onStateSaveError: (error) => failures.push(error),
      onStateSaveRecovered: (folder) => recovered.push(folder),
    });
    try {
      const core = coreOf(sim);
      // A folder where the state file should be: every rename onto it fails.
      await mkdir(join(stateDir, 'cluster.json', 'blocker'), { recursive: true });
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'first' } } });
      const failure = await until(() => failures[0]);
      expect(failure).toBeInstanceOf(SimStateSaveError);
      expect(failure.message).toContain(`cannot save simulator state in ${stateDir}`);
      expect(failure.message).toContain('retrying in 1 s');

      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'second' } } });
      await rm(join(stateDir, 'cluster.json'), { recursive: true });
      await until(() => recovered[0]);
      expect(recovered).toEqual([stateDir]);
    } finally {
      await sim.stop();
    }
    const saved = await loadState(stateDir);
    const names = saved?.objects.map(({ object }) => (object.metadata as { name?: string }).name);
    expect(names).toEqual(expect.arrayContaining(['first', 'second']));
    expect((await readdir(stateDir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('survives 1,300 ConfigMaps and 300 deletions without waiting, and restarts with what is left', async () => {
    const stateDir = join(dir, 'busy');
    const failures: SimStateSaveError[] = [];
    const sim = await startSimulator({
      stateDir,
      rolloutStepMs: 20,
      onStateSaveError: (e) => failures.push(e),
    });
    const names = Array.from({ length: 1300 }, (_, i) => `cm-${i}`);
    try {
      const core = coreOf(sim);
      const pad = 'x'.repeat(4000);
      await inBatches(names, 25, (name) =>
        core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name }, data: { pad } } }),
      );
      await Promise.all(
        names
          .slice(0, 300)
          .map((name) =>
            core.deleteNamespacedConfigMap({ name, namespace: 'default', propagationPolicy: 'Background' }),
          ),
      );
    } finally {
      await sim.stop();
    }
    expect(failures).toEqual([]);

    const again = await startSimulator({ stateDir, rolloutStepMs: 20 });
    try {
      const left = await coreOf(again).listNamespacedConfigMap({ namespace: 'default' });
      const kept = left.items.map((item) => item.metadata?.name).filter((name) => name?.startsWith('cm-'));
      expect(kept).toHaveLength(1000);
      expect(kept).not.toContain('cm-0');
    } finally {
      await again.stop();
    }
  });

  it('starts from the last complete state when a killed save left its temporary file behind', async () => {
    const stateDir = join(dir, 'killed');
    const sim = await startSimulator({ stateDir, rolloutStepMs: 20 });
    await coreOf(sim).createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'kept' } },
    });
    await sim.stop();
    const complete = await readFile(join(stateDir, 'cluster.json'), 'utf8');
    await writeFile(join(stateDir, 'cluster.json.4242.7.tmp'), complete.slice(0, complete.length / 2));

    const again = await startSimulator({ stateDir, rolloutStepMs: 20 });
    try {
      const kept = await coreOf(again).readNamespacedConfigMap({ name: 'kept', namespace: 'default' });
      expect(kept.metadata?.name).toBe('kept');
      expect(await readdir(stateDir)).toEqual(['cluster.json']);
    } finally {
      await again.stop();
    }
  });
});
