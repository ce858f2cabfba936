/**
 * Telling quickly that values meet a values.schema.json. ajv (schema-ajv.ts) compiles a schema into
 * JavaScript before it checks anything, which is most of the cost when a process checks one set of
 * values once: 130–370 ms for the 181–574 KB schemas of traefik and loki. @cfworker/json-schema
 * interprets the schema instead, reading only the parts the values reach: a few milliseconds.
 *
 * It only ever says yes. The schema is first checked against its dialect's meta-schema (as Helm's
 * validator and ajv do); then every `$ref` must resolve and the values must pass. Anything else —
 * a failure, a schema this library cannot read (`$dynamicRef`, an unresolved `$ref`, a pattern that
 * is no JavaScript regular expression) — answers no, and the caller checks again with ajv, which
 * words every refusal as before.
 */
import {
  dereference,
  format,
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
import type { Draft } from './schema-report.ts';

// quayside asserts no `format` (ajv runs with validateFormats off). This library checks the formats
// it knows through this one table, which it exports; emptied, a format is an annotation only.
for (const name of Object.keys(format)) delete format[name as keyof typeof format];

/** The library's name for each dialect; draft-06 is read as draft-07, as ajv reads it. */
const DIALECT: Record<Draft, SchemaDraft> = { 4: '4', 6: '7', 7: '7', 2019: '2019-09', 2020: '2020-12' };

const META_2020_ROOT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * The 2020-12 meta-schemas recurse through `$dynamicRef: "#meta"`, which this library does not
 * follow. For a schema of the plain 2020-12 dialect that reference always lands on the dialect's
 * root meta-schema, so it is rewritten as a `$ref` to it (and the anchor dropped). Only keyword
 * uses are touched: `properties` of the core vocabulary also names `$dynamicRef` as a property.
 */
function withoutDynamicRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDynamicRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$dynamicRef' && value === '#meta') out.$ref = META_2020_ROOT;
    else if (!(key === '$dynamicAnchor' && value === 'meta')) out[key] = withoutDynamicRefs(value);
  }
  return out;
}

/** The meta-schema checks, made on first use (each keeps what it resolved). */
const metaValidators = new Map<SchemaDraft, Validator>();

function metaValidatorFor(draft: Draft): Validator {
  const dialect = DIALECT[draft];
  let validator = metaValidators.get(dialect);
  if (validator !== undefined) return validator;
  if (draft === 2020) {
    validator = new Validator(withoutDynamicRefs(meta2020) as Schema, dialect);
    for (const vocabulary of [
      meta2020Applicator,
      meta2020Content,
      meta2020Core,
      meta2020Format,
      meta2020MetaData,
      meta2020Unevaluated,
      meta2020Validation,
    ])
      validator.addSchema(withoutDynamicRefs(vocabulary) as Schema);
  } else if (draft === 2019) {
    validator = new Validator(structuredClone(meta2019) as Schema, dialect);
    for (const vocabulary of [
      meta2019Applicator,
      meta2019Content,
      meta2019Core,
      meta2019Format,
      meta2019MetaData,
      meta2019Validation,
    ])
      validator.addSchema(structuredClone(vocabulary) as Schema);
  } else {
    validator = new Validator(
      structuredClone(draft === 4 ? draft04 : draft === 6 ? draft06 : draft07) as Schema,
      dialect,
    );
  }
  metaValidators.set(dialect, validator);
  return validator;
}

/** A schema ready to check values with, once it passed its meta-schema and its `$ref`s all resolve. */
interface Prepared {
  schema: Schema;
  draft: SchemaDraft;
  /** Every schema the library can reach by URI, as `dereference` found them. */
  lookup: Record<string, Schema | boolean>;
}

const prepared = new WeakMap<object, Prepared | 'unusable'>();

function prepare(schema: Record<string, unknown>, draft: Draft): Prepared | 'unusable' {
  if (!metaValidatorFor(draft).validate(schema).valid) return 'unusable';
  // The library marks the nodes it resolves (non-enumerable properties): it gets a copy, not the chart's.
  const copy = structuredClone(schema) as Schema;
  const lookup = dereference(copy) as Prepared['lookup'];
  return resolvesEverywhere(lookup) ? { schema: copy, draft: DIALECT[draft], lookup } : 'unusable';
}

/**
 * Whether every `$ref` names a schema the library knows (it throws only when a check reaches one
 * that does not, where ajv refuses the schema whatever the values), and no `$dynamicRef` is used.
 */
function resolvesEverywhere(lookup: Prepared['lookup']): boolean {
  for (const node of Object.values(lookup)) {
    if (node === null || typeof node !== 'object') continue;
    // `dereference` records the absolute URI of each node's $ref here.
    const marked = node as { $dynamicRef?: unknown; $dynamicAnchor?: unknown; __absolute_ref__?: string };
    if (marked.$dynamicRef !== undefined || marked.$dynamicAnchor !== undefined) return false;
    if (marked.__absolute_ref__ !== undefined && lookup[marked.__absolute_ref__] === undefined) return false;
  }
  return true;
}

/**
 * True when `json` (the values, --set integers as numbers) certainly meets `schema` of dialect
 * `draft`; false when it may not, and ajv must tell.
 */
export function meetsSchema(schema: Record<string, unknown>, json: unknown, draft: Draft): boolean {
  try {
    let ready = prepared.get(schema);
    if (ready === undefined) {
      ready = prepare(schema, draft);
      prepared.set(schema, ready);
    }
    return ready !== 'unusable' && validate(json, ready.schema, ready.draft, ready.lookup, true).valid;
  } catch {
    // A pattern that is no JavaScript regular expression, say: ajv reports it as it always has.
    return false;
  }
}
