import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadYamlDocuments, readYaml } from '../../lib/kube/index.ts';
import { NUMBER_LIKE_SCALARS } from '../fixtures/yaml-scalars.ts';

const CONFORMANCE = join(import.meta.dirname, '..', '..', '..', 'shared', 'conformance');

/** The documents as the yaml library reads them (the reference), or the first error's message. */
function reference(text: string): unknown[] | string {
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) if (document.errors.length > 0) return document.errors[0]!.message;
  return list.map((document) => document.toJS({ maxAliasCount: 100 }) as unknown);
}

/** Every YAML file under `dir` worth comparing: values files, chart metadata and rendered output. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(
      (entry) =>
        entry.isFile() &&
        /(^values.*\.ya?ml|^Chart\.yaml|\.txt)$/.test(entry.name) &&
        entry.name !== 'NOTES.txt',
    )
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('reading machine-written YAML fast', () => {
  it('reads scalars as the yaml library does under YAML 1.2 core rules', () => {
    const scalars = [
      ...NUMBER_LIKE_SCALARS,
      'yes',
      'on',
      'off',
      '~',
      'Null',
      'TRUE',
      'False',
      '0.1e',
      '"12"',
      "'it''s'",
      '!!int "12"',
    ];
    for (const scalar of scalars) {
      const text = `value: ${scalar}\n`;
      expect({ scalar, read: loadYamlDocuments(text) }).toEqual({ scalar, read: reference(text) });
    }
  });

  it('reads documents, block scalars, flow collections and odd keys as the yaml library does', () => {
    const texts = [
      '---\n# Source: a.yaml\napiVersion: v1\nkind: ConfigMap\n---\n---\n# only a comment\n---\nkind: B\n',
      'a: |\n  x\n   y\n\nb: >-\n  folded\n  text\nc: |+\n  kept\n\n',
      'a: [1, {b: c}, "d"]\ne: {}\nf: []\n',
      '__proto__: {polluted: true}\nconstructor: 1\n',
      '<<: {b: 1}\n',
      '',
      '# nothing\n',
    ];
    for (const text of texts)
      expect({ text, read: loadYamlDocuments(text) }).toEqual({ text, read: reference(text) });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves anchors, aliases, complex keys, duplicate keys, unknown tags and bad syntax to the yaml library', () => {
    for (const text of [
      'a: &x 1\nb: *x\n',
      '? [a]\n: 1\n',
      'a: 1\na: 2\n',
      'a: !custom 1\n',
      'a: [1\n',
      'a: "unterminated\n',
    ]) {
      expect({ text, read: loadYamlDocuments(text) }).toEqual({ text, read: undefined });
    }
  });

  it('agrees with the yaml library on every values file, Chart.yaml and rendered manifest of the conformance charts', () => {
    const files = yamlFiles(CONFORMANCE);
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const expected = reference(text);
      const read = loadYamlDocuments(text);
      // Only what the yaml library itself refuses, or anchors and aliases, go the slow way.
      if (read === undefined)
        expect({ file, slow: typeof expected === 'string' || /[&*]\w/.test(text) }).toEqual({
          file,
          slow: true,
        });
      else expect({ file, read }).toEqual({ file, read: expected });
    }
  });

  it('reads a kubeconfig that uses anchors through the yaml library', async () => {
    const text = 'users:\n  - &u {name: a}\n  - *u\ncurrent-context: x\n';
    expect(await readYaml(text)).toEqual({ users: [{ name: 'a' }, { name: 'a' }], 'current-context': 'x' });
  });
});
