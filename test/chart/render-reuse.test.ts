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
