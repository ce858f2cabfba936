import { goValueString } from './go-print.ts';

/**
 * Why values fail a values.schema.json, told as Helm 4 tells it.
 *
 * Helm 4 validates with santhosh-tekuri/jsonschema v6, whose report is a tree: each schema node
 * gives one failure, or "validation failed" over several; a node whose `type`, `const` or `enum`
 * fails reports only that (so a null where an enum of strings is wanted says "got null, want
 * string" and nothing more); `allOf`, `anyOf`, `oneOf` and `not` fail as themselves with the
 * failures of their branches beneath; a `$ref` is transparent. This module walks the schema and the
 * values the same way to build that tree. Whether the values are valid at all is decided by
 * @cfworker/json-schema (schema.ts); this only explains a failure.
 */

/** One line of the report and the lines indented beneath it. */
export interface SchemaFailure {
  /** JSON pointer of the value ("/c/p"; "" for the root). */
  at: string;
  message: string;
  causes: SchemaFailure[];
}

export type Draft = 4 | 6 | 7 | 2019 | 2020;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaObject = Record<string, unknown>;

/** The failures of `value` against the root `schema`; empty when this walk finds none. */
export function explainSchemaFailure(schema: unknown, value: Json, draft: Draft): SchemaFailure[] {
  const walker = new Walker(schema, draft);
  const failure = walker.node(schema, value, []);
  if (!failure) return [];
  return failure.group ? failure.causes : [failure];
}

/** Renders failures as Helm prints them under the chart's name: "- at '/a': …", nested by two spaces. */
export function formatSchemaFailures(failures: readonly SchemaFailure[], depth = 0): string {
  return failures
    .map((f) => {
      const line = `${'  '.repeat(depth)}- at ${quote(f.at)}: ${f.message}\n`;
      return line + formatSchemaFailures(f.causes, depth + 1);
    })
    .join('');
}

interface Node extends SchemaFailure {
  /** A "validation failed" over several failures of one node (the root shows its causes instead). */
  group?: true;
}

const TYPE_ORDER = ['null', 'boolean', 'number', 'integer', 'string', 'array', 'object'] as const;

class Walker {
  constructor(
    private readonly root: unknown,
    private readonly draft: Draft,
  ) {}

  node(schema: unknown, value: Json, path: string[]): Node | undefined {
    const at = pointer(path);
    if (schema === true || schema === undefined) return undefined;
    if (schema === false) return leaf(at, 'false schema');
    if (!isObject(schema)) return undefined;
    const s = schema;

    // Before 2019-09 a $ref replaces its siblings, `type`, `const` and `enum` included.
    if (typeof s.$ref === 'string' && this.draft < 2019) return this.reference(s.$ref, value, path);

    const got = typeOf(value);
    const types = typeList(s.type);
    if (types.length > 0) {
      const matched =
        types.includes(got) || (types.includes('integer') && got === 'number' && isInteger(value));
      if (!matched) {
        const want = TYPE_ORDER.filter((t) => types.includes(t)).join(' or ');
        return leaf(at, `got ${got}, want ${want}`);
      }
    }
    if ('const' in s && !equals(value, s.const as Json)) {
      return leaf(at, isPrimitive(s.const) ? `value must be ${display(s.const as Json)}` : 'const failed');
    }
    if (Array.isArray(s.enum) && !s.enum.some((item) => equals(value, item as Json))) {
      const wants = s.enum as Json[];
      const message = !wants.every(isPrimitive)
        ? 'enum failed'
        : wants.length === 1
          ? `value must be ${display(wants[0]!)}`
          : `value must be one of ${wants.map(display).join(', ')}`;
      return leaf(at, message);
    }

    const failures: Node[] = [];
    const add = (failure: Node | undefined): void => {
      if (failure) failures.push(failure);
    };
    if (typeof s.$ref === 'string') add(this.reference(s.$ref, value, path));
    if (got === 'object') this.object(s, value as { [key: string]: Json }, path, add);
    else if (got === 'array') this.array(s, value as Json[], path, add);
    else if (got === 'string') this.string(s, value as string, at, add);
    else if (got === 'number') this.number(s, value as number, at, add);
    this.conditions(s, value, path, add);

    if (failures.length === 0) return undefined;
    if (failures.length === 1) return failures[0];
    return { at, message: 'validation failed', causes: failures, group: true };
  }

