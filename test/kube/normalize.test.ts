import { describe, expect, it } from 'vitest';
import { normalizeForDiff, unifiedDiff } from '../../lib/kube/normalize.ts';
import type { KubeObject } from '../../lib/kube/types.ts';

const live: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'settings',
    namespace: 'prod',
    uid: 'abc',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: [{ manager: 'quayside', operation: 'Apply' }],
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  },
  data: { mode: 'fast', color: 'blue' },
};

describe('diff normalization', () => {
  it('strips managedFields, status and server-set metadata', () => {
    const normalized = normalizeForDiff({ ...live, status: { phase: 'x' } });
    expect(normalized).toEqual({
      apiVersion: 'v1',
      data: { color: 'blue', mode: 'fast' },
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'prod' },
    });
  });

  it('shows a changed field as a unified YAML diff and nothing for equal objects', () => {
    const wanted = {
      ...live,
      metadata: { ...live.metadata, resourceVersion: '43' },
      data: { mode: 'safe', color: 'blue' },
    };
    expect(unifiedDiff('prod/configmap/settings', live, wanted)).toBe(
      [
        '--- live/prod/configmap/settings',
        '+++ wanted/prod/configmap/settings',
        '@@ -1,7 +1,7 @@',
        ' apiVersion: v1',
        ' data:',
        '   color: blue',
        '-  mode: fast',
        '+  mode: safe',
        ' kind: ConfigMap',
        ' metadata:',
        '   name: settings',
        '',
      ].join('\n'),
    );
    expect(unifiedDiff('x', live, { ...live, metadata: { ...live.metadata, resourceVersion: '99' } })).toBe(
      '',
    );
  });

  it('diffs a new object against nothing', () => {
    const text = unifiedDiff('prod/configmap/settings', undefined, live);
    expect(text.startsWith('--- /dev/null\n+++ wanted/prod/configmap/settings\n')).toBe(true);
    expect(text).toContain('+kind: ConfigMap');
  });
});
