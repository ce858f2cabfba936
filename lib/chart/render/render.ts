import {
  type EngineRequest,
  type EngineResponse,
  encodeGoValues,
  type LookupAnswer,
  runEngine,
} from '../engine/engine-host.ts';
import {
  ChartNotInstallableError,
  EngineError,
  KubeVersionIncompatibleError,
  TemplateError,
} from '../errors.ts';
import { CHART_MESSAGES, RENDER_MESSAGES } from '../messages.ts';
import type { Chart, RenderedRelease, RenderInput, Values } from '../types.ts';
import { coalesceChartValues } from '../values/coalesce.ts';
import {
  checkDependencies,
  cloneChartTree,
  isCompatibleRange,
  processDependencies,
} from '../values/dependencies.ts';
import { isTable } from '../values/table.ts';
import { HELM_VERSION, resolveCapabilities } from './capabilities.ts';
import { sortManifests } from './sort-manifests.ts';

const NOTES_SUFFIX = 'NOTES.txt';
const CRD_EXTENSIONS = ['.yaml', '.yml', '.json'];
const decoder = new TextDecoder();

/**
 * Renders a chart as `helm install` / `helm template` would: dependencies
 * enabled and aliased, values coalesced and checked against schemas,
 * templates rendered by the WebAssembly engine, manifests split into hooks
 * and resources in install order, NOTES.txt apart, crds/ untemplated.
 *
 * Throws ChartNotInstallableError (library chart), MissingDependencyError,
 * SchemaValidationError, TemplateError, ManifestParseError, EngineError.
 * The input chart is not modified.
 */
export async function renderChart(input: RenderInput): Promise<RenderedRelease> {
  const type = input.chart.metadata.type;
  if (type && type !== 'application') throw new ChartNotInstallableError(CHART_MESSAGES.notInstallable(type));
  checkDependencies(input.chart);
  const capabilities = resolveCapabilities(input.capabilities);
  const chart = cloneChartTree(input.chart);
  processDependencies(chart, input.values, input.onWarning);
  const values = coalesceChartValues(chart, input.values, false, input.onWarning);
  // The schema check (and its meta-schemas) loads only for a chart tree that has a values.schema.json.
  if (hasSchema(chart)) (await import('../values/schema.ts')).validateValuesAgainstSchemas(chart, values);
  // Helm checks the constraint once values are ready, as the first step of rendering; the
  // version checked is the numeric one (v1.29.3 of v1.29.3-eks-…), the one named the one given.
  const kubeConstraint = input.chart.metadata.kubeVersion;
  const { normalized, version } = capabilities.kubeVersion;
  if (kubeConstraint && !isCompatibleRange(kubeConstraint, normalized)) {
    throw new KubeVersionIncompatibleError(
      CHART_MESSAGES.kubeVersionIncompatible(kubeConstraint, version),
      kubeConstraint,
      version,
    );
  }

  const request = buildRequest(chart, values, input, capabilities);
  const response = await renderWithLookups(request, input.lookup);
  if (response.error) {
    const { kind, message, template } = response.error;
    if (kind === 'internal') throw new EngineError(message);
    throw new TemplateError(message, template, kind);
  }
  const files = response.files ?? {};
  const notes: string[] = [];
  const rootNotes = `${chart.metadata.name}/templates/${NOTES_SUFFIX}`;
  for (const name of Object.keys(files).sort()) {
    if (!name.endsWith(NOTES_SUFFIX)) continue;
    if (input.subNotes || name === rootNotes) notes.push(files[name]!.content ?? '');
    delete files[name];
  }
  const { manifests, hooks } = sortManifests(files);
  return {
    manifests,
    hooks: input.skipTests ? hooks.filter((h) => !h.events.includes('test')) : hooks,
    notes: notes.join('\n'),
    computedValues: values,
    crds: collectCrds(chart, chart.metadata.name),
    chart: {
      name: chart.metadata.name,
      version: chart.metadata.version,
      appVersion: chart.metadata.appVersion ?? '',
    },
  };
}

/** Rounds of lookups one render may take (each round reads what the previous render asked for). */
const MAX_LOOKUP_ROUNDS = 16;
/** Lookups one render may make in all. */
const MAX_LOOKUPS = 1000;

