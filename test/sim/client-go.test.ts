import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  deployment,
  eventually,
  failure,
  type Manifest,
  rawRequest,
  rawRequestBytes,
  type SimHarness,
  startHarness,
} from './helpers.ts';

// What client-go based clients (helm 3 and 4 beside kubectl) rely on and the simulator must do as
// kube-apiserver does.
let harness: SimHarness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.sim.stop());

const configMap = (name: string, labels: Record<string, string> = {}): Manifest => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', labels },
  data: { a: '1' },
});

function lines(body: string): Array<{ type: string; object: Manifest }> {
  return body
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string; object: Manifest });
}

describe('a watch that asks for its initial events (watch-list)', () => {
  it('sends every current object, then a bookmark marking the end of the initial events', async () => {
    await apply(harness, configMap('wl-one', { watch: 'list' }), 'test');
    await apply(harness, configMap('wl-two', { watch: 'list' }), 'test');
    const response = await rawRequest(harness, {
      method: 'GET',
      path: '/api/v1/namespaces/default/configmaps?watch=1&labelSelector=watch%3Dlist&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1',
    });
    expect(response.status).toBe(200);
    const events = lines(response.body);
    expect(events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`)).toEqual([
      'ADDED wl-one',
      'ADDED wl-two',
      'BOOKMARK ',
    ]);
    const bookmark = events[2]!.object;
    expect(bookmark).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
    expect(Number(bookmark.metadata?.resourceVersion)).toBeGreaterThan(0);
  });

  it('is refused without resourceVersionMatch=NotOlderThan and bookmarks, as the API server refuses it', async () => {
    const response = await rawRequest(harness, {
      method: 'GET',
      path: '/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&timeoutSeconds=1',
    });
    expect(response.status).toBe(422);
    expect(JSON.parse(response.body)).toMatchObject({
      reason: 'Invalid',
      message:
        'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true]',
    });
  });
});

/** A protobuf length-delimited (or, for numbers, varint) field. */
function field(number: number, value: Buffer | string): Buffer {
  const data = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint((number << 3) | 2), varint(data.length), data]);
}
function varint(n: number): Buffer {
  const out: number[] = [];
  let rest = n;
  while (rest > 0x7f) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return Buffer.from(out);
}
function deleteOptions(raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([field(1, 'meta.k8s.io/v1'), field(2, 'DeleteOptions')]);
  return Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), field(1, typeMeta), field(2, raw)]);
}

describe('deletes with a protobuf DeleteOptions body (client-go, helm uninstall)', () => {
  it('reads the propagation policy and deletes', async () => {
    await apply(harness, configMap('pb-delete'), 'test');
    const response = await rawRequestBytes(harness, {
      method: 'DELETE',
      path: '/api/v1/namespaces/default/configmaps/pb-delete',
      contentType: 'application/vnd.kubernetes.protobuf',
      body: deleteOptions(field(4, 'Background')),
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ kind: 'Status', status: 'Success' });
    const core = harness.kubeconfig.makeApiClient(CoreV1Api);
    const gone = await failure(core.readNamespacedConfigMap({ name: 'pb-delete', namespace: 'default' }));
    expect(gone.code).toBe(404);
  });

  it('keeps the object when a precondition does not hold, as the API server does', async () => {
    await apply(harness, configMap('pb-guarded'), 'test');
    const response = await rawRequestBytes(harness, {
      method: 'DELETE',
      path: '/api/v1/namespaces/default/configmaps/pb-guarded',
      contentType: 'application/vnd.kubernetes.protobuf',
      body: deleteOptions(field(2, field(1, 'not-the-uid'))),
    });
    expect(response.status).toBe(409);
    expect(JSON.parse(response.body).message).toMatch(
      /^Operation cannot be fulfilled on configmaps "pb-guarded": Precondition failed: UID in precondition: not-the-uid, UID in object meta: /,
    );
  });
});

describe('objects controllers make', () => {
  it("names a ReplicaSet's pods from generateName <replicaset>-", async () => {
    await apply(harness, deployment('gen', 'default', { replicas: 2 }), 'test');
    const core = harness.kubeconfig.makeApiClient(CoreV1Api);
    const pods = await eventually(async () => {
      const list = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=gen' });
      return list.items.length === 2 ? list.items : undefined;
    });
    for (const pod of pods) {
      const owner = pod.metadata?.ownerReferences?.[0]?.name ?? '';
      expect(pod.metadata?.generateName).toBe(`${owner}-`);
      expect(pod.metadata?.name?.startsWith(`${owner}-`)).toBe(true);
    }
  });

  it("keeps a ControllerRevision for each of a StatefulSet's templates, named by its status", async () => {
    const statefulSet = (image: string): Manifest => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        replicas: 1,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image }] } },
      },
    });
    const apps = harness.kubeconfig.makeApiClient(AppsV1Api);
    const revisionOf = async () => {
      const sts = await apps.readNamespacedStatefulSet({ name: 'db', namespace: 'default' });
      const name = sts.status?.updateRevision;
      if (!name || sts.status?.currentRevision !== name) return undefined;
      return apps.readNamespacedControllerRevision({ name, namespace: 'default' });
    };
    await apply(harness, statefulSet('postgres:16'), 'test');
    const first = await eventually(revisionOf);
    expect(first.revision).toBe(1);
    expect(first.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'StatefulSet',
      name: 'db',
      controller: true,
    });
    await apply(harness, statefulSet('postgres:17'), 'test');
    const second = await eventually(async () => {
      const revision = await revisionOf();
      return revision && revision.metadata?.name !== first.metadata?.name ? revision : undefined;
    });
    expect(second.revision).toBe(2);
  });
});

describe('label rules', () => {
  it('refuses a label value the API server refuses, in its words', async () => {
    const refused = await failure(apply(harness, configMap('bad-label', { tier: 'front end!' }), 'test'));
    expect(refused.code).toBe(422);
    expect(refused.message).toBe(
      `ConfigMap "bad-label" is invalid: metadata.labels: Invalid value: "front end!": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
  });

  it('refuses a label value longer than 63 characters and a bad label key', async () => {
    const long = await failure(apply(harness, configMap('long-label', { tier: 'x'.repeat(64) }), 'test'));
    expect(long.message).toContain('must be no more than 63 characters');
    const key = await failure(apply(harness, configMap('bad-key', { '-tier': 'web' }), 'test'));
    expect(key.message).toContain('metadata.labels: Invalid value: "-tier": name part must consist of');
  });

  it("checks a workload's pod template labels too", async () => {
    const refused = await failure(
      apply(harness, deployment('bad-template', 'default', { labels: { app: 'web app' } }), 'test'),
    );
    expect(refused.message).toContain('spec.template.metadata.labels: Invalid value: "web app"');
  });
});
