import {
  ArchiveTooLargeError,
  ChartInvalidError,
  ChartMetadataError,
  UnsafeArchiveError,
} from '../errors.ts';
import { CHART_MESSAGES } from '../messages.ts';
import type { Chart, ChartFile, ChartMetadata, Values } from '../types.ts';
import { unpackChartArchive } from './archive.ts';
import { readMetadata, validateMetadata } from './metadata.ts';
import { readValuesYaml, readYamlMap } from './yaml.ts';

const decoder = new TextDecoder();

export interface BuildOptions {
  maxUnpackedBytes: number;
  /** How deep nested subcharts may go; stops archives that contain themselves. */
  depth?: number;
}

const MAX_CHART_DEPTH = 20;

/**
 * Builds a chart from its files (paths relative to the chart root), the way
 * Helm's loader sorts files into metadata, values, schema, templates,
 * subcharts and other files. Throws ChartInvalidError / ChartMetadataError /
 * YamlError and, for nested archives, the archive errors.
 */
export async function buildChart(files: ChartFile[], options: BuildOptions): Promise<Chart> {
  const depth = options.depth ?? 0;
  if (depth > MAX_CHART_DEPTH) throw new ChartInvalidError(CHART_MESSAGES.tooDeep(MAX_CHART_DEPTH));
  let metadata: ChartMetadata | undefined;
  let requirements: Record<string, unknown> | undefined;
  let values: Values = {};
  let schema: unknown;
  const templates: ChartFile[] = [];
  const other: ChartFile[] = [];
  const subchartFiles = new Map<string, ChartFile[]>();

  for (const file of files) {
    const { name } = file;
    if (name === 'Chart.yaml') {
      metadata = readMetadata(await readYamlMap(decoder.decode(file.data), 'Chart.yaml'), 'Chart.yaml');
      if (!metadata.apiVersion) metadata.apiVersion = 'v1';
    } else if (name === 'values.yaml') {
      values = await readValuesYaml(decoder.decode(file.data), 'values.yaml');
    } else if (name === 'values.schema.json') {
      schema = parseSchema(file.data);
    } else if (name === 'requirements.yaml') {
      requirements = await readYamlMap(decoder.decode(file.data), 'requirements.yaml');
      other.push(file);
    } else if (name.startsWith('templates/')) {
      templates.push(file);
    } else if (name.startsWith('charts/')) {
      const rest = name.slice('charts/'.length);
      const top = rest.split('/', 1)[0]!;
      const list = subchartFiles.get(top) ?? [];
      list.push({ name: rest, data: file.data });
      subchartFiles.set(top, list);
    } else {
      other.push(file);
    }
  }
  if (!metadata) throw new ChartInvalidError(CHART_MESSAGES.chartYamlMissing);
  if (requirements && metadata.apiVersion === 'v1' && Array.isArray(requirements.dependencies)) {
    metadata.dependencies = readMetadata(
      { dependencies: requirements.dependencies },
      'requirements.yaml',
    ).dependencies;
  }
  validateMetadata(metadata);

  const dependencies: Chart[] = [];
  for (const top of [...subchartFiles.keys()].sort()) {
    if (top.startsWith('_') || top.startsWith('.')) continue;
    dependencies.push(
      await loadSubchart(metadata.name, top, subchartFiles.get(top)!, { ...options, depth: depth + 1 }),
    );
  }
  const chart: Chart = { metadata, values, templates, files: other, dependencies };
  if (schema !== undefined) chart.schema = schema;
  return chart;
}

async function loadSubchart(
  parent: string,
  top: string,
  files: ChartFile[],
  options: BuildOptions,
): Promise<Chart> {
  try {
    if (top.endsWith('.tgz')) {
      const archive = files.find((f) => f.name === top);
      if (!archive) throw new ChartInvalidError(CHART_MESSAGES.subchartArchiveNotFile(top));
      return await buildChart(await unpackChartArchive(archive.data, options.maxUnpackedBytes), options);
    }
    if (top.endsWith('.prov')) throw new ChartInvalidError(CHART_MESSAGES.notASubchart(top));
    const inner = files
      .filter((f) => f.name.includes('/'))
      .map((f) => ({ name: f.name.slice(f.name.indexOf('/') + 1), data: f.data }));
    return await buildChart(inner, options);
  } catch (error) {
    if (error instanceof UnsafeArchiveError || error instanceof ArchiveTooLargeError) throw error;
    if (error instanceof ChartMetadataError) throw error;
    if (error instanceof ChartInvalidError) {
      throw new ChartInvalidError(CHART_MESSAGES.subchartInvalid(top, parent, error.message), {
        cause: error,
      });
    }
    throw error;
  }
}

function parseSchema(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch (error) {
    throw new ChartInvalidError(CHART_MESSAGES.schemaUnreadable, { cause: error });
  }
}