/**
 * Renders, answering templates' `lookup` calls from the cluster when a reader is given: the
 * engine reports the calls it had no answer for, they are read, and the chart is rendered again
 * with every answer so far, until a render asks for nothing new (see engine/go/.../lookup.go).
 */
async function renderWithLookups(
  request: EngineRequest,
  lookup: RenderInput['lookup'],
): Promise<EngineResponse> {
  if (!lookup) return runEngine(request);
  const answers: LookupAnswer[] = [];
  for (let round = 0; ; round++) {
    const response = await runEngine({ ...request, lookup: { answers } });
    const misses = response.lookupMisses ?? [];
    if (misses.length === 0) return response;
    if (round >= MAX_LOOKUP_ROUNDS || answers.length + misses.length > MAX_LOOKUPS) {
      throw new TemplateError(
        RENDER_MESSAGES.tooManyLookups(MAX_LOOKUPS, MAX_LOOKUP_ROUNDS),
        undefined,
        'render',
      );
    }
    for (const call of misses) {
      try {
        const object = await lookup(call);
        answers.push({ ...call, object: JSON.stringify(object ?? {}) });
      } catch (error) {
        answers.push({ ...call, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}

function buildRequest(
  chart: Chart,
  values: Values,
  input: RenderInput,
  capabilities: ReturnType<typeof resolveCapabilities>,
): EngineRequest {
  const request: EngineRequest = {
    templates: [],
    scopes: [],
    release: {
      name: input.release.name,
      namespace: input.release.namespace,
      revision: input.release.revision,
      isInstall: input.release.isInstall,
      isUpgrade: input.release.isUpgrade,
      service: input.release.service ?? 'Helm',
    },
    capabilities: {
      kubeVersion: capabilities.kubeVersion,
      apiVersions: capabilities.apiVersions,
      helmVersion: HELM_VERSION,
    },
    strict: false,
    splitManifests: true,
    verifyShortcuts: input.verifyShortcuts ?? process.env.QUAYSIDE_VERIFY_ENGINE_SHORTCUTS === '1',
  };
  const files: FileBytes = { chunks: [], size: 0 };
  addScope(request, files, chart, values, chart.metadata.name, true);
  request.fileData = Buffer.concat(files.chunks, files.size);
  return request;
}

/** The charts' files as the engine request carries them: their bytes one after another. */
interface FileBytes {
  readonly chunks: Uint8Array[];
  size: number;
}

/** Adds a chart (and its subcharts first) as engine scopes; returns its scope index. */
function addScope(
  request: EngineRequest,
  files: FileBytes,
  chart: Chart,
  values: Values,
  fullPath: string,
  isRoot: boolean,
): number {
  const subcharts: Record<string, number> = {};
  const index = request.scopes.length;
  const offsets: EngineRequest['scopes'][number]['files'] = {};
  for (const file of chart.files) {
    offsets[file.name] = [files.size, file.data.byteLength];
    files.chunks.push(file.data);
    files.size += file.data.byteLength;
  }
  request.scopes.push({
    chart: chart.metadata,
    isRoot,
    values: encodeGoValues(values),
    files: offsets,
    subcharts,
    basePath: `${fullPath}/templates`,
  });
  for (const sub of chart.dependencies) {
    const subValues = values[sub.metadata.name];
    subcharts[sub.metadata.name] = addScope(
      request,
      files,
      sub,
      isTable(subValues) ? subValues : {},
      `${fullPath}/charts/${sub.metadata.name}`,
      false,
    );
  }
  const library = chart.metadata.type === 'library';
  for (const t of chart.templates) {
    // A library chart contributes only its definitions.
    if (library && !baseName(t.name).startsWith('_')) continue;
    request.templates.push({ name: `${fullPath}/${t.name}`, data: decoder.decode(t.data), scope: index });
  }
  return index;
}

function collectCrds(chart: Chart, fullPath: string): Array<{ path: string; content: string }> {
  const crds = chart.files
    .filter((f) => f.name.startsWith('crds/') && CRD_EXTENSIONS.some((ext) => f.name.endsWith(ext)))
    .map((f) => ({ path: `${fullPath}/${f.name}`, content: decoder.decode(f.data) }));
  for (const sub of chart.dependencies) {
    crds.push(...collectCrds(sub, `${fullPath}/charts/${sub.metadata.name}`));
  }
  return crds;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function hasSchema(chart: Chart): boolean {
  return chart.schema !== undefined || chart.dependencies.some(hasSchema);
}
