import { describe, expect, it } from 'vitest';
import { ChartInvalidError } from '../../lib/chart/index.ts';
import { matchGoPattern } from '../../lib/chart/load/glob.ts';
import { HelmIgnore } from '../../lib/chart/load/helmignore.ts';

describe('Go path patterns', () => {
  it('match * and ? within one path segment only', () => {
    expect(matchGoPattern('templates/*.yaml', 'templates/a.yaml')).toBe(true);
    expect(matchGoPattern('templates/*', 'templates/sub/a.yaml')).toBe(false);
    expect(matchGoPattern('a?c', 'abc')).toBe(true);
    expect(matchGoPattern('a?c', 'a/c')).toBe(false);
  });

  it('match character classes, negated classes and escapes', () => {
    expect(matchGoPattern('role[a-c].yaml', 'roleb.yaml')).toBe(true);
    expect(matchGoPattern('role[^a-c].yaml', 'roleb.yaml')).toBe(false);
    expect(matchGoPattern('a\\*b', 'a*b')).toBe(true);
    expect(matchGoPattern('a\\*b', 'axb')).toBe(false);
  });
});

describe('.helmignore rules', () => {
  const rules = HelmIgnore.parse('# comment\n*.bak\n/top.txt\ndocs/\nsecret/*.key\n');

  it('match a bare pattern against the file name anywhere', () => {
    expect(rules.ignores('deep/dir/x.bak', false)).toBe(true);
  });

  it('anchor a leading slash at the chart root and match paths with a slash whole', () => {
    expect(rules.ignores('top.txt', false)).toBe(true);
    expect(rules.ignores('sub/top.txt', false)).toBe(false);
    expect(rules.ignores('secret/a.key', false)).toBe(true);
  });

  it('apply a trailing slash to directories only', () => {
    expect(rules.ignores('docs', true)).toBe(true);
    expect(rules.ignores('docs', false)).toBe(false);
  });

  it('hide dotfiles under templates/ by default', () => {
    expect(HelmIgnore.parse('').ignores('templates/.swp', false)).toBe(true);
    expect(HelmIgnore.parse('').ignores('templates/a.yaml', false)).toBe(false);
  });

  it('refuses ** as Helm does', () => {
    expect(() => HelmIgnore.parse('**/x')).toThrow(ChartInvalidError);
  });
});
