import { describe, expect, it } from 'vitest';
import { compareText } from '../../lib/domain/index.ts';

describe('compareText', () => {
  it('orders as Go and Helm do, by code unit rather than by locale', () => {
    const names = ['web1', 'apple', 'Zebra', 'web-2', 'web', 'a.b'];
    expect([...names].sort(compareText)).toEqual(['Zebra', 'a.b', 'apple', 'web', 'web-2', 'web1']);
    // A locale puts the lower-case name first.
    expect('apple'.localeCompare('Zebra')).toBeLessThan(0);
    expect(compareText('apple', 'Zebra')).toBeGreaterThan(0);
    expect(compareText('same', 'same')).toBe(0);
  });
});
