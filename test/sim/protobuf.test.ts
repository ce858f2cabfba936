import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequestBytes, type SimHarness, startHarness } from './helpers.ts';

let harness: SimHarness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.sim.stop();
});

/** Protobuf length-delimited field: key (number << 3 | 2), varint length, bytes. */
function field(number: number, value: Buffer | string): Buffer {
  const data = typeof value === 'string' ? Buffer.from(value) : value;
  const varint = (n: number) => {
    const out: number[] = [];
    let rest = n;
    while (rest > 0x7f) {
      out.push((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    out.push(rest);
    return Buffer.from(out);
  };
  return Buffer.concat([varint((number << 3) | 2), varint(data.length), data]);
}

function envelope(kind: string, raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([field(1, 'v1'), field(2, kind)]);
  return Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), field(1, typeMeta), field(2, raw)]);
}

describe('protobuf bodies (kubectl create)', () => {
  it('creates a namespace and a configmap sent as protobuf', async () => {
    const labels = field(11, Buffer.concat([field(1, 'team'), field(2, 'x')]));
    const namespace = await rawRequestBytes(harness, {
      method: 'POST',
      path: '/api/v1/namespaces',
      contentType: 'application/vnd.kubernetes.protobuf',
      body: envelope('Namespace', field(1, Buffer.concat([field(1, 'demo'), labels]))),
    });
    expect(namespace.status).toBe(201);
    const data = Buffer.concat([field(2, Buffer.concat([field(1, 'a'), field(2, '1')]))]);
    const configMap = await rawRequestBytes(harness, {
      method: 'POST',
      path: '/api/v1/namespaces/demo/configmaps',
      contentType: 'application/vnd.kubernetes.protobuf',
      body: envelope('ConfigMap', Buffer.concat([field(1, field(1, 'cfg')), data])),
    });
    expect(configMap.status).toBe(201);
    const core = harness.kubeconfig.makeApiClient(CoreV1Api);
    expect((await core.readNamespace({ name: 'demo' })).metadata?.labels).toMatchObject({ team: 'x' });
    expect((await core.readNamespacedConfigMap({ name: 'cfg', namespace: 'demo' })).data).toEqual({ a: '1' });
  });

  it('answers 415 for kinds it cannot decode', async () => {
    const response = await rawRequestBytes(harness, {
      method: 'POST',
      path: '/apis/apps/v1/namespaces/default/deployments',
      contentType: 'application/vnd.kubernetes.protobuf',
      body: envelope('Deployment', field(1, field(1, 'web'))),
    });
    expect(response.status).toBe(415);
    expect(JSON.parse(response.body)).toMatchObject({ reason: 'UnsupportedMediaType' });
  });
});
