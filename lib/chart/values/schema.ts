import { SchemaValidationError } from '../errors.ts';
import { SCHEMA_MESSAGES } from '../messages.ts';
import type { Chart, Values } from '../types.ts';
import { meetsSchema } from './schema-fast.ts';
import type { Draft } from './schema-report.ts';
import { isTable } from './table.ts';

/**
 * The dialect a schema's $schema names, read as Helm's validator reads it. A schema that names
 * none, or one it does not know, is 2020-12: Helm 4's validator defaults to its latest draft.
 */
function draftOf(schema: Record<string, unknown>): Draft {
  if (typeof schema.$schema !== 'string') return 2020;
  const [address, fragment = ''] = schema.$schema.split('#', 2) as [string, string?];
  if (fragment !== '') return 2020;
  switch (address.replace(/^https?:\/\//, '')) {
    case 'json-schema.org/draft-04/schema':
      return 4;
    case 'json-schema.org/draft-06/schema':
      return 6;
    case 'json-schema.org/draft-07/schema':
      return 7;
    case 'json-schema.org/draft/2019-09/schema':
      return 2019;
    default:
      return 2020;
  }
}

/**
 * Validates the computed values of a chart and each subchart against their
 * values.schema.json, as Helm does after coalescing. Throws
 * SchemaValidationError listing every failing chart.
 */
export async function validateValuesAgainstSchemas(chart: Chart, values: Values): Promise<void> {
  const report: string[] = [];
  const failing: string[] = [];
  await collect(chart, values, report, failing);
  if (report.length > 0) throw new SchemaValidationError(SCHEMA_MESSAGES.failed(report.join('')), failing);
}

async function collect(chart: Chart, values: Values, report: string[], failing: string[]): Promise<void> {
  if (chart.schema !== undefined) {
    const errors = await validateOne(chart.schema, values);
    if (errors !== '') {
      failing.push(chart.metadata.name);
      report.push(`${chart.metadata.name}:\n${errors}`);
    }
  }
  for (const sub of chart.dependencies) {
    const subValues = values[sub.metadata.name];
    await collect(sub, isTable(subValues) ? subValues : {}, report, failing);
  }
}

/**
 * '' when the values meet the schema, else the lines of the report. Values that schema-fast.ts
 * passes are done; anything else is checked by ajv (schema-ajv.ts, loaded only then), which tells
 * the failures as before.
 */
async function validateOne(schema: unknown, values: Values): Promise<string> {
  if (schema === true || (isTable(schema) && Object.keys(schema).length === 0)) return '';
  if (!isTable(schema)) return `- ${SCHEMA_MESSAGES.notAnObject}\n`;
  const draft = draftOf(schema);
  const json = toJsonNumbers(values);
  if (meetsSchema(schema, json, draft)) return '';
  return (await import('./schema-ajv.ts')).checkWithAjv(schema, json, draft);
}

// --set integers are bigint; schema validation sees them as the numbers they are.
function toJsonNumbers(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toJsonNumbers);
  if (isTable(value)) {
    const out: Values = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonNumbers(v);
    return out;
  }
  return value;
}
