import { describe, expect, it } from 'vitest';
import { firstDifference } from '../fixtures/helm-compare.ts';

// The differential tests are only as good as this comparison: it must let through exactly what
// helm itself randomizes, and nothing else.
describe('comparing with helm where helm randomizes', () => {
  const doc = (password: string, name = 'web') =>
    `kind: Secret\nmetadata:\n  name: ${name}\ndata:\n  password: "${password}"\n`;

  it('accepts identical output', () => {
    expect(firstDifference(doc('abc'), doc('abc'), doc('abc'))).toBeUndefined();
  });

  it("lets a value differ where helm's two runs differ, whatever its length", () => {
    expect(
      firstDifference(doc('Zm9vYmFyYmF6MTIz'), doc('cXV4cXV1eA=='), doc('aGVsbG8gd29ybGQ=')),
    ).toBeUndefined();
  });

  it('reports any difference where helm printed the same both times, with the line', () => {
    const difference = firstDifference(doc('x1', 'api'), doc('a1', 'web'), doc('b2', 'web'));
    expect(difference).toContain('line 3');
    expect(difference).toContain('web');
  });

  it('does not let a random run take characters of another kind', () => {
    expect(firstDifference(doc('a b: c'), doc('cXV4'), doc('aGVs'))).toBeDefined();
  });

  it('reports output that stops early or goes on', () => {
    expect(firstDifference(doc('abc').slice(0, 20), doc('abc'), doc('abc'))).toBeDefined();
    expect(firstDifference(`${doc('abc')}extra: 1\n`, doc('abc'), doc('abc'))).toBeDefined();
  });

  it('lets a multi-line random block (a PEM) have another number of lines', () => {
    const pem = (lines: string[]) =>
      `key: |\n  -----BEGIN KEY-----\n${lines.map((l) => `  ${l}\n`).join('')}  -----END KEY-----\nnext: 1\n`;
    expect(
      firstDifference(pem(['QUJD', 'REVG', 'R0g=']), pem(['WFla', 'MTIz']), pem(['NDU2', 'Nzg5', 'MA=='])),
    ).toBeUndefined();
    expect(
      firstDifference(pem(['QUJD']).replace('next: 1', 'next: 2'), pem(['WFla']), pem(['NDU2'])),
    ).toBeDefined();
  });
});