  private reference(ref: string, value: Json, path: string[]): Node | undefined {
    const target = resolvePointer(this.root, ref);
    if (target === undefined) return undefined;
    const failure = this.node(target, value, path);
    if (!failure) return undefined;
    // A reference shows what failed behind it; several failures under one "validation failed".
    return failure;
  }

  private object(
    s: SchemaObject,
    obj: { [key: string]: Json },
    path: string[],
    add: (f?: Node) => void,
  ): void {
    const at = pointer(path);
    const count = Object.keys(obj).length;
    if (typeof s.minProperties === 'number' && count < s.minProperties)
      add(leaf(at, `minProperties: got ${count}, want ${s.minProperties}`));
    if (typeof s.maxProperties === 'number' && count > s.maxProperties)
      add(leaf(at, `maxProperties: got ${count}, want ${s.maxProperties}`));
    if (Array.isArray(s.required)) {
      const missing = (s.required as string[]).filter((name) => !Object.hasOwn(obj, name));
      if (missing.length === 1) add(leaf(at, `missing property ${quote(missing[0]!)}`));
      else if (missing.length > 1) add(leaf(at, `missing properties ${missing.map(quote).join(', ')}`));
    }
    if (isObject(s.dependencies) && this.draft < 2019) {
      for (const [name, dep] of Object.entries(s.dependencies)) {
        if (!Object.hasOwn(obj, name)) continue;
        if (Array.isArray(dep)) {
          const missing = (dep as string[]).filter((p) => !Object.hasOwn(obj, p));
          if (missing.length > 0)
            add(leaf(at, `properties ${missing.map(quote).join(', ')} required, if ${quote(name)} exists`));
        } else add(this.node(dep, obj, path));
      }
    }
    const properties = isObject(s.properties) ? s.properties : {};
    const patterns = isObject(s.patternProperties) ? Object.entries(s.patternProperties) : [];
    const additional: string[] = [];
    for (const [name, item] of Object.entries(obj)) {
      let evaluated = false;
      if (Object.hasOwn(properties, name)) {
        evaluated = true;
        add(this.node(properties[name], item, [...path, name]));
      }
      for (const [pattern, sub] of patterns) {
        if (matches(pattern, name)) {
          evaluated = true;
          add(this.node(sub, item, [...path, name]));
        }
      }
      if (!evaluated && s.additionalProperties !== undefined) {
        if (s.additionalProperties === false) additional.push(name);
        else add(this.node(s.additionalProperties, item, [...path, name]));
      }
    }
    if (additional.length > 0)
      add(leaf(at, `additional properties ${additional.map(quote).join(', ')} not allowed`));
    if (this.draft === 4) return;
    if (s.propertyNames !== undefined) {
      for (const name of Object.keys(obj)) {
        if (this.node(s.propertyNames, name, path)) add(leaf(at, `invalid propertyName ${quote(name)}`));
      }
    }
    if (this.draft < 2019) return;
    if (isObject(s.dependentSchemas)) {
      for (const [name, sub] of Object.entries(s.dependentSchemas)) {
        if (Object.hasOwn(obj, name)) add(this.node(sub, obj, path));
      }
    }
    if (isObject(s.dependentRequired)) {
      for (const [name, required] of Object.entries(s.dependentRequired)) {
        if (!Object.hasOwn(obj, name)) continue;
        const missing = (required as string[]).filter((p) => !Object.hasOwn(obj, p));
        if (missing.length > 0)
          add(leaf(at, `properties ${missing.map(quote).join(', ')} required, if ${quote(name)} exists`));
      }
    }
  }

