import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Chart,
  ChartNotInstallableError,
  formatTemplateOutput,
  KubeVersionIncompatibleError,
  loadChart,
  MissingDependencyError,
  parseValueFlags,
  type RenderedRelease,
  type RenderInput,
  renderChart,
  SchemaValidationError,
  TemplateError,
  ValuesTypeError,
} from '../../lib/chart/index.ts';
import { FIXTURE_CHARTS } from './helpers.ts';

const RELEASE = { name: 'shop1', namespace: 'prod', revision: 3, isInstall: false, isUpgrade: true };

async function loadShop(): Promise<Chart> {
  return loadChart({ kind: 'directory', path: join(FIXTURE_CHARTS, 'shop') });
}

async function render(
  values: Record<string, unknown> = {},
  extra: Partial<RenderInput> = {},
): Promise<RenderedRelease> {
  return renderChart({ chart: await loadShop(), values, release: RELEASE, ...extra });
}

function configData(release: RenderedRelease): string {
  const cm = release.manifests.find((m) => m.kind === 'ConfigMap' && m.name === 'shop1-shop-config');
  if (!cm) throw new Error('the shop ConfigMap was not rendered');
  return cm.content;
}

describe('renderChart', () => {
  it('orders manifests by kind in install order, unknown kinds last', async () => {
    const release = await render();
    expect(release.manifests.map((m) => m.kind)).toEqual([
      'Namespace',
      'ServiceAccount',
      'ConfigMap',
      'Service',
      'Deployment',
      'Widget',
    ]);
  });

  it('splits hooks out with events, weight and delete policies, and drops unknown hook events', async () => {
    const { hooks, manifests } = await render();
    expect(hooks).toEqual([
      expect.objectContaining({
        kind: 'Pod',
        name: 'shop1-smoke-test',
        events: ['test'],
        weight: 0,
        deletePolicies: [],
      }),
      expect.objectContaining({
        kind: 'Job',
        name: 'shop1-migrate',
        path: 'shop/templates/hooks.yaml',
        events: ['pre-install', 'pre-upgrade'],
        weight: 5,
        deletePolicies: ['before-hook-creation', 'hook-succeeded'],
      }),
    ]);
    const everything = [...manifests.map((m) => m.content), ...hooks.map((h) => h.manifest)].join('\n');
    expect(everything).not.toContain('unknown-hook');
  });

  it('leaves out test hooks when asked to skip tests', async () => {
    const { hooks } = await render({}, { skipTests: true });
    expect(hooks.map((h) => h.name)).toEqual(['shop1-migrate']);
  });

  it('renders NOTES.txt of the top chart apart from the manifests', async () => {
    const release = await render();
    expect(release.notes).toBe('Thank you for installing shop as shop1.\n');
    expect(release.manifests.some((m) => m.path.endsWith('NOTES.txt'))).toBe(false);
    const withSubNotes = await render({}, { subNotes: true });
    expect(withSubNotes.notes).toContain('Notes of the db subchart');
  });

  it('passes crds/ through without templating them', async () => {
    const { crds } = await render();
    expect(crds).toEqual([
      { path: 'shop/crds/widget.yaml', content: expect.stringContaining('{{ .Values.notRendered }}') },
    ]);
  });

  it('renders a missing value as empty instead of <no value>', async () => {
    expect(configData(await render())).toContain('missing: ""');
  });

  it('keeps integers from --set as integers and numbers from YAML as floats', async () => {
    const fromSet = await render(await parseValueFlags({ values: ['port=8081'] }));
    expect(configData(fromSet)).toContain('portKind: "int64"');
    const fromYaml = await render();
    expect(configData(fromYaml)).toContain('portKind: "float64"');
    expect(configData(fromYaml)).toContain('port: "8080"');
  });

  it('deletes a chart default when the user sets it to null', async () => {
    const release = await render(await parseValueFlags({ values: ['removeMe=null'] }));
    expect(configData(release)).toContain('removeMe: "gone"');
    expect(release.computedValues).not.toHaveProperty('removeMe');
  });

  it("gives subcharts the parent's globals over their own, and their own where the parent has none", async () => {
    const db = (await render()).manifests.find((m) => m.kind === 'Service');
    expect(db?.content).toContain('region: eu-west-1');
    expect(db?.content).toContain('tier: data');
  });

  it('renders an aliased subchart under its alias', async () => {
    const db = (await render()).manifests.find((m) => m.kind === 'Service');
    expect(db).toMatchObject({ path: 'shop/charts/database/templates/service.yaml', name: 'database' });
  });

  it("lets the parent's define win over a subchart's define of the same name", async () => {
    const db = (await render()).manifests.find((m) => m.kind === 'Service');
    expect(db?.content).toContain('owner: defined-by-parent');
  });

  it('drops a subchart whose condition is false, and honours tags', async () => {
    const off = await render(await parseValueFlags({ values: ['database.enabled=false'] }));
    expect(off.manifests.some((m) => m.kind === 'Service')).toBe(false);
    expect(off.manifests.some((m) => m.name === 'cache')).toBe(false);
    const cacheOn = await render(await parseValueFlags({ values: ['tags.caching=true'] }));
    expect(cacheOn.manifests.some((m) => m.path === 'shop/charts/cache/templates/cm.yaml')).toBe(true);
  });

  it("imports child values below the parent's own values (import-values and exports)", async () => {
    const release = await render();
    expect(configData(release)).toContain('dbHost: "overridden-by-parent"');
    expect(configData(release)).toContain('dbPool: "10"');
    expect(release.computedValues.dbConnection).toEqual({ host: 'overridden-by-parent', port: 5432 });
  });

  it('renders only the definitions of a library chart', async () => {
    const release = await render();
    expect(JSON.stringify(release)).not.toContain('a-library-never-renders-this');
    expect(release.manifests.find((m) => m.kind === 'Deployment')?.content).toContain(
      'app.kubernetes.io/instance: shop1',
    );
  });

  it('offers .Files, .Capabilities, .Template, .Chart, .Release and .Subcharts to templates', async () => {
    const data = configData(
      await render({}, { capabilities: { kubeVersion: '1.29', apiVersions: ['shop.example.com/v1'] } }),
    );
    expect(data).toContain('ini: "colour=blue\\nsize=10\\n"');
    expect(data).toContain('lines: "line one|line two"');
    expect(data).toContain('config.ini: |');
    // Helm 4 keeps the version as given ("1.29" → v1.29); only constraints see it normalized.
    expect(data).toContain('kube: "v1.29"');
    expect(data).toContain('hasWidgets: "true"');
    expect(data).toContain('template: "shop/templates/configmap.yaml"');
    expect(data).toContain('isRoot: "true"');
    expect(data).toContain('appVersion: "4.5"');
    expect(data).toContain('revision: "3"');
    expect(data).toContain('namespace: prod');
    expect(data).toContain('subchartName: "database"');
    expect(data).toContain('greeting: "hello shop1"');
  });

  it("offers Helm 4's offline API versions: group/versions, old betas included, no kinds", async () => {
    const chart = await loadShop();
    chart.templates.push({
      name: 'templates/caps.yaml',
      data: new TextEncoder().encode(
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caps\ndata:\n' +
          '  pdb: {{ .Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget" | quote }}\n' +
          '  apps: {{ .Capabilities.APIVersions.Has "apps/v1" | quote }}\n' +
          '  beta: {{ .Capabilities.APIVersions.Has "policy/v1beta1" | quote }}\n' +
          '  unknown: {{ .Capabilities.APIVersions.Has "example.com/v9" | quote }}\n',
      ),
    });
    const caps = (await renderChart({ chart, values: {}, release: RELEASE })).manifests.find(
      (m) => m.name === 'caps',
    );
    expect(caps?.content).toContain('pdb: "false"\n  apps: "true"\n  beta: "true"\n  unknown: "false"');
  });

  it('leaves files matched by .helmignore out of the chart', async () => {
    const chart = await loadShop();
    expect(chart.files.map((f) => f.name)).not.toContain('notes.bak');
    expect(configData(await render())).toContain('ignoredFile: ""');
  });

  it('rejects values that break values.schema.json, naming the chart and the field', async () => {
    const error = await render({ replicas: 0, image: { repository: null } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaValidationError);
    expect((error as SchemaValidationError).charts).toEqual(['shop']);
    expect((error as Error).message).toMatch(/^values don't meet the specifications of the schema\(s\)/);
    expect((error as Error).message).toContain("- at '/replicas': minimum: got (value hidden), want 1");
    expect((error as Error).message).toContain("missing property 'repository'");
  });

  it("reports a value of the wrong type in Helm's words", async () => {
    await expect(render(await parseValueFlags({ stringValues: ['replicas=3'] }))).rejects.toThrow(
      "values don't meet the specifications of the schema(s) in the following chart(s):\nshop:\n- at '/replicas': got string, want integer\n",
    );
  });

  it.each([
    [
      'draft-04 (id, boolean exclusive limits)',
      {
        $schema: 'http://json-schema.org/draft-04/schema#',
        id: 'http://example.com/port',
        properties: { port: { type: 'integer', minimum: 1, maximum: 65535, exclusiveMaximum: true } },
      },
    ],
    [
      'draft-06',
      {
        $schema: 'http://json-schema.org/draft-06/schema#',
        $id: 'http://example.com/port',
        properties: { port: { type: 'integer', minimum: 1, exclusiveMaximum: 65535 } },
      },
    ],
    [
      'draft-07',
      {
        $schema: 'http://json-schema.org/draft-07/schema#',
        properties: { port: { type: 'integer', minimum: 1, exclusiveMaximum: 65535 } },
      },
    ],
    ['no $schema', { properties: { port: { type: 'integer', minimum: 1, exclusiveMaximum: 65535 } } }],
    [
      '2020-12',
      {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        properties: { port: { type: 'integer', minimum: 1, exclusiveMaximum: 65535 } },
      },
    ],
  ])('validates values against a %s schema', async (_, schema) => {
    const chart = {
      metadata: { apiVersion: 'v2', name: 'port', version: '1.0.0' },
      values: { port: 80 },
      schema,
      files: [],
      templates: [],
      dependencies: [],
    } as unknown as Chart;
    const release = { name: 'p', namespace: 'default', revision: 1, isInstall: true, isUpgrade: false };
    await expect(renderChart({ chart, values: { port: 65534 }, release })).resolves.toBeDefined();
    await expect(renderChart({ chart, values: { port: 65535 }, release })).rejects.toThrow(
      "values don't meet the specifications of the schema(s) in the following chart(s):\nport:\n- at '/port': exclusiveMaximum: got (value hidden), want 65535\n",
    );
  });

  it('does not change the loaded chart, so it can be rendered again', async () => {
    const chart = await loadShop();
    const before = JSON.stringify(chart.metadata);
    await renderChart({ chart, values: { database: { enabled: false } }, release: RELEASE });
    expect(JSON.stringify(chart.metadata)).toBe(before);
    const again = await renderChart({ chart, values: {}, release: RELEASE });
    expect(again.manifests.some((m) => m.kind === 'Service')).toBe(true);
  });

  it('prints helm template output with crds first when asked', async () => {
    const out = formatTemplateOutput(await render(), {
      includeCrds: true,
      showOnly: ['crds/*', 'templates/deployment.yaml'],
    });
    expect(out.startsWith('---\n# Source: shop/crds/widget.yaml\n')).toBe(true);
    expect(out).toContain('---\n# Source: shop/templates/deployment.yaml\n');
    expect(out).not.toContain('kind: ConfigMap');
  });
});

describe('renderChart errors', () => {
  it('refuses to install a library chart', async () => {
    const chart = await loadShop();
    const lib = chart.dependencies.find((d) => d.metadata.name === 'lib')!;
    await expect(renderChart({ chart: lib, values: {}, release: RELEASE })).rejects.toBeInstanceOf(
      ChartNotInstallableError,
    );
  });

  it("refuses a chart whose kubeVersion constraint the cluster's version does not meet", async () => {
    const chart = await loadShop();
    chart.metadata.kubeVersion = '>=1.25.0-0';
    await expect(
      renderChart({ chart, values: {}, release: RELEASE, capabilities: { kubeVersion: 'v1.20.0' } }),
    ).rejects.toThrow(
      new KubeVersionIncompatibleError(
        'chart requires kubeVersion: >=1.25.0-0 which is incompatible with Kubernetes v1.20.0',
        '>=1.25.0-0',
        'v1.20.0',
      ),
    );
    // Helm 4.1.4's default, v1.35.0, meets it; so does a vendor build whose numbers do.
    for (const kubeVersion of [undefined, 'v1.30.2', 'v1.29.3-eks-adc7111']) {
      const release = await renderChart({
        chart,
        values: {},
        release: RELEASE,
        capabilities: { kubeVersion },
      });
      expect(release.manifests.length).toBeGreaterThan(0);
    }
  });

  it("checks a live cluster's whole version, so a vendor build needs a pre-release constraint", async () => {
    const chart = await loadShop();
    const cluster = {
      gitVersion: 'v1.29.3-eks-adc7111',
      major: '1',
      minor: '29+',
      apiVersions: ['v1', 'apps/v1'],
    };
    chart.metadata.kubeVersion = '>=1.25.0';
    await expect(
      renderChart({ chart, values: {}, release: RELEASE, capabilities: { cluster } }),
    ).rejects.toBeInstanceOf(KubeVersionIncompatibleError);
    chart.metadata.kubeVersion = '>=1.25.0-0';
    await expect(
      renderChart({ chart, values: {}, release: RELEASE, capabilities: { cluster } }),
    ).resolves.toBeDefined();
  });

  it('refuses a chart whose Chart.yaml lists a dependency missing from charts/', async () => {
    const chart = await loadShop();
    chart.dependencies = chart.dependencies.filter((d) => d.metadata.name !== 'cache');
    const error = await renderChart({ chart, values: {}, release: RELEASE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingDependencyError);
    expect((error as MissingDependencyError).missing).toEqual(['cache']);
  });

  it('refuses values that give a subchart something other than a map', async () => {
    await expect(render({ database: 'yes please' })).rejects.toBeInstanceOf(ValuesTypeError);
  });

  it('names the template and line when a template fails', async () => {
    const chart = await loadShop();
    chart.templates.push({
      name: 'templates/broken.yaml',
      data: new TextEncoder().encode('a: 1\nb: {{ required "db password is required" .Values.password }}\n'),
    });
    const error = await renderChart({ chart, values: {}, release: RELEASE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toBe(
      'execution error at (shop/templates/broken.yaml:2:6): db password is required',
    );
  });

  it('reports template syntax errors with the file and line', async () => {
    const chart = await loadShop();
    chart.templates.push({
      name: 'templates/bad.yaml',
      data: new TextEncoder().encode('x: 1\ny: {{ .Values.a \n'),
    });
    const error = await renderChart({ chart, values: {}, release: RELEASE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).phase).toBe('parse');
    expect((error as Error).message).toBe(
      'parse error at (shop/templates/bad.yaml:3): unclosed action started at shop/templates/bad.yaml:2',
    );
  });

  it('keeps serving renders after a template fails', async () => {
    const broken = await loadShop();
    broken.templates.push({
      name: 'templates/oops.yaml',
      data: new TextEncoder().encode('{{ index .Values.nothing 3 }}'),
    });
    await expect(renderChart({ chart: broken, values: {}, release: RELEASE })).rejects.toBeInstanceOf(
      TemplateError,
    );
    const ok = await renderChart({ chart: await loadShop(), values: {}, release: RELEASE });
    expect(ok.manifests.map((m) => m.kind)).toContain('Deployment');
  });

  it('stops endless include recursion with an error instead of hanging', async () => {
    const chart = await loadShop();
    chart.templates.push({
      name: 'templates/loop.yaml',
      data: new TextEncoder().encode('{{ include "shop.loop" . }}'),
    });
    const error = await renderChart({ chart, values: {}, release: RELEASE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toContain('rendering template has a nested reference name: shop.loop');
  });
});
