import { describe, expect, it } from 'vitest';
import { EMPTY_BODY, type Revision } from '../../lib/domain/index.ts';
import { mergeValues, resolveUpgradeValues } from '../../lib/engine/index.ts';

const current: Revision = {
  release: { cluster: 'c', namespace: 'n', name: 'r' },
  revision: 1,
  status: 'deployed',
  description: 'Install complete',
  action: 'install',
  chart: { name: 'web', version: '1.0.0' },
  requestId: 'r1',
  requestedBy: { principal: 'p', channel: 'cli' },
  startedAt: new Date(0).toISOString(),
  body: {
    ...EMPTY_BODY,
    config: { replicas: 3, image: { tag: 'v1' } },
    values: { replicas: 3, image: { repo: 'web', tag: 'v1' } },
  },
};

describe('upgrade values, by Helm rules', () => {
  it('carries the last config forward when nothing is supplied', () => {
    expect(resolveUpgradeValues({}, current, {})).toEqual({ config: { replicas: 3, image: { tag: 'v1' } } });
  });

  it('uses only what is supplied when anything is supplied, without reuse', () => {
    expect(resolveUpgradeValues({ replicas: 5 }, current, {})).toEqual({ config: { replicas: 5 } });
  });

  it('merges supplied values over the last config and renders over the old computed values with reuse-values', () => {
    expect(resolveUpgradeValues({ image: { tag: 'v2' } }, current, { reuseValues: true })).toEqual({
      config: { replicas: 3, image: { tag: 'v2' } },
      chartDefaults: { replicas: 3, image: { repo: 'web', tag: 'v1' } },
    });
  });

  it('merges over the last config but keeps the new chart defaults with reset-then-reuse-values', () => {
    expect(resolveUpgradeValues({ image: { tag: 'v2' } }, current, { resetThenReuseValues: true })).toEqual({
      config: { replicas: 3, image: { tag: 'v2' } },
    });
  });

  it('ignores the last config with reset-values', () => {
    expect(resolveUpgradeValues({}, current, { resetValues: true })).toEqual({ config: {} });
  });

  it('deletes a key that is set to null when merging', () => {
    expect(mergeValues({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null } })).toEqual({ a: 1, b: { d: 3 } });
  });
});
