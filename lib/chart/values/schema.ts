import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import draft06MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import ajvDraft04 from 'ajv-draft-04';
import { SchemaValidationError } from '../errors.ts';
import { SCHEMA_MESSAGES } from '../messages.ts';
import type { Chart, Values } from '../types.ts';
import { type Draft, explainSchemaFailure, formatSchemaFailures } from './schema-report.ts';
import { isTable } from './table.ts';

// ajv-draft-04 is CommonJS whose exports object is the class itself.
const AjvDraft04 = ajvDraft04 as unknown as typeof ajvDraft04.default;

type Validator = Ajv | Ajv2019 | Ajv2020 | InstanceType<typeof AjvDraft04>;

// Helm's validator ignores keywords and formats it does not know, so strict
// mode is off and unknown formats pass.
// A schema is compiled once per process and then checks one set of values, so compiling is most of
// the cost: ajv's pass that optimizes the code it generates, and the schema and data it copies into
// each error (`verbose`; only the message and the path are read, below), are left out. Compiling
// traefik's 181 KB values.schema.json took ~130 ms instead of ~290, loki's 574 KB ~370 instead of ~710.
const OPTIONS = {
  strict: false,
  allErrors: true,
  logger: false,
  validateFormats: false,
  verbose: false,
  code: { optimize: false },
} as const;
let validators: Record<'draft4' | 'draft7' | 'draft2019' | 'draft2020', Validator> | undefined;
const compiled = new WeakMap<object, ValidateFunction>();
// The same schema loaded again (another load of the chart) compiles once; ajv refuses a second
// schema under an $id it holds, so the text is the key.
const compiledByText = new Map<string, ValidateFunction>();
const MAX_COMPILED_TEXTS = 64;

// ajv knows each meta-schema under one spelling; Helm's validator accepts http and https, with or
// without the empty fragment.
const META_SCHEMA_IDS: Record<Draft, string> = {
  4: 'http://json-schema.org/draft-04/schema#',
  6: 'http://json-schema.org/draft-06/schema#',
  7: 'http://json-schema.org/draft-07/schema#',
  2019: 'https://json-schema.org/draft/2019-09/schema',
  2020: 'https://json-schema.org/draft/2020-12/schema',
};

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
 * The validator for a dialect: draft-04 (ajv-draft-04: `id`, boolean exclusive limits), draft-06
 * and draft-07 (ajv's draft-07 class, which takes draft-06 once its meta-schema is added), 2019-09
 * and 2020-12.
 */
function validatorFor(draft: Draft): Validator {
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
  if (draft === 4) return validators.draft4;
  if (draft === 2019) return validators.draft2019;
  if (draft === 2020) return validators.draft2020;
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
    if (errors !== '') {
      failing.push(chart.metadata.name);
      report.push(`${chart.metadata.name}:\n${errors}`);
    }
  }
  for (const sub of chart.dependencies) {
    const subValues = values[sub.metadata.name];
    collect(sub, isTable(subValues) ? subValues : {}, report, failing);
  }
}

function validateOne(schema: unknown, values: Values): string {
  if (schema === true || (isTable(schema) && Object.keys(schema).length === 0)) return '';
  if (!isTable(schema)) return `- ${SCHEMA_MESSAGES.notAnObject}\n`;
  const draft = draftOf(schema);
  let validate = compiled.get(schema);
  if (!validate) {
    try {
      validate = compile(schema, draft);
    } catch (error) {
      return `- ${SCHEMA_MESSAGES.invalidSchema(error instanceof Error ? error.message : String(error))}\n`;
    }
    compiled.set(schema, validate);
  }
  const json = toJsonNumbers(values);
  if (validate(json)) return '';
  const failures = explainSchemaFailure(schema, json as Parameters<typeof explainSchemaFailure>[1], draft);
  if (failures.length > 0) return formatSchemaFailures(failures);
  // A keyword the walk does not follow failed: say what ajv says.
  return (validate.errors ?? [])
    .map((e) => `- at '${e.instancePath}': ${e.message ?? 'is invalid'}\n`)
    .join('');
}

function compile(schema: Record<string, unknown>, draft: Draft): ValidateFunction {
  // ajv is given the meta-schema under the spelling it knows.
  const spelled =
    typeof schema.$schema === 'string' ? { ...schema, $schema: META_SCHEMA_IDS[draft] } : schema;
  const text = `${draft}\0${JSON.stringify(spelled)}`;
  const known = compiledByText.get(text);
  if (known) return known;
  const validator = validatorFor(draft);
  // A different schema under an $id ajv already holds replaces it (another chart, another version).
  const id =
    typeof spelled.$id === 'string' ? spelled.$id : typeof spelled.id === 'string' ? spelled.id : undefined;
  if (id !== undefined) validator.removeSchema(id);
  const validate = validator.compile(spelled);
  if (compiledByText.size >= MAX_COMPILED_TEXTS) compiledByText.clear();
  compiledByText.set(text, validate);
  return validate;
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
