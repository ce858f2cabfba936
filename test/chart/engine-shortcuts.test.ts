import { describe, expect, it } from 'vitest';
import { type EngineResponse, encodeGoValues, runEngine } from '../../lib/chart/engine/wasm-engine.ts';
import { type Chart, ManifestParseError, renderChart } from '../../lib/chart/index.ts';
import { seededRandom } from '../../lib/sim/faults.ts';

// The engine takes two shortcuts past Helm's code: toYaml builds yaml.v2's
// tree directly, and plainly written manifests have their heads read without
// yaml.v2. With verifyShortcuts the engine also runs Helm's path beside every
// shortcut taken and fails on any difference (the whole suite renders that
// way). These tests feed it the inputs most likely to expose a difference;
// the Go tests (fast_head_test.go, to_yaml_test.go) do the same natively,
// with fuzzing, when Go is installed.

const encoder = new TextEncoder();
const RELEASE = { name: 'shortcuts', namespace: 'default', revision: 1, isInstall: true, isUpgrade: false };

/** Renders templates in one chart scope through the engine, verifying shortcuts. */
async function renderVerified(
  templates: Record<string, string>,
  values: unknown = {},
): Promise<EngineResponse> {
  return runEngine({
    templates: Object.entries(templates).map(([name, data]) => ({
      name: `c/templates/${name}`,
      data,
      scope: 0,
    })),
    scopes: [
      {
        chart: { apiVersion: 'v2', name: 'c', version: '1.0.0' },
        isRoot: true,
        values: encodeGoValues(values),
        files: {},
        subcharts: {},
        basePath: 'c/templates',
      },
    ],
    release: { ...RELEASE, service: 'Helm' },
    capabilities: {
      kubeVersion: { version: 'v1.30.0', normalized: 'v1.30.0', major: '1', minor: '30' },
      apiVersions: ['v1'],
      helmVersion: {},
    },
    strict: false,
    splitManifests: true,
    verifyShortcuts: true,
  });
}

const KEYS = [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'annotations',
  'labels',
  'spec',
  'Kind',
  'NAME',
  'data',
  'y',
  'on',
  'true',
  'null',
  '~',
  '1',
  '-1',
  '.5',
  '<<',
  '"q"',
  "'s'",
  '"a\\"b"',
  'x y',
  'a#b',
  'a #b',
  '?',
  '-a',
  '&a',
  '*a',
  '!t',
  'k:v',
  'é',
  '"\\u00e9"',
  '"\\x41"',
  "''",
  'a\tb',
  'key ',
  '---',
  '...',
];
const VALUES = [
  '',
  'v1',
  'apps/v1',
  'Deployment',
  '"quoted"',
  "'single'",
  "'it''s'",
  '"esc\\n\\t\\""',
  '"\\/"',
  '"\\u0041\\u00e9"',
  '"\\ud800"',
  '"\\x41"',
  '"\\N"',
  '"open',
  "'open",
  '1',
  '-1',
  '0x1F',
  '0o17',
  '1_000',
  '1e3',
  '0f9c8b7a',
  '1e999',
  '.5',
  '.inf',
  '-.Inf',
  '+.INF',
  '.NaN',
  'true',
  'yes',
  'y',
  'n',
  'off',
  'null',
  '~',
  '2001-12-14',
  '{}',
  '[]',
  '[a, b]',
  '["a", \'b\']',
  '[--v, -x]',
  '[a,]',
  '[a b]',
  '{a: b}',
  '[[a]]',
  '|',
  '|-',
  '>+',
  '|2',
  '| # c',
  '&anchor x',
  '*alias',
  '!!str x',
  '%x',
  '@x',
  '`x',
  'a: b',
  'a:b',
  'a # c',
  'a#c',
  '#c',
  '- x',
  '-x',
  '? x',
  ':x',
  ',x',
  ']',
  'é',
  '\u0085',
  '\u2028',
  '\ufeff',
  '😀',
  'a\tb',
  'http://x:80/y',
  '<<',
  '... x',
  '"a" b',
  "'a' # c",
  '$x',
  'a  ',
];

