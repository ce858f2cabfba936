/**
 * Which commands start the chart engine first thing (bin/launch.js's engineNeeds and engineFor), and
 * when the CLI's direct runner lets it go: at the lease of an action that rendered, never in the middle
 * of one that renders nothing but may still have the cluster's certificate to verify.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFor, engineNeeds, nativeEngineOf } from '../../bin/launch.js';
import { type EngineChannel, useEngineChannel } from '../../lib/chart/engine/engine-host.ts';
import { readYamlLikeHelm, runEngine } from '../../lib/chart/engine/wasm-engine.ts';
import { DirectRunner } from '../../lib/cli/runner.ts';
import type { ReleaseId } from '../../lib/domain/index.ts';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';
import { MemoryDriver, ReleaseStore } from '../../lib/store/index.ts';
import { CLUSTER, charts, repoRoot } from './cli-world.ts';

const root = `${repoRoot}/`;

describe('the chart engine a command starts first thing', () => {
  const needs = (line: string, env: NodeJS.ProcessEnv = {}) => engineNeeds(line.split(' '), env);

  it('is there to render for the commands that render here', () => {
    for (const line of [
      'template web chart',
      'install web chart',
      'upgrade web chart',
      'diff upgrade web chart',
    ])
      expect(needs(line)).toBe('render');
  });

  it('is there to verify the cluster for the commands that only talk to one', () => {
    for (const line of [
      'rollback web 1',
      'uninstall web',
      'test web',
      'import web',
      'status web --show-resources',
    ])
      expect(needs(line)).toBe('verify');
  });

  it('is not there for the commands that read the store alone, or send the action to a queue', () => {
    for (const line of ['history web', 'list -A', 'status web', 'get values web', 'version', '--help'])
      expect(needs(line)).toBeUndefined();
    for (const line of ['install web chart', 'upgrade web chart', 'rollback web 1', 'uninstall web']) {
      expect(needs(`${line} --queue-url https://sqs.example/q.fifo`)).toBeUndefined();
      expect(needs(line, { QUAYSIDE_QUEUE_URL: 'https://sqs.example/q.fifo' })).toBeUndefined();
    }
    // `template` reads no cluster and sends nothing to a queue: it always renders here.
    expect(needs('template web chart', { QUAYSIDE_QUEUE_URL: 'https://sqs.example/q.fifo' })).toBe('render');
  });

  it('is the native engine to verify, and none where no native engine is to be run', () => {
    const native = nativeEngineOf(root, {});
    const verify = ['rollback', 'web', '1'];
    expect(engineFor(root, verify, {})).toEqual(
      native === undefined ? { needs: undefined, native } : { needs: 'verify', native },
    );
    // Without the native engine, a command that renders starts the WebAssembly one; one that only
    // verifies starts none (OpenSSL verifies).
    const wasm = { QUAYSIDE_ENGINE: 'wasm' };
    expect(engineFor(root, verify, wasm)).toEqual({ needs: undefined, native: undefined });
    expect(engineFor(root, ['install', 'web', 'chart'], wasm)).toEqual({
      needs: 'render',
      native: undefined,
    });
  });
});

describe("the direct runner and the engine's release", () => {
  let sim: Simulator;
  let kubeconfig: string;
  let released = 0;
  // The engine in this thread, counting the releases asked of it.
  const counting: EngineChannel = {
    call: <T>(call: Parameters<EngineChannel['call']>[0]) =>
      (call.op === 'render' ? runEngine(call.request) : readYamlLikeHelm(call.mode, call.text)) as Promise<T>,
    release: () => {
      released++;
    },
  };

  beforeAll(async () => {
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'quayside-runner-')), 'kubeconfig');
    sim = await startSimulator({ kubeconfigPath: kubeconfig });
    useEngineChannel(counting);
  });
  afterAll(async () => {
    useEngineChannel(undefined);
    await sim.stop();
  });

  it('lets the engine go at the lease of install and upgrade, and keeps it through rollback and uninstall', async () => {
    const runner = new DirectRunner({ store: new ReleaseStore(new MemoryDriver()), kubeconfig });
    const release: ReleaseId = { cluster: CLUSTER, namespace: 'default', name: 'web' };
    const chart = { kind: 'directory' as const, path: charts.myNginx };
    const options = { wait: false };
    expect((await runner.install({ release, chart, options })).status).toBe('deployed');
    expect(released).toBe(1);
    expect((await runner.upgrade({ release, chart, values: { replicaCount: 2 }, options })).status).toBe(
      'deployed',
    );
    expect(released).toBe(2);
    expect((await runner.rollback({ release, revision: 1, options })).status).toBe('deployed');
    expect((await runner.uninstall({ release, options })).status).toBe('uninstalled');
    expect(released).toBe(2);
  });
});
