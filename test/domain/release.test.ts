import { describe, expect, it } from 'vitest';
import { formatReleaseId, parseReleaseId, ValidationError } from '../../lib/domain/index.ts';

describe('release identity', () => {
  it('accepts a DNS-1123 name of 53 characters and a namespace of 63', () => {
    const id = { cluster: 'prod-eu', namespace: 'n'.repeat(63), name: 'a'.repeat(53) };
    expect(parseReleaseId(id)).toEqual(id);
    expect(formatReleaseId(id)).toBe(`prod-eu/${'n'.repeat(63)}/${'a'.repeat(53)}`);
  });

  it('refuses a 54-character release name, as Helm does, saying the limit', () => {
    const error = (() => {
      try {
        return parseReleaseId({ cluster: 'c', namespace: 'tools', name: 'a'.repeat(54) });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      { field: 'release.name', message: expect.stringContaining('the limit is 53') },
    ]);
  });

  it('names every invalid field at once', () => {
    try {
      parseReleaseId({ cluster: 'bad/cluster', namespace: 'Tools', name: '-blog' });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).problems.map((p) => p.field)).toEqual([
        'release.name',
        'release.namespace',
        'release.cluster',
      ]);
      expect((error as Error).message).toContain('DNS-1123 label');
    }
  });

  it('requires all three parts', () => {
    expect(() => parseReleaseId({})).toThrow(
      /release name is required.*namespace is required.*cluster is required/,
    );
  });
});