  private array(s: SchemaObject, arr: Json[], path: string[], add: (f?: Node) => void): void {
    const at = pointer(path);
    if (typeof s.minItems === 'number' && arr.length < s.minItems)
      add(leaf(at, `minItems: got ${arr.length}, want ${s.minItems}`));
    if (typeof s.maxItems === 'number' && arr.length > s.maxItems)
      add(leaf(at, `maxItems: got ${arr.length}, want ${s.maxItems}`));
    if (s.uniqueItems === true && arr.length > 1) {
      const pair = firstDuplicate(arr);
      if (pair) add(leaf(at, `items at ${pair[0]} and ${pair[1]} are equal`));
    }
    // v6 names the items after the tuple by their index among the rest, not in the array.
    const rest = (schema: unknown, from: number): void => {
      for (const [i, item] of arr.slice(from).entries()) add(this.node(schema, item, [...path, String(i)]));
    };
    if (this.draft < 2020) {
      let evaluated = 0;
      if (Array.isArray(s.items)) {
        evaluated = Math.min(arr.length, s.items.length);
        for (let i = 0; i < evaluated; i++) add(this.node(s.items[i], arr[i]!, [...path, String(i)]));
      } else if (s.items !== undefined) {
        evaluated = arr.length;
        for (const [i, item] of arr.entries()) add(this.node(s.items, item, [...path, String(i)]));
      }
      if (s.additionalItems === false && evaluated !== arr.length)
        add(leaf(at, `last ${arr.length - evaluated} additionalItem(s) not allowed`));
      else if (s.additionalItems !== undefined && s.additionalItems !== true)
        rest(s.additionalItems, evaluated);
    } else {
      const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
      const evaluated = Math.min(prefix.length, arr.length);
      for (let i = 0; i < evaluated; i++) add(this.node(prefix[i], arr[i]!, [...path, String(i)]));
      if (s.items !== undefined) rest(s.items, evaluated);
    }
    if (s.contains !== undefined && this.draft >= 6) {
      const misses: Node[] = [];
      const matched: number[] = [];
      arr.forEach((item, i) => {
        const failure = this.node(s.contains, item, [...path, String(i)]);
        if (failure) misses.push(failure);
        else matched.push(i);
      });
      if (typeof s.minContains === 'number' && this.draft >= 2019) {
        if (matched.length < s.minContains) {
          const message =
            matched.length === 0
              ? `min ${s.minContains} items required to match contains schema, but none matched`
              : `min ${s.minContains} items required to match contains schema, but matched ${matched.length} items at ${matched.join(' ')}`;
          add({ at, message, causes: misses });
        }
      } else if (matched.length === 0) {
        add({ at, message: 'no items match contains schema', causes: misses });
      }
      if (typeof s.maxContains === 'number' && this.draft >= 2019 && matched.length > s.maxContains) {
        add(
          leaf(
            at,
            `max ${s.maxContains} items required to match contains schema, but matched ${matched.length} items at ${matched.join(' ')}`,
          ),
        );
      }
    }
  }

  private string(s: SchemaObject, text: string, at: string, add: (f?: Node) => void): void {
    const length = [...text].length;
    if (typeof s.minLength === 'number' && length < s.minLength)
      add(leaf(at, `minLength: got ${length}, want ${s.minLength}`));
    if (typeof s.maxLength === 'number' && length > s.maxLength)
      add(leaf(at, `maxLength: got ${length}, want ${s.maxLength}`));
    if (typeof s.pattern === 'string' && !matches(s.pattern, text))
      // Helm quotes the value here; a value may be a secret, so quayside does not (DESIGN.md, invariant 6).
      add(leaf(at, `${HIDDEN_VALUE} does not match pattern ${quote(s.pattern)}`));
  }

