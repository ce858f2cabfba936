import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../lib/engine/index.ts';
import { MemoryPublisher } from '../../lib/events/index.ts';
import { type MessageOutcome, processBatch } from '../../lib/requests/index.ts';
import { createExecutor } from '../../lib/worker/index.ts';
import { CLUSTER, exampleChart, live, realClock, repoRoot, startWorld, type World } from '../engine/world.ts';
import { helmClient } from '../fixtures/helm-cli.ts';

let sequence = 0;
function message(body: unknown) {
  sequence++;
  return {
    messageId: `m-${sequence}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    receiveCount: 1,
  };
}

function request(overrides: Record<string, unknown>) {
  sequence++;
  return {
    version: 'v1',
    requestId: `worker-${process.pid}-${sequence}`,
    action: 'install',
    release: { cluster: CLUSTER, namespace: 'default', name: 'web' },
    chart: { path: (exampleChart('kubernetes-bootcamp') as { path: string }).path },
    values: { replicas: 1 },
    options: { timeout: '20s' },
    requestedBy: { principal: 'ci:test', channel: 'ci' },
    requestedAt: new Date().toISOString(),
    ...overrides,
  };
}

describe('the worker: queue messages through the engine', () => {
  let world: World;
  let publisher: MemoryPublisher;
  const run = async (...bodies: unknown[]): Promise<MessageOutcome[]> =>
    processBatch(bodies.map(message), {
      execute: createExecutor({ engine: world.engine, publisher, allowLocalCharts: true }),
      publish: (event) => publisher.publish([event]),
      clock: realClock,
    });

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.stop());

  it('deploys a request and publishes Release Deployed without its values', async () => {
    publisher = new MemoryPublisher();
    const install = request({
      release: { cluster: CLUSTER, namespace: 'default', name: 'web' },
      values: { replicas: 1, token: 's3cr3t-value' },
    });
    const [outcome] = await run(install);
    expect(outcome).toMatchObject({ outcome: 'done' });
    expect(publisher.events.map((e) => [e.detailType, e.detail.status, e.detail.revision])).toEqual([
      ['Release Deployed', 'deployed', 1],
    ]);
    expect(JSON.stringify(publisher.events)).not.toContain('s3cr3t-value');
    // Delivered again (SQS at-least-once): done, no new revision, no second event.
    const [again] = await run(install);
    expect(again).toMatchObject({ outcome: 'done' });
    expect(publisher.events).toHaveLength(1);
  });

  it('publishes the failure and the automatic rollback of an atomic upgrade', async () => {
    publisher = new MemoryPublisher();
    const id = { cluster: CLUSTER, namespace: 'default', name: 'atomic-web' };
    await run(request({ release: id }));
    const [outcome] = await run(
      request({
        action: 'upgrade',
        release: id,
        values: { replicas: 1, image: 'gcr.io/google-samples/kubernetes-bootcamp:v10' },
        options: { timeout: '20s', atomic: true },
      }),
    );
    expect(outcome?.outcome).toBe('done');
    expect(publisher.events.map((e) => e.detailType)).toEqual([
      'Release Deployed',
      'Release Failed',
      'Release Rolled Back',
    ]);
    expect(publisher.events[1]?.detail.description).toMatch(/ImagePull|ErrImagePull/);
    expect((await readHistory(world.store, id)).map((r) => r.status)).toEqual([
      'superseded',
      'failed',
      'deployed',
    ]);
  });

  it('rejects each bad request exactly once and changes nothing', async () => {
    publisher = new MemoryPublisher();
    const untouched = { cluster: CLUSTER, namespace: 'default', name: 'untouched' };
    await run(request({ release: untouched }));
    const before = await readHistory(world.store, untouched);
    const apiCalls = world.sim.requests.filter((r) => r.method !== 'GET').length;
    publisher = new MemoryPublisher();
    const bad = [
      '{"version": "v1", "requestId": ',
      request({ action: 'redeploy' }),
      request({ release: { cluster: CLUSTER, namespace: 'default', name: 'Not_A_Name' } }),
      request({ release: untouched, action: 'upgrade', chart: { path: '/nonexistent/chart' } }),
      request({
        release: { cluster: CLUSTER, namespace: 'default', name: 'no-such-release' },
        action: 'rollback',
        chart: undefined,
        values: undefined,
        revision: 1,
      }),
      request({ release: untouched, action: 'rollback', chart: undefined, values: undefined, revision: 42 }),
      request({
        release: { cluster: CLUSTER, namespace: 'default', name: 'schema-bad' },
        chart: { path: join(repoRoot, 'test', 'fixtures', 'charts', 'hooked') },
        values: { message: 42 },
      }),
    ];
    const outcomes = await run(...bad);
    expect(outcomes.map((o) => o.outcome)).toEqual(bad.map(() => 'rejected'));
    expect(publisher.events).toHaveLength(bad.length);
    expect(publisher.events.every((e) => e.detailType === 'Request Rejected')).toBe(true);
    expect(await readHistory(world.store, untouched)).toEqual(before);
    expect(world.sim.requests.filter((r) => r.method !== 'GET').length).toBe(apiCalls);
    expect(
      await live(world.connection, '/apis/apps/v1/namespaces/default/deployments/no-such-release'),
    ).toBeUndefined();
  });

  it('imports a release helm made from an import request, and publishes Release Imported', async () => {
    publisher = new MemoryPublisher();
    const dir = mkdtempSync(join(tmpdir(), 'qs-worker-helm-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, world.sim.kubeconfig);
    const helm = helmClient('v34', kubeconfig);
    const installed = await helm(
      'install',
      'from-helm',
      (exampleChart('kubernetes-bootcamp') as { path: string }).path,
    );
    expect(installed.code, installed.stderr).toBe(0);
    const id = { cluster: CLUSTER, namespace: 'default', name: 'from-helm' };
    const importRequest = request({
      action: 'import',
      release: id,
      chart: undefined,
      values: undefined,
      options: undefined,
    });
    const [outcome] = await run(importRequest);
    expect(outcome).toMatchObject({ outcome: 'done' });
    expect(publisher.events.map((e) => [e.detailType, e.detail.action, e.detail.revision])).toEqual([
      ['Release Imported', 'import', 1],
    ]);
    expect((await readHistory(world.store, id)).map((r) => r.description)).toEqual(['Install complete']);
  });
});
