import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { load, loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadChart, renderChart } from '../../lib/chart/index.ts';
import { joinManifests } from '../../lib/engine/manifest.ts';
import { loadYamlDocuments } from '../../lib/kube/index.ts';
import { readPlainYaml } from '../../lib/kube/plain-yaml.ts';
import { NUMBER_LIKE_SCALARS } from '../fixtures/yaml-scalars.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CONFORMANCE = join(ROOT, '..', 'shared', 'conformance');
const REAL_CHARTS = join(CONFORMANCE, 'real-charts');
const RELEASE = { name: 'r', namespace: 'default', revision: 1, isInstall: true, isUpgrade: false };

/** The documents as js-yaml reads them (the reference), or that it throws. */
function jsYaml(text: string): unknown[] | 'throws' {
  try {
    return loadAll(text, { maxAliases: 0 });
  } catch {
    return 'throws';
  }
}

/** Reads `text` with the plain reader: whether it read it, after checking that it read what js-yaml reads. */
function agrees(text: string): { read: boolean; agrees: boolean } {
  const plain = readPlainYaml(text);
  if (plain === undefined) return { read: false, agrees: true };
  return { read: true, agrees: isDeepStrictEqual(plain, jsYaml(text)) };
}

/**
 * Whether the reader with js-yaml behind it (loadYamlDocuments: the documents it declines read by
 * js-yaml's `load`) gives what js-yaml's `loadAll` gives, or, for a text js-yaml refuses, nothing.
 */
function agreesWithFallback(text: string): boolean {
  const expected = jsYaml(text);
  const read = loadYamlDocuments(text);
  return expected === 'throws' ? read === undefined : isDeepStrictEqual(read, expected);
}

/** Every YAML text under `dir` worth comparing: values files, chart metadata and rendered output. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(
      (entry) =>
        entry.isFile() &&
        /(\.ya?ml|\.txt)$/.test(entry.name) &&
        entry.name !== 'NOTES.txt' &&
        !entry.parentPath.includes('/templates'),
    )
    .map((entry) => join(entry.parentPath, entry.name));
}

let rendered: Promise<Map<string, string>> | undefined;

/** The manifests of the bench chart and of each real chart's default render, rendered once for this file. */
function renderedManifests(): Promise<Map<string, string>> {
  rendered ??= renderAll();
  return rendered;
}

