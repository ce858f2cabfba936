/**
 * Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1): /api and /apis answer with every group,
 * version and resource in one document when asked, as kube-apiserver 1.26+ does; the legacy documents
 * otherwise, and always for a simulator started as an older server (`legacyDiscovery`). The real
 * kubectl 1.34 (client-go) is the oracle: it must see the same resources either way.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../lib/sim/index.ts';
import { layerBinary } from '../fixtures/real-helm.ts';
import { rawRequest, type SimHarness, startHarness } from './helpers.ts';

const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
// client-go's order: protobuf first (not served here), then JSON aggregated, then legacy JSON.
const CLIENT_GO_ACCEPT = [
  'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  V2,
  V2BETA1,
  'application/json',
].join(',');

interface GroupDiscoveryList {
  kind: string;
  apiVersion: string;
  items: Array<{
    metadata: { name: string };
    versions: Array<{
      version: string;
      freshness: string;
      resources: Array<{
        resource: string;
        responseKind: { group: string; version: string; kind: string };
        scope: string;
        singularResource: string;
        verbs: string[];
        shortNames?: string[];
        subresources?: Array<{ subresource: string; responseKind: { kind: string } }>;
      }>;
    }>;
  }>;
}

let harness: SimHarness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.sim.stop());

describe('aggregated discovery', () => {
  it('answers /apis and /api with one document each, in the content type asked for', async () => {
    const apis = await rawRequest(harness, { method: 'GET', path: '/apis', accept: CLIENT_GO_ACCEPT });
    expect(apis.status).toBe(200);
    expect(apis.contentType).toBe(V2);
    const groups = JSON.parse(apis.body) as GroupDiscoveryList;
    expect(groups).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    const apps = groups.items.find((g) => g.metadata.name === 'apps');
    const deployments = apps?.versions
      .find((v) => v.version === 'v1')
      ?.resources.find((r) => r.resource === 'deployments');
    expect(deployments).toMatchObject({
      responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      scope: 'Namespaced',
      singularResource: 'deployment',
      shortNames: ['deploy'],
    });
    expect(deployments?.subresources?.map((s) => [s.subresource, s.responseKind.kind])).toEqual([
      ['status', 'Deployment'],
      ['scale', 'Scale'],
    ]);
    expect(groups.items.some((g) => g.metadata.name === '')).toBe(false);

    const core = await rawRequest(harness, { method: 'GET', path: '/api', accept: V2BETA1 });
    expect(core.contentType).toBe(V2BETA1);
    const coreGroup = (JSON.parse(core.body) as GroupDiscoveryList).items;
    expect(coreGroup.map((g) => g.metadata.name)).toEqual(['']);
    expect(coreGroup[0]?.versions[0]?.resources.find((r) => r.resource === 'namespaces')).toMatchObject({
      responseKind: { group: '', version: 'v1', kind: 'Namespace' },
      scope: 'Cluster',
    });
  });

  it('gives the legacy documents to a client that does not ask, and always as an older server', async () => {
    const plain = await rawRequest(harness, { method: 'GET', path: '/apis', accept: 'application/json' });
    expect(plain.contentType).toBe('application/json');
    expect(JSON.parse(plain.body)).toMatchObject({ kind: 'APIGroupList' });
    const old = await startHarness({ legacyDiscovery: true });
    try {
      const asked = await rawRequest(old, { method: 'GET', path: '/apis', accept: CLIENT_GO_ACCEPT });
      expect(asked.contentType).toBe('application/json');
      expect(JSON.parse(asked.body)).toMatchObject({ kind: 'APIGroupList' });
    } finally {
      await old.sim.stop();
    }
  });

  it('shows kubectl the same resources and versions as the legacy documents, in two requests instead of many', async () => {
    const kubectl = await layerBinary('kubectl', 'v34');
    const seen: Record<string, { resources: string; versions: string; requests: number }> = {};
    for (const legacyDiscovery of [false, true]) {
      const dir = mkdtempSync(join(tmpdir(), 'quayside-discovery-'));
      const sim = await startSimulator({ kubeconfigPath: join(dir, 'kubeconfig'), legacyDiscovery });
      const run = (args: string[]) =>
        new Promise<string>((resolve, reject) =>
          execFile(
            kubectl,
            ['--cache-dir', join(dir, 'cache'), ...args],
            { env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') } },
            (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
          ),
        );
      try {
        const resources = await run(['api-resources', '-o', 'wide']);
        const discoveryRequests = sim.requests.length;
        seen[legacyDiscovery ? 'legacy' : 'aggregated'] = {
          resources,
          versions: await run(['api-versions']),
          requests: discoveryRequests,
        };
      } finally {
        await sim.stop();
      }
    }
    expect(seen.aggregated?.resources).toContain('deployments');
    expect(seen.aggregated?.resources).toBe(seen.legacy?.resources);
    expect(seen.aggregated?.versions).toBe(seen.legacy?.versions);
    expect(seen.aggregated?.requests).toBe(2);
    expect(seen.legacy?.requests).toBeGreaterThan(10);
  }, 60_000);
});
