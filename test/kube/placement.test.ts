import { describe, expect, it } from 'vitest';
import { KubeNamespaceNotAllowedError } from '../../lib/kube/errors.ts';
import { mapConcurrently, placeObject } from '../../lib/kube/placement.ts';
import type { KubeObject } from '../../lib/kube/types.ts';

const release = { name: 'shop', namespace: 'prod' };
const namespaced = { name: 'configmaps', kind: 'ConfigMap', namespaced: true };
const clusterScoped = { name: 'clusterroles', kind: 'ClusterRole', namespaced: false };
const obj = (kind: string, namespace?: string): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name: 'x', ...(namespace ? { namespace } : {}) },
});

describe('placing objects', () => {
  it('gives a namespaced object without a namespace the release namespace', () => {
    expect(placeObject(obj('ConfigMap'), namespaced, release).metadata.namespace).toBe('prod');
  });

  it('keeps cluster-scoped objects out of any namespace', () => {
    expect(placeObject(obj('ClusterRole', 'prod'), clusterScoped, release).metadata).toEqual({ name: 'x' });
  });

  it('refuses another namespace unless it is allowed', () => {
    expect(() => placeObject(obj('ConfigMap', 'other'), namespaced, release)).toThrow(
      KubeNamespaceNotAllowedError,
    );
    expect(placeObject(obj('ConfigMap', 'other'), namespaced, release, ['other']).metadata.namespace).toBe(
      'other',
    );
    expect(placeObject(obj('ConfigMap', 'other'), namespaced, release, true).metadata.namespace).toBe(
      'other',
    );
    expect(() => placeObject(obj('ConfigMap', 'other'), namespaced, release, ['third'])).toThrow(
      KubeNamespaceNotAllowedError,
    );
  });
});

describe('bounded concurrency', () => {
  it('never runs more than the limit at once and keeps results in input order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
});
