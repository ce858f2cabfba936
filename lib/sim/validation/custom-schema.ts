/**
 * Custom resources checked against their CRD's structural schema, as the apiextensions server
 * does: value types (`spec.size in body must be of type integer: "string"`) and fields the
 * schema does not declare (pruned, or refused by strict validation and by apply).
 */
import { isObject, type JsonObject, type JsonValue } from '../json.ts';

export interface SchemaTypeError {
  /** Dotted path with indices: spec.items[0].size */
  path: string;
  expected: string;
  value: JsonValue;
}

function typeOf(value: JsonValue): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matches(node: JsonObject, value: JsonValue): boolean {
  const type = node.type;
  if (typeof type !== 'string') return true;
  if (node['x-kubernetes-int-or-string'] === true)
    return typeof value === 'string' || Number.isInteger(value);
  if (value === null) return node.nullable === true;
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function walk(
  node: JsonObject | undefined,
  value: JsonValue | undefined,
  path: string,
  visit: { typeError: (e: SchemaTypeError) => void; unknown: (path: string) => void },
): void {
  if (!node || value === undefined) return;
  if (!matches(node, value)) {
    visit.typeError({ path, expected: String(node.type), value });
    return;
  }
  if (Array.isArray(value) && isObject(node.items)) {
    const items = node.items;
    for (const [index, item] of value.entries()) walk(items, item, `${path}[${index}]`, visit);
    return;
  }
  if (!isObject(value)) return;
  const properties = isObject(node.properties) ? node.properties : undefined;
  const open = node['x-kubernetes-preserve-unknown-fields'] === true;
  for (const [name, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${name}` : name;
    const declared = properties?.[name];
    if (isObject(declared)) walk(declared, child, childPath, visit);
    else if (isObject(node.additionalProperties)) walk(node.additionalProperties, child, childPath, visit);
    else if (
      !open &&
      node.additionalProperties !== true &&
      (properties !== undefined || node.type === 'object')
    )
      visit.unknown(childPath);
  }
}

export interface SchemaFindings {
  typeErrors: SchemaTypeError[];
  unknown: string[];
}

/** Checks everything but apiVersion, kind and metadata, which the server itself owns the schema of. */
export function checkAgainstSchema(schema: JsonObject, object: JsonObject): SchemaFindings {
  const findings: SchemaFindings = { typeErrors: [], unknown: [] };
  const { apiVersion: _a, kind: _k, metadata: _m, ...body } = object;
  walk(schema, body, '', {
    typeError: (e) => findings.typeErrors.push(e),
    unknown: (p) => findings.unknown.push(p),
  });
  return findings;
}

/** Removes undeclared fields in place (structural pruning). */
export function pruneUnknown(object: JsonObject, paths: string[]): void {
  for (const path of paths) {
    const parts = path.split('.');
    let node: JsonValue | undefined = object;
    for (const part of parts.slice(0, -1)) {
      const match = part.match(/^(.*?)((\[\d+\])+)$/);
      node = isObject(node) ? node[match ? (match[1] ?? '') : part] : undefined;
      for (const index of match
        ? [...(match[2] ?? '').matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))
        : []) {
        node = Array.isArray(node) ? node[index] : undefined;
      }
    }
    if (isObject(node)) delete node[parts[parts.length - 1] ?? ''];
  }
}
