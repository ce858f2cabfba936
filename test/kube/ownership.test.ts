import { describe, expect, it } from 'vitest';
import { KubeOwnershipError } from '../../lib/kube/errors.ts';
import { assertMayOwn, isKept, markOwned } from '../../lib/kube/ownership.ts';
import type { KubeObject } from '../../lib/kube/types.ts';

const release = { name: 'shop', namespace: 'prod' };
const live = (labels: Record<string, string>, annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'prod', labels, annotations },
});

describe('ownership marks', () => {
  it('adds the managed-by label and Helm release annotations without touching the input', () => {
    const input = live({ app: 'shop' }, {});
    const marked = markOwned(input, release);
    expect(marked.metadata.labels).toEqual({ app: 'shop', 'app.kubernetes.io/managed-by': 'quayside' });
    expect(marked.metadata.annotations).toEqual({
      'meta.helm.sh/release-name': 'shop',
      'meta.helm.sh/release-namespace': 'prod',
    });
    expect(input.metadata.labels).toEqual({ app: 'shop' });
  });

  it('lets a release write its own objects, including those Helm installed for the same release', () => {
    const annotations = { 'meta.helm.sh/release-name': 'shop', 'meta.helm.sh/release-namespace': 'prod' };
    expect(() =>
      assertMayOwn(live({ 'app.kubernetes.io/managed-by': 'quayside' }, annotations), release, false),
    ).not.toThrow();
    expect(() =>
      assertMayOwn(live({ 'app.kubernetes.io/managed-by': 'Helm' }, annotations), release, false),
    ).not.toThrow();
  });

  it('refuses an object of another release, naming it, unless told to take ownership', () => {
    const other = live(
      { 'app.kubernetes.io/managed-by': 'quayside' },
      { 'meta.helm.sh/release-name': 'blog', 'meta.helm.sh/release-namespace': 'prod' },
    );
    const error = (() => {
      try {
        assertMayOwn(other, release, false);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(KubeOwnershipError);
    expect((error as KubeOwnershipError).owner).toEqual({ release: 'blog', namespace: 'prod' });
    expect((error as Error).message).toContain('belongs to release "blog"');
    expect(() => assertMayOwn(other, release, true)).not.toThrow();
  });

  it('refuses an unmanaged object unless told to take ownership', () => {
    expect(() => assertMayOwn(live({}, {}), release, false)).toThrow(KubeOwnershipError);
    expect(() => assertMayOwn(live({}, {}), release, true)).not.toThrow();
  });

  it('recognises the keep resource policy', () => {
    expect(isKept(live({}, { 'helm.sh/resource-policy': 'keep' }))).toBe(true);
    expect(isKept(live({}, {}))).toBe(false);
  });
});
