import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../lib/engine/index.ts';
import { release, repoRoot, request, startWorld, type World } from './world.ts';

const chart = {
  kind: 'directory' as const,
  path: join(repoRoot, 'test', 'fixtures', 'charts', 'cluster-aware'),
};
const OPTIONS = { timeoutMs: 20_000 };

// helm install renders with the live cluster's version and API versions in .Capabilities, and lets
// `lookup` read it; only `helm template` works offline.
describe('install and upgrade see the target cluster', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
    await world.connection.send({
      method: 'POST',
      path: '/api/v1/namespaces/default/secrets',
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'shared-credentials' },
        data: { password: Buffer.from('kept').toString('base64') },
      },
      ref: { apiVersion: 'v1', kind: 'Secret', name: 'shared-credentials' },
    });
  });
  afterAll(() => world.stop());

  it("renders with the cluster's version and served kinds, and what lookup finds there", async () => {
    const id = release('aware');
    const installed = await world.engine.install({ release: id, chart, options: OPTIONS }, request());
    expect(installed.status).toBe('deployed');
    const manifest = await readManifest(world.store, id);
    expect(manifest).toContain('kubeVersion: "v1.32.0"');
    expect(manifest).toContain('minor: "32"');
    // A cluster's list has group/version/Kind entries; Helm's offline betas are not served here.
    expect(manifest).toContain('deploymentKind: "true"');
    expect(manifest).toContain('betaPolicy: "false"');
    expect(manifest).toContain(`password: "${Buffer.from('kept').toString('base64')}"`);
    expect(manifest).toContain('listKind: "ConfigMapList"');
  });

  it('sees the objects the first revision made when rendering the next', async () => {
    const id = release('aware');
    const before = Number(/configMapsBefore: "(\d+)"/.exec(await readManifest(world.store, id))![1]);
    const upgraded = await world.engine.upgrade({ release: id, chart, options: OPTIONS }, request());
    expect(upgraded.status).toBe('deployed');
    const after = Number(/configMapsBefore: "(\d+)"/.exec(await readManifest(world.store, id))![1]);
    expect(after).toBe(before + 1);
  });

  it('renders a dry run against the cluster too', async () => {
    const id = release('aware-dry');
    const result = await world.engine.install(
      { release: id, chart, options: { ...OPTIONS, dryRun: true } },
      request(),
    );
    expect(result.status).toBe('dry-run');
    const created = result.diff?.objects.find((o) => o.name === 'aware-dry-seen');
    expect(created?.diff).toContain('kubeVersion: v1.32.0');
  });
});
