import { describe, expect, it } from 'vitest';
import { applyRevision, diffRevision, type KubeConnection } from '../../lib/kube/index.ts';
import { inAMinute, manifest, readLive, useSimulatedCluster } from './sim-helpers.ts';

const release = { name: 'nginx', namespace: 'default' };
const cm = (name: string, mode: string) =>
  manifest(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  mode: ${mode}\n`)[0]!;

describe('diffing a revision against the cluster', () => {
  let connection: KubeConnection;
  useSimulatedCluster({ rolloutStepMs: 30 }, (_, connected) => {
    connection = connected;
  });

  it('shows per object what applying would do, as a clean YAML diff, without changing anything', async () => {
    const first = [cm('settings', 'fast'), cm('same', 'x'), cm('old', 'y')];
    await applyRevision({ connection, objects: first, release, deadline: inAMinute() });
    const result = await diffRevision({
      connection,
      objects: [cm('settings', 'safe'), cm('same', 'x'), cm('new', 'z')],
      previousObjects: first,
      release,
      deadline: inAMinute(),
    });
    expect(result.ok).toBe(true);
    expect(result.objects.map((o) => [o.name, o.action])).toEqual([
      ['settings', 'update'],
      ['same', 'unchanged'],
      ['new', 'create'],
      ['old', 'delete'],
    ]);
    const settings = result.objects[0]!.diff;
    expect(settings).toContain('--- live/default/configmap/settings');
    expect(settings).toContain('-  mode: fast\n+  mode: safe');
    expect(result.diff).not.toMatch(/managedFields|resourceVersion|uid:|creationTimestamp/);
    expect(result.objects[3]!.diff).toContain('+++ /dev/null');
    expect((await readLive(connection, '/api/v1/namespaces/default/configmaps/settings'))?.data).toEqual({
      mode: 'fast',
    });
    expect(await readLive(connection, '/api/v1/namespaces/default/configmaps/new')).toBeUndefined();
  });

  it("masks a Secret's values as kubectl diff does, still showing which keys change", async () => {
    const secret = (data: Record<string, string>) =>
      manifest(
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n${Object.entries(data)
          .map(([k, v]) => `  ${k}: ${v}`)
          .join('\n')}\n`,
      )[0]!;
    const before = secret({ user: 'admin-user', password: 'old-hunter2' });
    await applyRevision({ connection, objects: [before], release, deadline: inAMinute() });
    const result = await diffRevision({
      connection,
      objects: [secret({ user: 'admin-user', password: 'new-hunter2', token: 'fresh-token' })],
      previousObjects: [before],
      release,
      deadline: inAMinute(),
    });
    const diff = result.objects[0]!.diff;
    expect(result.objects[0]!.action).toBe('update');
    expect(diff).not.toMatch(/hunter2|admin-user|fresh-token|aHVudGVy|YWRtaW4/);
    expect(diff).toContain('-  password: "*** (before)"\n+  password: "*** (after)"');
    expect(diff).toContain('+  token: "***"');
    expect(diff).toContain('   user: "***"');
  });
});
