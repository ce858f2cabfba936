import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Chart,
  loadChart,
  type RenderedRelease,
  renderChart,
  TemplateError,
} from '../../lib/chart/index.ts';
import { FIXTURE_CHARTS } from './helpers.ts';

const RELEASE = { name: 'old', namespace: 'default', revision: 1, isInstall: true, isUpgrade: false };

async function loadLegacy(): Promise<Chart> {
  return loadChart({ kind: 'directory', path: join(FIXTURE_CHARTS, 'legacy') });
}

function data(release: RenderedRelease, name: string): string {
  return release.manifests.find((m) => m.name === name)?.content ?? '';
}

describe('apiVersion v1 charts', () => {
  it('take their dependencies from requirements.yaml', async () => {
    const chart = await loadLegacy();
    expect(chart.metadata.dependencies?.map((d) => d.name)).toEqual(['child']);
    const release = await renderChart({ chart, values: {}, release: RELEASE });
    expect(data(release, 'child')).toContain('colour: green');
  });

  it('let the first condition that resolves decide whether a subchart renders', async () => {
    const chart = await loadLegacy();
    const off = await renderChart({ chart, values: { global: { childEnabled: false } }, release: RELEASE });
    expect(data(off, 'child')).toBe('');
    const on = await renderChart({
      chart,
      values: { global: { childEnabled: false }, child: { enabled: true } },
      release: RELEASE,
    });
    expect(data(on, 'child')).toContain('colour: green');
  });
});

describe("Helm's template functions", () => {
  it('convert between YAML, JSON and TOML as Helm does', async () => {
    const cm = data(
      await renderChart({ chart: await loadLegacy(), values: {}, release: RELEASE }),
      'functions',
    );
    expect(cm).toContain('toml: "[server]\\n  port = 80.0\\n"');
    expect(cm).toContain('fromYaml: "x"');
    expect(cm).toContain(
      'fromYamlError: "error converting YAML to JSON: yaml: line 1: did not find expected node content"',
    );
    expect(cm).toContain('fromJson: "v"');
    expect(cm).toContain('fromJsonArray: "3"');
    expect(cm).toContain('toJson: "{\\"a\\":[1,\\"x\\"],\\"b\\":2}"');
  });

  it('render tpl strings that define and include their own templates', async () => {
    const cm = data(
      await renderChart({ chart: await loadLegacy(), values: {}, release: RELEASE }),
      'functions',
    );
    expect(cm).toContain('tplDefine: "T-old"');
    expect(cm).toContain('include: "inline-x"');
  });

  it('offer .Files.Glob(...).AsSecrets and an empty lookup offline', async () => {
    const cm = data(
      await renderChart({ chart: await loadLegacy(), values: {}, release: RELEASE }),
      'functions',
    );
    expect(cm).toContain('secrets: "key.txt: c2VjcmV0LWRhdGE="');
    expect(cm).toContain('lookup: "0"');
  });

  it('select files with .Files.Glob patterns (*, **, ?, classes and {a,b})', async () => {
    const chart = await loadLegacy();
    for (const name of ['conf/a.ini', 'conf/deep/b.ini', 'conf/c.txt', 'other/d.ini']) {
      chart.files.push({ name, data: new TextEncoder().encode('x') });
    }
    const globs = ['conf/*.ini', 'conf/**', '**.ini', 'conf/?.{ini,txt}', 'conf/[a-b].ini', 'conf/[!a].*'];
    const lines = globs.map(
      (g, i) =>
        `  g${i}: {{ $l := list }}{{ range $p, $_ := .Files.Glob "${g}" }}{{ $l = append $l $p }}{{ end }}{{ join " " $l | quote }}`,
    );
    chart.templates.push({
      name: 'templates/globs.yaml',
      data: new TextEncoder().encode(
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: globs\ndata:\n${lines.join('\n')}\n`,
      ),
    });
    const cm = data(await renderChart({ chart, values: {}, release: RELEASE }), 'globs');
    expect(cm).toContain('g0: "conf/a.ini"');
    expect(cm).toContain('g1: "conf/a.ini conf/c.txt conf/deep/b.ini"');
    expect(cm).toContain('g2: "conf/a.ini conf/deep/b.ini other/d.ini"');
    expect(cm).toContain('g3: "conf/a.ini conf/c.txt"');
    expect(cm).toContain('g4: "conf/a.ini"');
    expect(cm).toContain('g5: "conf/c.txt"');
  });

  it('do not let templates read the environment', async () => {
    const chart = await loadLegacy();
    chart.templates.push({
      name: 'templates/env.yaml',
      data: new TextEncoder().encode('x: {{ env "HOME" }}\n'),
    });
    const error = await renderChart({ chart, values: {}, release: RELEASE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toContain('function "env" not defined');
  });

  it('fail with the message given to fail', async () => {
    const chart = await loadLegacy();
    chart.templates.push({
      name: 'templates/fail.yaml',
      data: new TextEncoder().encode('{{ fail "unsupported mode" }}'),
    });
    await expect(renderChart({ chart, values: {}, release: RELEASE })).rejects.toThrow(
      'execution error at (legacy/templates/fail.yaml:1:3): unsupported mode',
    );
  });
});
