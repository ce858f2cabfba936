import { CoreV1Api, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failure, type SimHarness, startHarness } from './helpers.ts';

let harness: SimHarness;
let core: CoreV1Api;
beforeAll(async () => {
  harness = await startHarness();
  core = harness.kubeconfig.makeApiClient(CoreV1Api);
});
beforeEach(() => {
  harness.sim.clearFaults();
});
afterAll(async () => {
  await harness.sim.stop();
});

async function outcomes(count: number): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < count; i += 1) {
    codes.push(
      await core.listNamespacedConfigMap({ namespace: 'default' }).then(
        () => 200,
        (error: { code?: number }) => error.code ?? 0,
      ),
    );
  }
  return codes;
}

describe('fault injection', () => {
  it('answers 429 with Retry-After for the chosen verbs only', async () => {
    harness.sim.injectFaults({ errors: [{ verbs: ['list'], rate: 1, status: 429, retryAfterSeconds: 3 }] });
    const status = await failure(core.listNamespacedConfigMap({ namespace: 'default' }));
    expect(status).toMatchObject({
      httpCode: 429,
      kind: 'Status',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 3 },
    });
    expect(status.headers['retry-after']).toBe('3');
    await expect(core.readNamespace({ name: 'default' })).resolves.toMatchObject({
      metadata: { name: 'default' },
    });
  });

  it('answers 500 and 503 as InternalError and ServiceUnavailable', async () => {
    harness.sim.injectFaults({ errors: [{ rate: 1, status: 500 }] });
    expect(await failure(core.readNamespace({ name: 'default' }))).toMatchObject({
      httpCode: 500,
      reason: 'InternalError',
    });
    harness.sim.injectFaults({ errors: [{ rate: 1, status: 503 }] });
    expect(await failure(core.readNamespace({ name: 'default' }))).toMatchObject({
      httpCode: 503,
      reason: 'ServiceUnavailable',
    });
  });

  it('repeats the same faults for the same seed', async () => {
    harness.sim.injectFaults({ errors: [{ rate: 0.5, status: 503 }], seed: 42 });
    const first = await outcomes(12);
    harness.sim.injectFaults({ errors: [{ rate: 0.5, status: 503 }], seed: 42 });
    const second = await outcomes(12);
    expect(second).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
  });

  it('drops connections without an answer', async () => {
    harness.sim.injectFaults({ dropRate: 1 });
    const error = await core.readNamespace({ name: 'default' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: unknown }).code).toBe('ECONNRESET');
  });

  it('delays answers by the injected latency', async () => {
    harness.sim.injectFaults({ latencyMs: 150 });
    const started = performance.now();
    await core.readNamespace({ name: 'default' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('logs every request with its verb and status, and faults stop when cleared', async () => {
    const before = harness.sim.requests.length;
    harness.sim.injectFaults({ errors: [{ verbs: ['get'], rate: 1, status: 500 }] });
    await failure(core.readNamespace({ name: 'default' }));
    harness.sim.clearFaults();
    await core.readNamespace({ name: 'default' });
    await core.listNamespace();
    const logged = harness.sim.requests.slice(before);
    expect(logged.map((r) => [r.method, r.verb, r.path, r.status])).toEqual([
      ['GET', 'get', '/api/v1/namespaces/default', 500],
      ['GET', 'get', '/api/v1/namespaces/default', 200],
      ['GET', 'list', '/api/v1/namespaces', 200],
    ]);
    expect(logged.every((r) => typeof r.at === 'number')).toBe(true);
  });

  it('answers a watch from a resourceVersion it no longer remembers with 410 Expired', async () => {
    const list = await core.listNamespace();
    await harness.sim.reset();
    const events: Array<{ phase: string; object: { code?: number; reason?: string } }> = [];
    const watch = new Watch(harness.kubeconfig);
    await new Promise<void>((resolve) => {
      void watch.watch(
        '/api/v1/namespaces',
        { resourceVersion: list.metadata?.resourceVersion ?? '1' },
        (phase, object) => events.push({ phase, object }),
        () => resolve(),
      );
    });
    expect(events).toEqual([
      { phase: 'ERROR', object: expect.objectContaining({ code: 410, reason: 'Expired' }) },
    ]);
  });

  it('resets to a fresh cluster', async () => {
    await core.createNamespace({ body: { metadata: { name: 'temporary' } } }).catch(() => undefined);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'gone' } } });
    await harness.sim.reset();
    const names = (await core.listNamespace()).items.map((n) => n.metadata?.name).sort();
    expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect((await core.listNamespacedConfigMap({ namespace: 'default' })).items).toEqual([]);
  });
});
