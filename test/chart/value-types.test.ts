import { describe, expect, it } from 'vitest';
import { type Chart, parseValueFlags, renderChart } from '../../lib/chart/index.ts';

const RELEASE = { name: 'r', namespace: 'default', revision: 1, isInstall: true, isUpgrade: false };
const encode = (text: string) => new TextEncoder().encode(text);

function chartPrinting(expression: string, values: Record<string, unknown>): Chart {
  return {
    metadata: { apiVersion: 'v2', name: 'types', version: '1.0.0' },
    values,
    templates: [
      {
        name: 'templates/out.yaml',
        data: encode(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: out\ndata:\n  v: ${expression}\n`),
      },
    ],
    files: [],
    dependencies: [],
  };
}

async function printed(
  expression: string,
  values: Record<string, unknown>,
  user: Record<string, unknown> = {},
) {
  const release = await renderChart({
    chart: chartPrinting(expression, values),
    values: user,
    release: RELEASE,
  });
  return /v: (.*)\n?$/.exec(release.manifests[0]!.content)?.[1];
}

describe('value types as Helm has them', () => {
  it('prints large numbers from values.yaml in float notation, as Helm does', async () => {
    expect(await printed('{{ .Values.n | quote }}', { n: 1000000 })).toBe('"1e+06"');
    expect(await printed('{{ .Values.n | quote }}', { n: 80 })).toBe('"80"');
    expect(await printed('{{ .Values.n | quote }}', { n: 1.5 })).toBe('"1.5"');
  });

  it('prints large integers from --set exactly', async () => {
    expect(
      await printed('{{ .Values.n | quote }}', {}, await parseValueFlags({ values: ['n=1000000'] })),
    ).toBe('"1000000"');
    expect(
      await printed(
        '{{ .Values.n | quote }}',
        {},
        await parseValueFlags({ values: ['n=9223372036854775807'] }),
      ),
    ).toBe('"9223372036854775807"');
  });

  it('keeps strings that look like numbers as strings', async () => {
    expect(await printed('{{ kindOf .Values.s }}', { s: '080' })).toBe('string');
    expect(await printed('{{ kindOf .Values.s }}', {}, await parseValueFlags({ values: ['s=1.0'] }))).toBe(
      'string',
    );
  });

  it('marshals maps with sorted keys in toYaml and toJson', async () => {
    expect(await printed('{{ toJson .Values.m | quote }}', { m: { b: 1, a: [true, null, 'x'] } })).toBe(
      '"{\\"a\\":[true,null,\\"x\\"],\\"b\\":1}"',
    );
  });
});
