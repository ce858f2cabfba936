/**
 * values.schema.json, checked as Helm 4 checks it: the schema against its dialect's meta-schema, then
 * the computed values against the schema, for the chart and each subchart.
 *
 * @cfworker/json-schema decides: it interprets a schema, reading only the parts the values reach. A
 * command checks one set of values once, and compiling the schema first (as ajv does) was most of the
 * cost: 80–600 ms for the schemas of postgresql, traefik, redis and loki, against 2–80 ms. Why values
 * fail is told as Helm tells it by schema-report.ts.
 */
import {
  dereference,
  format,
  type OutputUnit,
  type Schema,
  type SchemaDraft,
  Validator,
  validate,
} from '@cfworker/json-schema';
import meta2019Applicator from 'ajv/dist/refs/json-schema-2019-09/meta/applicator.json' with { type: 'json' };
import meta2019Content from 'ajv/dist/refs/json-schema-2019-09/meta/content.json' with { type: 'json' };
import meta2019Core from 'ajv/dist/refs/json-schema-2019-09/meta/core.json' with { type: 'json' };
import meta2019Format from 'ajv/dist/refs/json-schema-2019-09/meta/format.json' with { type: 'json' };
import meta2019MetaData from 'ajv/dist/refs/json-schema-2019-09/meta/meta-data.json' with { type: 'json' };
import meta2019Validation from 'ajv/dist/refs/json-schema-2019-09/meta/validation.json' with { type: 'json' };
import meta2019 from 'ajv/dist/refs/json-schema-2019-09/schema.json' with { type: 'json' };
import meta2020Applicator from 'ajv/dist/refs/json-schema-2020-12/meta/applicator.json' with { type: 'json' };
import meta2020Content from 'ajv/dist/refs/json-schema-2020-12/meta/content.json' with { type: 'json' };
import meta2020Core from 'ajv/dist/refs/json-schema-2020-12/meta/core.json' with { type: 'json' };
import meta2020Format from 'ajv/dist/refs/json-schema-2020-12/meta/format-annotation.json' with {
  type: 'json',
};
import meta2020MetaData from 'ajv/dist/refs/json-schema-2020-12/meta/meta-data.json' with { type: 'json' };
import meta2020Unevaluated from 'ajv/dist/refs/json-schema-2020-12/meta/unevaluated.json' with {
  type: 'json',
};
import meta2020Validation from 'ajv/dist/refs/json-schema-2020-12/meta/validation.json' with { type: 'json' };
import meta2020 from 'ajv/dist/refs/json-schema-2020-12/schema.json' with { type: 'json' };
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };
import draft04 from 'ajv-draft-04/dist/refs/json-schema-draft-04.json' with { type: 'json' };
import { SchemaValidationError } from '../errors.ts';
import { SCHEMA_MESSAGES } from '../messages.ts';
import type { Chart, Values } from '../types.ts';
import { type Draft, explainSchemaFailure, formatSchemaFailures } from './schema-report.ts';
import { isTable } from './table.ts';

// Helm's validator here asserts no `format` (a known difference: Helm 4 asserts it in draft-04/06/07
// schemas). The library checks the formats it knows through this one table, which it exports;
// emptied, a format is an annotation only.
for (const name of Object.keys(format)) delete format[name as keyof typeof format];

/** The library's name for each dialect; draft-06 is read as draft-07 (its additions are draft-07's). */
const DIALECT: Record<Draft, SchemaDraft> = { 4: '4', 6: '7', 7: '7', 2019: '2019-09', 2020: '2020-12' };

/** A dialect's meta-schema, then the vocabularies it refers to (the copies ajv ships). */
const META_SCHEMAS: Record<Draft, readonly unknown[]> = {
  4: [draft04],
  6: [draft06],
  7: [draft07],
  2019: [
    meta2019,
    meta2019Applicator,
    meta2019Content,
    meta2019Core,
    meta2019Format,
    meta2019MetaData,
    meta2019Validation,
  ],
  2020: [
    meta2020,
    meta2020Applicator,
    meta2020Content,
    meta2020Core,
    meta2020Format,
    meta2020MetaData,
    meta2020Unevaluated,
    meta2020Validation,
  ],
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
 * A copy of a schema document in which each `$dynamicRef` and `$dynamicAnchor` keyword (a string
 * value: a schema may also name them as properties) is replaced by what `replace` gives, or dropped
 * when it gives nothing. The library follows neither keyword.
 */
function withoutDynamicKeywords(
  node: unknown,
  replace: (keyword: '$dynamicRef' | '$dynamicAnchor', value: string) => [string, string] | undefined,
): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutDynamicKeywords(item, replace));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === '$dynamicRef' || key === '$dynamicAnchor') && typeof value === 'string') {
      const entry = replace(key, value);
      if (entry !== undefined) out[entry[0]] = entry[1];
    } else out[key] = withoutDynamicKeywords(value, replace);
  }
  return out;
}

