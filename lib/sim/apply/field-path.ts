/**
 * Field paths and sets in the encoding kube-apiserver writes to metadata.managedFields (FieldsV1):
 * `f:name` a struct/map field, `k:{"name":"web"}` an associative-list item, `v:"x"` a set item,
 * `i:0` a positional item. A path is a list of such elements; a set is a set of paths.
 */
import { isObject, type JsonObject, type JsonValue } from '../json.ts';

export type PathElement = string;
export type FieldPath = readonly PathElement[];

const SEPARATOR = '\n';

export function pathKey(path: FieldPath): string {
  return path.join(SEPARATOR);
}

export function keyPath(key: string): FieldPath {
  return key === '' ? [] : key.split(SEPARATOR);
}

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** Key element with fields sorted by name, as encoding/json sorts map keys. */
export function keyElement(keys: Record<string, JsonValue>): PathElement {
  const sorted: JsonObject = {};
  for (const name of Object.keys(keys).sort()) sorted[name] = keys[name] ?? null;
  return `k:${JSON.stringify(sorted)}`;
}

export function valueElement(value: JsonValue): PathElement {
  return `v:${JSON.stringify(value)}`;
}

/** A set of field paths; paths are stored by key so set algebra is plain string-set algebra. */
export class FieldSet {
  readonly keys: Set<string>;

  constructor(keys: Iterable<string> = []) {
    this.keys = new Set(keys);
  }

  static of(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  insert(path: FieldPath): void {
    this.keys.add(pathKey(path));
  }

  has(path: FieldPath): boolean {
    return this.keys.has(pathKey(path));
  }

  get size(): number {
    return this.keys.size;
  }

  paths(): FieldPath[] {
    return [...this.keys].sort().map(keyPath);
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet([...this.keys, ...other.keys]);
  }

  difference(other: FieldSet): FieldSet {
    return new FieldSet([...this.keys].filter((k) => !other.keys.has(k)));
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet([...this.keys].filter((k) => other.keys.has(k)));
  }

  equals(other: FieldSet): boolean {
    return this.size === other.size && [...this.keys].every((k) => other.keys.has(k));
  }

  /** Whether any path of this set lies strictly below `path`. */
  hasDescendantOf(path: FieldPath): boolean {
    const prefix = pathKey(path) + SEPARATOR;
    for (const key of this.keys) if (key.startsWith(prefix)) return true;
    return false;
  }
}

/** Encodes a set as a FieldsV1 tree: `{}` for a leaf, `".": {}` when a node with children is itself a member. */
export function encodeFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  const members = new Set<JsonObject>();
  for (const path of set.paths()) {
    let node = root;
    for (const element of path) {
      const next = node[element];
      if (isObject(next)) node = next;
      else {
        const created: JsonObject = {};
        node[element] = created;
        node = created;
      }
    }
    members.add(node);
  }
  const markMembers = (node: JsonObject): void => {
    for (const value of Object.values(node)) {
      if (!isObject(value)) continue;
      if (members.has(value) && Object.keys(value).length > 0) value['.'] = {};
      markMembers(value);
    }
  };
  markMembers(root);
  return sortTree(root);
}

function sortTree(node: JsonObject): JsonObject {
  const sorted: JsonObject = {};
  for (const key of Object.keys(node).sort()) {
    const value = node[key];
    sorted[key] = isObject(value) ? sortTree(value) : (value ?? {});
  }
  return sorted;
}

export function decodeFieldsV1(tree: JsonValue | undefined): FieldSet {
  const set = new FieldSet();
  const walk = (node: JsonObject, prefix: PathElement[]): void => {
    const entries = Object.entries(node);
    if (entries.length === 0 && prefix.length > 0) set.insert(prefix);
    for (const [element, value] of entries) {
      if (element === '.') {
        set.insert(prefix);
        continue;
      }
      walk(isObject(value) ? value : {}, [...prefix, element]);
    }
  };
  if (isObject(tree)) walk(tree, []);
  return set;
}

/** The path as structured-merge-diff prints it in conflict messages: `.spec.template.spec.containers[name="web"].image`. */
export function formatPath(path: FieldPath): string {
  return path
    .map((element) => {
      const body = element.slice(2);
      switch (element.slice(0, 2)) {
        case 'f:':
          return `.${body}`;
        case 'k:': {
          const keys = JSON.parse(body) as JsonObject;
          return `[${Object.entries(keys)
            .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
            .join(',')}]`;
        }
        case 'v:':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}
