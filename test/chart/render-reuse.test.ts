import { describe, expect, it } from 'vitest';
import { type Chart, renderChart, TemplateError } from '../../lib/chart/index.ts';

// The engine keeps parsed templates between renders; these renders must
// behave exactly as if every one parsed its templates afresh.

const RELEASE = { name: 'reuse', namespace: 'default', revision: 1, isInstall: true, isUpgrade: false };
const encoder = new TextEncoder();

function makeChart(templates: Record<string, string>, name = 'reuse'): Chart {
  return {
    metadata: { apiVersion: 'v2', name, version: '1.0.0' },
    values: {},
    files: [],
    templates: Object.entries(templates).map(([file, text]) => ({ name: file, data: encoder.encode(text) })),
    dependencies: [],
  } as unknown as Chart;
}

const HELPERS = '{{- define "reuse.name" -}}first{{- end -}}';
const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "reuse.name" . }}\n';

async function manifestNames(chart: Chart): Promise<Array<string | undefined>> {
  const release = await renderChart({ chart, values: {}, release: RELEASE });
  return release.manifests.map((m) => m.name);
}

describe('rendering a chart again', () => {
  it('uses the changed text of a template after the chart changes', async () => {
    expect(
      await manifestNames(makeChart({ 'templates/_h.tpl': HELPERS, 'templates/cm.yaml': CONFIG_MAP })),
    ).toEqual(['first']);
    const changed = makeChart({
      'templates/_h.tpl': HELPERS.replace('first', 'second'),
      'templates/cm.yaml': CONFIG_MAP,
    });
    expect(await manifestNames(changed)).toEqual(['second']);
  });

  it('still reports a syntax error in a template that was valid in an earlier render', async () => {
    await manifestNames(
      makeChart({ 'templates/cm.yaml': CONFIG_MAP.replace('{{ include "reuse.name" . }}', 'x') }),
    );
    const broken = makeChart({ 'templates/cm.yaml': 'name: {{ .Values.x ' });
    await expect(renderChart({ chart: broken, values: {}, release: RELEASE })).rejects.toBeInstanceOf(
      TemplateError,
    );
  });

  it('renders every chart right after rendering more charts than the engine keeps parsed', async () => {
    const charts = Array.from({ length: 6 }, (_, i) =>
      makeChart({
        'templates/_h.tpl': HELPERS.replace('first', `chart-${i}`),
        'templates/cm.yaml': CONFIG_MAP,
      }),
    );
    for (const round of [0, 1]) {
      for (const [i, chart] of charts.entries()) {
        expect(await manifestNames(chart), `round ${round}`).toEqual([`chart-${i}`]);
      }
    }
  });

  it('renders a chart without templates again and again', async () => {
    for (let i = 0; i < 3; i++) expect(await manifestNames(makeChart({}, 'empty'))).toEqual([]);
  });

  it('does not let a define made inside tpl in one render reach the next render', async () => {
    const values = { text: '{{ define "reuse.name" }}from-tpl{{ end }}' };
    const withTpl = makeChart({
      'templates/_h.tpl': HELPERS,
      'templates/cm.yaml': `{{ tpl .Values.text . }}${CONFIG_MAP}`,
    });
    const first = await renderChart({ chart: withTpl, values, release: RELEASE });
    const second = await renderChart({ chart: withTpl, values: { text: '' }, release: RELEASE });
    expect([first.manifests[0]?.name, second.manifests[0]?.name]).toEqual(['first', 'first']);
  });
});

describe('reading manifest heads', () => {
  async function heads(manifest: string): Promise<Array<{ kind?: string; name?: string }>> {
    const release = await renderChart({
      chart: makeChart({ 'templates/m.yaml': manifest }),
      values: {},
      release: RELEASE,
    });
    return release.manifests.map((m) => ({ kind: m.kind, name: m.name }));
  }

  it('reads an ordinary head as written', async () => {
    expect(await heads('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n')).toEqual([
      { kind: 'ConfigMap', name: 'plain' },
    ]);
  });

  it("reads heads as Helm's YAML-to-JSON conversion does: YAML 1.1 booleans, numbers, field names in other case", async () => {
    expect(await heads('apiVersion: v1\nKind: ConfigMap\nmetadata:\n  name: n\n')).toEqual([
      { kind: 'ConfigMap', name: 'false' },
    ]);
    expect(await heads('apiVersion: v1\nkind: 5\nmetadata:\n  NAME: 12\n')).toEqual([
      { kind: '5', name: '12' },
    ]);
  });

  it('fails like Helm on a value JSON cannot hold, even outside the head', async () => {
    await expect(heads('apiVersion: v1\nkind: ConfigMap\ndata:\n  x: .nan\n')).rejects.toThrow(
      'json: unsupported value: NaN',
    );
  });

  it("splits rendered files into documents on Helm's separator rules", async () => {
    const text = 'kind: A\n---\nkind: B\n \t\n---kind: C\n--- \r\nkind: D\n---\n';
    const kinds = (await heads(text)).map((h) => h.kind).sort();
    expect(kinds).toEqual(['A', 'B', 'C', 'D']);
  });
});