/**
 * A chart's schema with `$dynamicRef` read as `$ref` and `$dynamicAnchor` as `$anchor`. For a schema
 * no other schema extends, dynamic and static scope are the same, so this is exact.
 */
const withStaticRefs = (schema: unknown) =>
  withoutDynamicKeywords(schema, (keyword, value) => [keyword === '$dynamicRef' ? '$ref' : '$anchor', value]);

const META_2020 = 'https://json-schema.org/draft/2020-12/schema';

/**
 * A 2020-12 meta-schema document with each `$dynamicRef: "#meta"` made a `$ref` to the dialect's root
 * meta-schema (and `$dynamicAnchor: meta` dropped). The vocabularies are extended by that root, and a
 * dynamic reference resolves to the outermost `$dynamicAnchor: meta` in scope: the root, for a schema
 * of this dialect.
 */
const withMetaRefs = (document: unknown) =>
  withoutDynamicKeywords(document, (keyword, value) => {
    if (keyword === '$dynamicRef') return value === '#meta' ? ['$ref', META_2020] : [keyword, value];
    return value === 'meta' ? undefined : [keyword, value];
  });

const metaValidators = new Map<Draft, Validator>();

/** The meta-schema check of a dialect, made on first use. */
function metaValidatorFor(draft: Draft): Validator {
  let validator = metaValidators.get(draft);
  if (validator !== undefined) return validator;
  // The library marks what it resolves, so it gets copies.
  const [root, ...vocabularies] = META_SCHEMAS[draft].map(
    (document) => (draft === 2020 ? withMetaRefs(document) : structuredClone(document)) as Schema,
  );
  validator = new Validator(root as Schema, DIALECT[draft], false);
  for (const vocabulary of vocabularies) validator.addSchema(vocabulary);
  metaValidators.set(draft, validator);
  return validator;
}

/** A schema ready to check values with. */
interface Prepared {
  schema: Schema;
  draft: SchemaDraft;
  /** Every schema the library can reach by URI (dereference's map). */
  lookup: Record<string, Schema | boolean>;
}

const prepared = new WeakMap<object, Prepared | { problem: string }>();

/** Readies a schema, or says why it is not a valid one (its meta-schema, a `$ref`, a pattern). */
function prepare(schema: Record<string, unknown>, draft: Draft): Prepared | { problem: string } {
  const meta = metaValidatorFor(draft).validate(schema);
  if (!meta.valid) return { problem: describe(meta.errors) };
  const copy = withStaticRefs(schema) as Schema;
  let lookup: Prepared['lookup'];
  try {
    lookup = dereference(copy) as Prepared['lookup'];
  } catch (error) {
    return { problem: (error as Error).message };
  }
  for (const node of Object.values(lookup)) {
    if (node === null || typeof node !== 'object') continue;
    // dereference records the absolute URI of each node's $ref here.
    const ref = (node as { __absolute_ref__?: string }).__absolute_ref__;
    if (ref !== undefined && lookup[ref] === undefined) return { problem: `$ref ${ref} resolves to nothing` };
    const problem = badPattern(node as Record<string, unknown>);
    if (problem !== undefined) return { problem };
  }
  return { schema: copy, draft: DIALECT[draft], lookup };
}

/** A `pattern` or `patternProperties` name that is no regular expression (as Helm, refused up front). */
function badPattern(node: Record<string, unknown>): string | undefined {
  const patterns = [
    ...(typeof node.pattern === 'string' ? [node.pattern] : []),
    ...(isTable(node.patternProperties) ? Object.keys(node.patternProperties) : []),
  ];
  for (const pattern of patterns) {
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      return `pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`;
    }
  }
  return undefined;
}

/** The deepest few failures of a check (the parents only say a child failed), and what the library says. */
function describe(errors: readonly OutputUnit[]): string {
  const depth = (e: OutputUnit) => e.instanceLocation.split('/').length;
  return [...errors]
    .sort((a, b) => depth(b) - depth(a))
    .slice(0, 3)
    .map((e) => `${e.instanceLocation.replace(/^#/, '') || '/'}: ${e.error}`)
    .join('; ');
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
  let ready = prepared.get(schema);
  if (ready === undefined) {
    ready = prepare(schema, draft);
    prepared.set(schema, ready);
  }
  if ('problem' in ready) return `- ${SCHEMA_MESSAGES.invalidSchema(ready.problem)}\n`;
  const json = toJsonNumbers(values);
  const result = validate(json, ready.schema, ready.draft, ready.lookup, false);
  if (result.valid) return '';
  const failures = explainSchemaFailure(schema, json as Parameters<typeof explainSchemaFailure>[1], draft);
  if (failures.length > 0) return formatSchemaFailures(failures);
  // A keyword the walk does not follow failed: say what the library says.
  return `- at '': ${describe(result.errors)}\n`;
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