/** The manifests of the bench chart and of each real chart's default render, as the engine renders them. */
async function renderAll(): Promise<Map<string, string>> {
  const charts = new Map<string, string>([['fleet', join(ROOT, 'bench', 'charts', 'fleet')]]);
  for (const entry of readdirSync(REAL_CHARTS, { withFileTypes: true })) {
    const chart = join(REAL_CHARTS, entry.name, 'chart');
    if (entry.isDirectory() && existsSync(join(chart, 'Chart.yaml'))) charts.set(entry.name, chart);
  }
  const manifests = new Map<string, string>();
  for (const [name, dir] of charts) {
    const rendered = await renderChart({
      chart: await loadChart({ kind: 'directory', path: dir }),
      values: {},
      release: RELEASE,
    }).catch(() => undefined);
    if (rendered !== undefined) manifests.set(name, joinManifests(rendered.manifests));
  }
  return manifests;
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Characters that change what YAML means, and a few that do not. */
const EDITS = [
  ' ',
  '  ',
  '-',
  '- ',
  ':',
  ': ',
  '#',
  ' #',
  '|',
  '|-',
  '>',
  '"',
  "'",
  '\n',
  '{',
  '}',
  '[',
  ']',
];
const MORE_EDITS = [
  '&a ',
  '*a',
  '!',
  '0',
  '.',
  'x',
  '\\',
  '%',
  '?',
  ',',
  '~',
  '\t',
  '\r',
  '---',
  '...',
  '0x1',
  '1e3',
];

describe('reading rendered manifests line by line', () => {
  it('reads what templates write as js-yaml does', () => {
    const texts: string[] = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    app.kubernetes.io/name: a\ndata:\n  x: "1"\n',
      '---\n# Source: a.yaml\napiVersion: v1\nkind: A\n---\n---\n# only a comment\n---\nkind: B\n',
      '# before\n---\nkind: A\n---\n',
      'kind: A\n---\nkind: B\n',
      'spec:\n  containers:\n  - name: a\n    args:\n    - --port=80\n    - $(POD)\n    env:\n    - name: A\n      value: |\n        line one\n\n        line three\n    - name: B\n      value: |-\n        x\n  replicas: 3\n',
      'a:\n  - 1\n  -\n  - -5\n  - {}\n  - []\nb: ~\nc:\nd: true\ne: FALSE\nf: Null\n',
      "a: 'it''s'\nb: \"x # y: z\"\nc: 'q' # comment\nd: plain # comment\ne: # comment\n  f: 1\n",
      'rules:\n- apiGroups: [""]\n  verbs: [get, list, watch]\n  resources: [ "pods" ]\n"helm.sh/resource-policy": keep\n',
      'a: 1.29.1\nb: 10.0.0.1\nc: 5bceeca3808849\nd: 0s\ne: 100 * (1 - x)\nf: :8080\ng: (a|b)\nresources:\n  {}\n',
      '-   a: 1\n    b: 2\n- c: 3\n',
      'a: 100m\nb: 128Mi\nc: http://x:80/y\nd: a, b\ne: é\nf: /bin/sh\ng: _x\n.dockerconfigjson: e30=\n',
      '',
      '\n',
      '# nothing\n',
    ];
    // Words that YAML 1.1, or the core schema, read as other than strings: read here as js-yaml does.
    const words =
      'yes no on off y n Yes NO On OFF true True TRUE false False FALSE null Null NULL ~ nil None NaN Infinity inf';
    texts.push(
      words
        .split(' ')
        .map((word, i) => `w${i}: ${word}\n`)
        .join(''),
    );
    for (const text of texts) expect({ text, ...agrees(text) }).toEqual({ text, read: true, agrees: true });
  });

  it('leaves to js-yaml every scalar it could read as other than a string, integer, boolean or null', () => {
    const scalars = [
      ...NUMBER_LIKE_SCALARS,
      '&a x',
      '*a',
      '[1, [2]]',
      '[1, 2.5]',
      '["a\\tb"]',
      '{a: b}',
      '>',
      '|+',
      '|2',
      '"multi',
      'a: b',
      'a:',
    ];
    for (const scalar of scalars) {
      const text = `value: ${scalar}\n`;
      expect({ scalar, read: readPlainYaml(text) }).toEqual({ scalar, read: undefined });
    }
  });

  it('reads the documents it declines with js-yaml, each in its place', () => {
    for (const text of [
      '~\n---\na: 1\n',
      'a: 1\n---\n[1, [2]]\n---\nb: 2.5\n---\n---\nc: 3\n',
      '# first\n---\na: &x 1\nb: *x\n---\nc: "\\t"\n',
      'a:\tb\n---\nc: d\n',
      'a: 1\n---\nb: [\n',
    ]) {
      expect({ text, agrees: agreesWithFallback(text) }).toEqual({ text, agrees: true });
    }
  });

  it('leaves to js-yaml what it reads otherwise or refuses', () => {
    for (const text of [
      'a: 1\na: 2\n',
      '__proto__: {}\n',
      '? a\n: 1\n',
      'a: b\n  c\n',
      'a: b\n  # comment\n  more\n',
      'a:\n  b: 1\n c: 2\n',
      'a: |\n    x\n  y\n',
      'a: |\n\n  x\n',
      'a: 1',
      'a: 1\r\n',
      'a:\t1\n',
      '--- a\n',
      'a: 1\n...\n',
      '%YAML 1.2\n---\na: 1\n',
      '  a: 1\n',
      '"a\\tb": 1\n',
      'a b: 1\n',
      'true: 1\n',
      '1: a\n',
      'a:b: 1\n',
      'a\u00a0b: 1\n',
      'a: \ufeff\n',
      '- - a\n',
    ]) {
      expect({ text, read: readPlainYaml(text) }).toEqual({ text, read: undefined });
    }
  });

  it('reads the bench chart whole, and every manifest and values file it reads as js-yaml does', async () => {
    const manifests = await renderedManifests();
    expect(manifests.size).toBeGreaterThan(20);
    expect(readPlainYaml(manifests.get('fleet')!)).toHaveLength(51);
    const texts = [
      ...manifests.values(),
      ...yamlFiles(CONFORMANCE).map((file) => readFileSync(file, 'utf8')),
    ];
    let read = 0;
    for (const text of texts) {
      const result = agrees(text);
      expect(result.agrees, text.slice(0, 300)).toBe(true);
      expect(agreesWithFallback(text), text.slice(0, 300)).toBe(true);
      if (result.read) read++;
    }
    // Most of them are read line by line: the reader covers what charts write.
    expect(read / texts.length).toBeGreaterThan(0.5);
    // A big chart's few documents it declines go to js-yaml one by one, not the whole manifest.
    const declined: string[] = [];
    const all = readPlainYaml(manifests.get('kube-prometheus-stack')!, (document) => {
      declined.push(document);
      return load(document);
    });
    expect(all?.length).toBeGreaterThan(100);
    expect(declined.length).toBeGreaterThan(0);
    expect(declined.length).toBeLessThan(all!.length / 10);
  }, 60_000);

  it('reads a text changed at random places as js-yaml does, or leaves it', async () => {
    const manifests = await renderedManifests();
    const next = random(15);
    const edits = [...EDITS, ...MORE_EDITS];
    let changed = 0;
    let read = 0;
    for (const manifest of manifests.values()) {
      // Each document of the manifest on its own: a change then meets fewer lines that decline anyway.
      for (const document of manifest.split(/^---\n/m).filter((d) => d.trim() !== '')) {
        if (readPlainYaml(document) === undefined) continue;
        for (let n = 0; n < 12; n++) {
          const at = Math.floor(next() * document.length);
          const edit = edits[Math.floor(next() * edits.length)]!;
          const kind = next();
          const text =
            kind < 0.4
              ? document.slice(0, at) + edit + document.slice(at)
              : kind < 0.8
                ? document.slice(0, at) + edit + document.slice(at + edit.length)
                : document.slice(0, at) + document.slice(at + 1 + Math.floor(next() * 3));
          const result = agrees(text);
          expect(result.agrees, JSON.stringify(text)).toBe(true);
          changed++;
          if (result.read) read++;
        }
      }
    }
    // Whole manifests, changed at a few places each: the documents it declines are read by js-yaml.
    for (const manifest of manifests.values()) {
      for (let n = 0; n < 8; n++) {
        let text = manifest;
        for (let edit = 0; edit < 3; edit++) {
          const at = Math.floor(next() * text.length);
          text = text.slice(0, at) + edits[Math.floor(next() * edits.length)]! + text.slice(at);
        }
        expect(agreesWithFallback(text), `${n}: ${text.slice(0, 200)}`).toBe(true);
      }
    }
    expect(changed).toBeGreaterThan(2000);
    // The changes it reads are checked too, not only declined.
    expect(read).toBeGreaterThan(changed / 4);
  }, 120_000);
});