const ORDINARY_KEYS = [
  'name',
  'labels',
  'app',
  'image',
  'value',
  'helm.sh/chart',
  '"quoted/key"',
  'port',
  'items',
];
const ORDINARY_VALUES = [
  'x',
  'nginx:1.25',
  '"80"',
  "'a b'",
  '3',
  'true',
  'v-1.2',
  '500m',
  '"a: b"',
  'http://h:80',
];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

/** Mostly an ordinary key or value, sometimes a tricky one. */
function some(next: () => number, ordinary: readonly string[], tricky: readonly string[]): string {
  return next() < 0.85 ? pick(next, ordinary) : pick(next, tricky);
}

/**
 * A document from a small block-YAML grammar (mappings, sequences, scalars,
 * block scalars, comments), with tricky keys and values mixed in and now and
 * then a line's indentation disturbed.
 */
function randomDocument(next: () => number): string {
  const key = () => some(next, ORDINARY_KEYS, KEYS);
  const value = () => some(next, ORDINARY_VALUES, VALUES);
  const lines: string[] = [];
  const mapping = (indent: number, depth: number, first = ''): void => {
    const entries = 1 + Math.floor(next() * 4);
    for (let i = 0; i < entries; i++) {
      const pad = i === 0 && first ? first : ' '.repeat(indent);
      const shape = next();
      if (depth > 3 || shape < 0.5) lines.push(`${pad}${key()}: ${value()}`);
      else if (shape < 0.65) {
        lines.push(`${pad}${key()}:`);
        mapping(indent + 2, depth + 1);
      } else if (shape < 0.8) {
        lines.push(`${pad}${key()}:`);
        sequence(indent + (next() < 0.5 ? 0 : 2), depth + 1);
      } else if (shape < 0.9) {
        lines.push(`${pad}${key()}: ${pick(next, ['|', '|-', '>', '|+'])}`);
        lines.push(
          `${' '.repeat(indent + 2)}${value()}`,
          '',
          `${' '.repeat(indent + 2 + Math.floor(next() * 2))}${value()}`,
        );
      } else lines.push(`${pad}# ${value()}`);
    }
  };
  const sequence = (indent: number, depth: number): void => {
    const entries = 1 + Math.floor(next() * 3);
    for (let i = 0; i < entries; i++) {
      const pad = ' '.repeat(indent);
      if (depth > 3 || next() < 0.5) lines.push(`${pad}- ${value()}`);
      else mapping(indent + 2, depth + 1, `${pad}- `);
    }
  };
  if (next() < 0.8)
    lines.push(`apiVersion: ${pick(next, VALUES.slice(0, 8))}`, `kind: ${pick(next, VALUES.slice(0, 8))}`);
  if (next() < 0.6)
    lines.push(
      'metadata:',
      `  name: ${value()}`,
      '  annotations:',
      `    ${key()}: ${value()}`,
      `    ${key()}: ${value()}`,
    );
  mapping(0, 0);
  if (next() < 0.3) {
    const at = Math.floor(next() * lines.length);
    lines[at] = `${' '.repeat(Math.floor(next() * 3))}${lines[at]}`;
  }
  // Template delimiters would be executed, not written.
  return lines.join('\n').replaceAll('{{', '{ {');
}

const STRINGS = [
  '',
  ' ',
  'true',
  'y',
  'null',
  '~',
  '<<',
  '- x',
  'a: b',
  '#c',
  '0',
  '-0',
  '0x1F',
  '1e3',
  '.inf',
  '2001-12-14',
  '@x',
  '|',
  "'",
  '"',
  'a\nb',
  ' lead',
  'trail ',
  'tab\there',
  '\u0000',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '😀',
  '\ud800',
  'é',
  'a\r\nb',
  '{a: b}',
  '[x]',
  'k'.repeat(200),
];

