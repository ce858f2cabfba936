/** Merging an applied configuration into the live object, and removing fields, by the schema's rules. */
import { clone, deepEqual, isObject, type JsonObject, type JsonValue } from '../json.ts';
import { type FieldPath, keyElement, valueElement } from './field-path.ts';
import { itemKey } from './field-set.ts';
import { isAtomicStruct, listTypeAt, type SchemaPosition } from './schema.ts';

export interface SchemaContext {
  kind: string;
  custom: boolean;
  schema?: JsonObject | undefined;
}

function position(context: SchemaContext, names: string[]): SchemaPosition {
  return { kind: context.kind, custom: context.custom, schema: context.schema, names };
}

/**
 * Applies `config` over `live`: maps and structs merge field by field, associative lists merge
 * item by item on their keys, sets take the union, atomic values are replaced. A null in the
 * config removes the field (the applier still owns it).
 */
export function mergeApplied(
  live: JsonValue | undefined,
  config: JsonValue,
  context: SchemaContext,
  names: string[] = [],
): JsonValue {
  if (isObject(config)) {
    if (!isObject(live) || isAtomicStruct(position(context, names))) return clone(config);
    const merged: JsonObject = clone(live);
    for (const [name, value] of Object.entries(config)) {
      if (value === null) delete merged[name];
      else merged[name] = mergeApplied(live[name], value, context, [...names, name]);
    }
    return merged;
  }
  if (Array.isArray(config)) {
    const listType = listTypeAt(position(context, names));
    if (!Array.isArray(live) || listType.type === 'atomic') return clone(config);
    if (listType.type === 'set') {
      const merged = clone(live);
      for (const item of config)
        if (!merged.some((existing) => deepEqual(existing, item))) merged.push(clone(item));
      return merged;
    }
    const where = names.join('.');
    const keyOf = (item: JsonValue) => keyElement(itemKey(item, listType, where));
    const merged = clone(live);
    const indexByKey = new Map(merged.map((item, index) => [keyOf(item), index]));
    for (const item of config) {
      const index = indexByKey.get(keyOf(item));
      if (index === undefined) merged.push(clone(item));
      else merged[index] = mergeApplied(merged[index], item, context, names);
    }
    return merged;
  }
  return config;
}

/** Removes the value at a field path; returns false when the path does not exist. */
export function removeField(root: JsonObject, path: FieldPath, context: SchemaContext): boolean {
  let node: JsonValue = root;
  const names: string[] = [];
  for (let i = 0; i < path.length; i += 1) {
    const element = path[i] ?? '';
    const last = i === path.length - 1;
    const body = element.slice(2);
    if (element.startsWith('f:')) {
      if (!isObject(node) || !(body in node)) return false;
      names.push(body);
      if (last) {
        delete node[body];
        return true;
      }
      node = node[body] as JsonValue;
      continue;
    }
    if (!Array.isArray(node)) return false;
    const list: JsonValue[] = node;
    let index = -1;
    if (element.startsWith('k:')) {
      const listType = listTypeAt(position(context, names));
      if (listType.type !== 'map') return false;
      index = list.findIndex((item) => keyElement(itemKey(item, listType, names.join('.'))) === element);
    } else if (element.startsWith('v:')) {
      index = list.findIndex((item) => valueElement(item) === element);
    } else index = Number(body);
    if (index < 0 || index >= list.length) return false;
    if (last) {
      list.splice(index, 1);
      return true;
    }
    node = list[index] as JsonValue;
  }
  return false;
}

/**
 * Drops maps and lists that pruning left empty along a path, as the typed round trip through
 * Go structs with `omitempty` does on the real server.
 */
export function dropEmptyParents(root: JsonObject, path: FieldPath, context: SchemaContext): void {
  for (let depth = path.length - 1; depth > 0; depth -= 1) {
    const parentPath = path.slice(0, depth);
    const value = valueAt(root, parentPath, context);
    const empty =
      (isObject(value) && Object.keys(value).length === 0) || (Array.isArray(value) && value.length === 0);
    if (!empty) return;
    removeField(root, parentPath, context);
  }
}

export function valueAt(root: JsonObject, path: FieldPath, context: SchemaContext): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  const names: string[] = [];
  for (const element of path) {
    const body = element.slice(2);
    if (element.startsWith('f:')) {
      if (!isObject(node)) return undefined;
      names.push(body);
      node = node[body];
      continue;
    }
    if (!Array.isArray(node)) return undefined;
    if (element.startsWith('k:')) {
      const listType = listTypeAt(position(context, names));
      if (listType.type !== 'map') return undefined;
      node = node.find((item) => keyElement(itemKey(item, listType, names.join('.'))) === element);
    } else if (element.startsWith('v:')) node = node.find((item) => valueElement(item) === element);
    else node = node[Number(body)];
  }
  return node;
}
