import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import draft06MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import ajvDraft04 from 'ajv-draft-04';
import { SchemaValidationError } from '../errors.ts';
import { SCHEMA_MESSAGES } from '../messages.ts';
import type { Chart, Values } from '../types.ts';
import { isTable } from './table.ts';

// ajv-draft-04 is CommonJS whose exports object is the class itself.
const AjvDraft04 = ajvDraft04 as unknown as typeof ajvDraft04.default;

type Validator = Ajv | Ajv2019 | Ajv2020 | InstanceType<typeof AjvDraft04>;

// Helm's validator ignores keywords and formats it does not know, so strict
// mode is off and unknown formats pass.
const OPTIONS = {
  strict: false,
  allErrors: true,
  logger: false,
  validateFormats: false,
  verbose: true,
} as const;
let validators: Record<'draft4' | 'draft7' | 'draft2019' | 'draft2020', Validator> | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * The validator for the dialect a schema names in $schema, as Helm's
 * validator picks it: draft-04 (ajv-draft-04: `id`, boolean exclusive
 * limits), draft-06 and draft-07 (ajv's draft-07 class, which takes draft-06
 * once its meta-schema is added), 2019-09 and 2020-12; draft-07 when none is named.
 */
function validatorFor(schema: Record<string, unknown>): Validator {
  if (!validators) {
    const draft7 = new Ajv(OPTIONS);
    draft7.addMetaSchema(draft06MetaSchema);
    validators = {
      draft4: new AjvDraft04(OPTIONS),
      draft7,
      draft2019: new Ajv2019(OPTIONS),
      draft2020: new Ajv2020(OPTIONS),
    };
  }
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (dialect.includes('2020-12')) return validators.draft2020;
  if (dialect.includes('2019-09')) return validators.draft2019;
  if (dialect.includes('draft-04')) return validators.draft4;
  return validators.draft7;
}

/**
 * Validates the computed values of a chart and each subchart against their
 * values.schema.json, as Helm does after coalescing. Throws
 * SchemaValidationError listing every failing chart.
 */
export function validateValuesAgainstSchemas(chart: Chart, values: Values): void {
  const report: string[] = [];
  const failing: string[] = [];
  collect(chart, values, report, failing);
  if (report.length > 0) throw new SchemaValidationError(SCHEMA_MESSAGES.failed(report.join('')), failing);
}

function collect(chart: Chart, values: Values, report: string[], failing: string[]): void {
  if (chart.schema !== undefined) {
    const errors = validateOne(chart.schema, values);
    if (errors.length > 0) {
      failing.push(chart.metadata.name);
      report.push(`${chart.metadata.name}:\n${errors.map((e) => `- ${e}\n`).join('')}`);
    }
  }
  for (const sub of chart.dependencies) {
    const subValues = values[sub.metadata.name];
    collect(sub, isTable(subValues) ? subValues : {}, report, failing);
  }
}

function validateOne(schema: unknown, values: Values): string[] {
  if (schema === true || (isTable(schema) && Object.keys(schema).length === 0)) return [];
  if (!isTable(schema)) return [SCHEMA_MESSAGES.notAnObject];
  let validate = compiled.get(schema);
  if (!validate) {
    try {
      validate = validatorFor(schema).compile(schema);
    } catch (error) {
      return [SCHEMA_MESSAGES.invalidSchema(error instanceof Error ? error.message : String(error))];
    }
    compiled.set(schema, validate);
  }
  if (validate(toJsonNumbers(values))) return [];
  return (validate.errors ?? []).map(describe);
}

// Messages in the words of Helm's validator (santhosh-tekuri/jsonschema) for
// the common keywords; ajv's own wording otherwise. None quotes the value: it
// names the path (keys) and what the schema wants (the chart's own words).
function describe(error: ErrorObject): string {
  const at = error.instancePath;
  const p = error.params as Record<string, unknown>;
  let message = error.message ?? 'is invalid';
  switch (error.keyword) {
    case 'type':
      message = `got ${jsonType(error.data)}, want ${String(p.type).replace(/,/g, ' or ')}`;
      break;
    case 'required':
      message = `missing property '${String(p.missingProperty)}'`;
      break;
    case 'additionalProperties':
      message = `additional properties '${String(p.additionalProperty)}' not allowed`;
      break;
    case 'enum':
      message = `value must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      // Helm adds "but found VALUE"; a value may be a secret, so it is left out.
      message = `must be ${String(p.comparison)} ${String(p.limit)}`;
      break;
  }
  return `at '${at}': ${message}`;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'object') return 'object';
  return typeof value;
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