function randomValue(next: () => number, depth = 0): unknown {
  const shape = next();
  if (depth > 3 || shape < 0.5) {
    const scalar = next();
    if (scalar < 0.1) return null;
    if (scalar < 0.2) return next() < 0.5;
    if (scalar < 0.3) return BigInt(Math.floor((next() - 0.5) * 2 ** 53));
    if (scalar < 0.45)
      return pick(next, [0, -0, 1.5, 1e6, 1e20, 1e21, 1e-6, 1e-7, 2 ** 63, 2 ** 64, 5e-324, 3.4e38]);
    return pick(next, STRINGS);
  }
  if (shape < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  return Object.fromEntries(
    Array.from({ length: Math.floor(next() * 5) }, () => [pick(next, STRINGS), randomValue(next, depth + 1)]),
  );
}

describe('engine shortcuts against Helm paths', () => {
  it('are taken for ordinary manifests and toYaml, and agree with Helm there', async () => {
    const response = await renderVerified(
      {
        'deploy.yaml': [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata:',
          '  name: {{ .Release.Name }}',
          '  annotations:',
          '    checksum/config: {{ toYaml .Values | sha256sum }}',
          '    "helm.sh/hook-weight": "5"',
          'spec:',
          '  template:',
          '    spec:',
          '      containers:',
          '        - name: app',
          '          args: ["--port", "8080", --verbose]',
          '          resources:',
          '{{ toYaml .Values.resources | indent 12 }}',
        ].join('\n'),
      },
      { resources: { limits: { cpu: '500m', memory: '256Mi' } } },
    );
    expect(response.error).toBeUndefined();
    expect(response.shortcuts).toEqual({ toYaml: 2, heads: 1 });
    expect(response.files?.['c/templates/deploy.yaml']?.documents?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'shortcuts',
      annotations: { 'checksum/config': expect.stringMatching(/^[0-9a-f]{64}$/), 'helm.sh/hook-weight': '5' },
    });
  });

  it('read the same heads as Helm, or refuse the same documents, for 1500 generated documents', async () => {
    const next = seededRandom(20261123);
    let taken = 0;
    let refused = 0;
    for (let i = 0; i < 1500; i++) {
      const document = randomDocument(next);
      const response = await renderVerified({ 'doc.yaml': document });
      expect(response.error, document).toBeUndefined();
      taken += response.shortcuts!.heads;
      if (response.files?.['c/templates/doc.yaml']?.parseError) refused++;
    }
    // Both kinds of document occur, so both paths are exercised.
    expect(taken).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  });

  it('give the same toYaml output as Helm for 600 generated values', async () => {
    const next = seededRandom(7);
    let taken = 0;
    for (let i = 0; i < 600; i++) {
      const value = randomValue(next);
      const response = await renderVerified({ 'NOTES.txt': '{{ toYaml .Values.v }}' }, { v: value });
      expect(
        response.error,
        JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)),
      ).toBeUndefined();
      taken += response.shortcuts!.toYaml;
    }
    expect(taken).toBeGreaterThan(200);
  });

  it('leave Helm’s error text for a document Helm refuses', async () => {
    const chart = {
      metadata: { apiVersion: 'v2', name: 'c', version: '1.0.0' },
      values: {},
      files: [],
      templates: [
        {
          name: 'templates/bad.yaml',
          data: encoder.encode('apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "\\/"\n'),
        },
      ],
      dependencies: [],
    } as unknown as Chart;
    const failure = renderChart({ chart, values: {}, release: RELEASE });
    await expect(failure).rejects.toBeInstanceOf(ManifestParseError);
    await expect(failure).rejects.toThrow(
      'YAML parse error on c/templates/bad.yaml: error converting YAML to JSON: yaml: line 4: found unknown escape character',
    );
  });
});
