import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
      execute: createExecutor({ engine: world.engine, publisher, localChartRoots: [repoRoot] }),
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
      request({ release: untouched, action: 'upgrade', chart: { path: join(repoRoot, 'no-such-chart') } }),
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

  it('refuses a chart path outside its chart roots before reading anything, relative or through a symlink', async () => {
    publisher = new MemoryPublisher();
    const dir = mkdtempSync(join(tmpdir(), 'quayside-roots-'));
    const root = join(dir, 'charts');
    mkdirSync(root);
    cpSync(join(repoRoot, 'examples', 'charts', 'my-nginx'), join(root, 'my-nginx'), { recursive: true });
    symlinkSync('/etc', join(root, 'escape'));
    const rooted = (bodies: unknown[]) =>
      processBatch(bodies.map(message), {
        execute: createExecutor({ engine: world.engine, publisher, localChartRoots: [root] }),
        publish: (event) => publisher.publish([event]),
        clock: realClock,
      });
    const outside = ['../../../../etc', '/etc', 'escape', join(repoRoot, 'examples', 'charts', 'my-nginx')];
    const outcomes = await rooted([
      ...outside.map((path, i) =>
        request({ release: { cluster: CLUSTER, namespace: 'default', name: `root-${i}` }, chart: { path } }),
      ),
      // Relative to the root, not to the worker's folder.
      request({
        release: { cluster: CLUSTER, namespace: 'default', name: 'rooted' },
        chart: { path: 'my-nginx' },
      }),
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual([...outside.map(() => 'rejected'), 'done']);
    const reasons = publisher.events
      .filter((e) => e.detailType === 'Request Rejected')
      .map((e) => e.detail.description);
    expect(reasons).toHaveLength(outside.length);
    for (const reason of reasons) {
      expect(reason).toContain(`chart.path is outside the folders this worker reads charts from (${root})`);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses every chart path when it reads no charts from its disk, as the Lambda worker does', async () => {
    publisher = new MemoryPublisher();
    const [outcome] = await processBatch(
      [message(request({ release: { cluster: CLUSTER, namespace: 'default', name: 'no-disk' } }))],
      {
        execute: createExecutor({ engine: world.engine, publisher }),
        publish: (event) => publisher.publish([event]),
        clock: realClock,
      },
    );
    expect(outcome?.outcome).toBe('rejected');
    expect(publisher.events[0]?.detail.description).toContain('does not read charts from its own disk');
  });

  it('rejects a request id sent again with other content, with an event, and answers a true resend as done', async () => {
    publisher = new MemoryPublisher();
    const id = { cluster: CLUSTER, namespace: 'default', name: 'reused-id' };
    const first = request({ release: id, values: { replicas: 1 } });
    expect((await run(first))[0]).toMatchObject({ outcome: 'done' });
    // The same request again, even stamped later, is a duplicate: done, no second event.
    const [resend] = await run({ ...first, requestedAt: new Date(Date.now() + 60_000).toISOString() });
    expect(resend).toMatchObject({ outcome: 'done', result: { status: 'deployed', revision: 1 } });
    expect(publisher.events).toHaveLength(1);
    // The same id with other values is another request: refused, and said so.
    const [reused] = await run({ ...first, values: { replicas: 2 } });
    expect(reused?.outcome).toBe('rejected');
    expect(publisher.events.map((e) => e.detailType)).toEqual(['Release Deployed', 'Request Rejected']);
    expect(publisher.events[1]?.detail.description).toContain(
      `request id ${first.requestId} was already used for a request with different content`,
    );
    expect((await readHistory(world.store, id)).map((r) => r.revision)).toEqual([1]);
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