  private number(s: SchemaObject, n: number, at: string, add: (f?: Node) => void): void {
    // Helm shows the number given; quayside does not, as a value may be a secret.
    const shown = HIDDEN_VALUE;
    const check = (keyword: string, limit: unknown, fails: (limit: number) => boolean) => {
      if (typeof limit === 'number' && fails(limit))
        add(leaf(at, `${keyword}: got ${shown}, want ${goValueString(limit)}`));
    };
    // Draft 4 writes exclusive limits as booleans beside minimum/maximum.
    const exclusiveMin = this.draft === 4 && s.exclusiveMinimum === true;
    const exclusiveMax = this.draft === 4 && s.exclusiveMaximum === true;
    if (exclusiveMin) check('exclusiveMinimum', s.minimum, (l) => n <= l);
    else check('minimum', s.minimum, (l) => n < l);
    if (exclusiveMax) check('exclusiveMaximum', s.maximum, (l) => n >= l);
    else check('maximum', s.maximum, (l) => n > l);
    if (this.draft !== 4) {
      check('exclusiveMinimum', s.exclusiveMinimum, (l) => n <= l);
      check('exclusiveMaximum', s.exclusiveMaximum, (l) => n >= l);
    }
    check('multipleOf', s.multipleOf, (l) => l !== 0 && !isWholeMultiple(n, l));
  }

  private conditions(s: SchemaObject, value: Json, path: string[], add: (f?: Node) => void): void {
    const at = pointer(path);
    if (s.not !== undefined && !this.node(s.not, value, path)) add(leaf(at, "'not' failed"));
    if (Array.isArray(s.allOf)) {
      const failures = s.allOf.map((sub) => this.node(sub, value, path)).filter((f) => f !== undefined);
      if (failures.length > 0) add({ at, message: "'allOf' failed", causes: failures });
    }
    if (Array.isArray(s.anyOf)) {
      const failures: Node[] = [];
      let matched = false;
      for (const sub of s.anyOf) {
        const failure = this.node(sub, value, path);
        if (!failure) {
          matched = true;
          break;
        }
        failures.push(failure);
      }
      if (!matched) add({ at, message: "'anyOf' failed", causes: failures });
    }
    if (Array.isArray(s.oneOf)) {
      const failures: Node[] = [];
      let first = -1;
      for (const [i, sub] of s.oneOf.entries()) {
        const failure = this.node(sub, value, path);
        if (failure) {
          if (first === -1) failures.push(failure);
        } else if (first === -1) {
          first = i;
        } else {
          add(leaf(at, `'oneOf' failed, subschemas ${first}, ${i} matched`));
          break;
        }
      }
      if (first === -1) add({ at, message: "'oneOf' failed, none matched", causes: failures });
    }
    if (s.if !== undefined && this.draft >= 7) {
      if (!this.node(s.if, value, path)) {
        if (s.then !== undefined) add(this.node(s.then, value, path));
      } else if (s.else !== undefined) {
        add(this.node(s.else, value, path));
      }
    }
  }
}

function leaf(at: string, message: string): Node {
  return { at, message, causes: [] };
}

function isObject(value: unknown): value is SchemaObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

function typeOf(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

function typeList(type: unknown): string[] {
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : [];
}

function isInteger(value: Json): boolean {
  return typeof value === 'number' && Number.isInteger(value);
}

function isWholeMultiple(n: number, of: number): boolean {
  const q = n / of;
  return Number.isInteger(q) || Math.abs(q - Math.round(q)) < 1e-9;
}

function equals(a: Json, b: Json): boolean {
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => equals(x, b[i]!));
  if (a !== null && typeof a === 'object') {
    if (b === null || typeof b !== 'object' || Array.isArray(b)) return false;
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equals(a[k]!, b[k]!))
    );
  }
  return a === b;
}

function firstDuplicate(arr: Json[]): [number, number] | undefined {
  for (let i = 1; i < arr.length; i++) {
    for (let j = 0; j < i; j++) if (equals(arr[i]!, arr[j]!)) return [j, i];
  }
  return undefined;
}

function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    return true;
  }
}

function pointer(path: readonly string[]): string {
  return path.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let current: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isObject(current)) current = current[key];
    else return undefined;
  }
  return current;
}

/** What stands where Helm's report would quote the user's value. */
export const HIDDEN_VALUE = '(value hidden)';

/** v6's quote: Go's %q, with double quotes left bare and single quotes escaped, in single quotes. */
function quote(text: string): string {
  const go = JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${go}'`;
}

function display(value: Json): string {
  if (typeof value === 'string') return quote(value);
  if (value === null) return '<nil>';
  if (typeof value === 'number') return goValueString(value);
  if (typeof value === 'object') return 'value';
  return String(value);
}
