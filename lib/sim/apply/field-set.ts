/** Field sets of objects: which fields a config or a stored object sets, and what changed between two objects. */
import { SimError } from '../errors.ts';
import { deepEqual, isObject, type JsonObject, type JsonValue } from '../json.ts';
import { type FieldPath, FieldSet, fieldElement, keyElement, pathKey, valueElement } from './field-path.ts';
import { isAtomicStruct, type ListType, listTypeAt } from './schema.ts';

/** The object's shape cannot be typed against the schema (missing list keys, duplicates, wrong types). */
export class TypedObjectError extends SimError {
  constructor(readonly errors: string[]) {
    super(errors.length === 1 ? (errors[0] ?? '') : `errors:\n  ${errors.join('\n  ')}`);
  }
}

/** Metadata fields the server owns; they never appear in managedFields. */
const SERVER_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
]);

/** Non-pointer struct fields of the Kubernetes Go types: present (empty) in every typed object. */
const ALWAYS_PRESENT = new Set([
  'spec',
  'status',
  'template',
  'strategy',
  'updateStrategy',
  'jobTemplate',
  'loadBalancer',
  'resources',
]);

export type FieldScope = 'main' | 'status' | 'all';

export interface WalkOptions {
  kind: string;
  custom: boolean;
  schema?: JsonObject | undefined;
  /**
   * Count maps and optional structs as members of the set, as Update operations do: the real
   * server diffs typed objects, where such a node is "added" (`.: {}`) while non-pointer structs
   * (spec, template, strategy…) always exist and never are.
   */
  nodesAsMembers?: boolean;
  /** main: everything but status (types with a status subresource); status: only status; all: both. */
  scope: FieldScope;
}

export interface WalkedFields {
  set: FieldSet;
  /** Values of leaf paths, for telling modified fields from unchanged ones. */
  leaves: Map<string, JsonValue>;
}

/** Key values of an associative-list item, with defaulted key fields filled in (protocol: TCP). */
export function itemKey(
  item: JsonValue,
  listType: Extract<ListType, { type: 'map' }>,
  where: string,
): Record<string, JsonValue> {
  const keys: Record<string, JsonValue> = {};
  for (const name of listType.keys) {
    const value = isObject(item) ? item[name] : undefined;
    if (value === undefined || value === null) {
      const fallback = listType.defaults?.[name];
      if (fallback === undefined) {
        throw new TypedObjectError([
          `${where}: associative list with keys has an element that omits key field "${name}"`,
        ]);
      }
      keys[name] = fallback;
    } else keys[name] = value;
  }
  return keys;
}

function displayKey(keys: Record<string, JsonValue>): string {
  return `[${Object.entries(keys)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}]`;
}

/** Walks an object the way structured-merge-diff builds a field set from a typed value. */
export function walkFields(object: JsonObject, options: WalkOptions): WalkedFields {
  const set = new FieldSet();
  const leaves = new Map<string, JsonValue>();
  const errors: string[] = [];
  const leaf = (path: FieldPath, value: JsonValue): void => {
    set.insert(path);
    leaves.set(pathKey(path), value);
  };
  const visit = (value: JsonValue, path: FieldPath, names: string[], where: string): void => {
    const position = { kind: options.kind, custom: options.custom, schema: options.schema, names };
    if (isObject(value)) {
      if (Object.keys(value).length === 0 || isAtomicStruct(position)) {
        leaf(path, value);
        return;
      }
      if (
        options.nodesAsMembers &&
        names.join('.') !== 'metadata' &&
        !ALWAYS_PRESENT.has(names[names.length - 1] ?? '')
      )
        set.insert(path);
      for (const [name, child] of Object.entries(value)) {
        visit(child, [...path, fieldElement(name)], [...names, name], `${where}.${name}`);
      }
      return;
    }
    if (Array.isArray(value)) {
      const listType = listTypeAt(position);
      if (listType.type === 'atomic' || value.length === 0) {
        leaf(path, value);
        return;
      }
      const seen = new Set<string>();
      for (const item of value) {
        if (listType.type === 'set') {
          leaf([...path, valueElement(item)], item);
          continue;
        }
        let keys: Record<string, JsonValue>;
        try {
          keys = itemKey(item, listType, where);
        } catch (error) {
          if (error instanceof TypedObjectError) errors.push(...error.errors);
          continue;
        }
        const element = keyElement(keys);
        if (seen.has(element)) {
          errors.push(`${where}: duplicate entries for key ${displayKey(keys)}`);
          continue;
        }
        seen.add(element);
        const itemPath = [...path, element];
        set.insert(itemPath);
        if (isObject(item)) {
          for (const [name, child] of Object.entries(item)) {
            visit(
              child,
              [...itemPath, fieldElement(name)],
              [...names, name],
              `${where}${displayKey(keys)}.${name}`,
            );
          }
        }
      }
      return;
    }
    leaf(path, value);
  };
  for (const [name, value] of Object.entries(object)) {
    if (name === 'apiVersion' || name === 'kind') continue;
    if (name === 'status' ? options.scope === 'main' : options.scope === 'status') continue;
    if (name === 'metadata' && isObject(value)) {
      for (const [field, child] of Object.entries(value)) {
        if (SERVER_METADATA.has(field)) continue;
        visit(
          child,
          [fieldElement('metadata'), fieldElement(field)],
          ['metadata', field],
          `.metadata.${field}`,
        );
      }
      continue;
    }
    visit(value, [fieldElement(name)], [name], `.${name}`);
  }
  if (errors.length > 0) throw new TypedObjectError(errors);
  return { set, leaves };
}

export interface FieldComparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
}

/** What changed from one object to the next, leaf by leaf. */
export function compareFields(before: WalkedFields, after: WalkedFields): FieldComparison {
  const added = after.set.difference(before.set);
  const removed = before.set.difference(after.set);
  const modified = new FieldSet();
  for (const [key, value] of after.leaves) {
    if (before.leaves.has(key) && !deepEqual(before.leaves.get(key), value)) modified.keys.add(key);
  }
  return { added, removed, modified };
}
