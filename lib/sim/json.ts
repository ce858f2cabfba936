/** JSON values as they travel through the API: decoded request bodies and stored objects. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `key`, created empty when absent so callers can write into it. */
export function child(parent: JsonObject, key: string): JsonObject {
  const existing = parent[key];
  if (isObject(existing)) return existing;
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

/** Reads a nested value; undefined when any step is missing or not an object. */
export function getPath(root: JsonValue | undefined, path: readonly string[]): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const key of path) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

export function getObject(root: JsonValue | undefined, path: readonly string[]): JsonObject | undefined {
  const value = getPath(root, path);
  return isObject(value) ? value : undefined;
}

export function getString(root: JsonValue | undefined, path: readonly string[]): string | undefined {
  const value = getPath(root, path);
  return typeof value === 'string' ? value : undefined;
}

export function getNumber(root: JsonValue | undefined, path: readonly string[]): number | undefined {
  const value = getPath(root, path);
  return typeof value === 'number' ? value : undefined;
}

export function getArray(root: JsonValue | undefined, path: readonly string[]): JsonValue[] {
  const value = getPath(root, path);
  return Array.isArray(value) ? value : [];
}

export function clone<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

/** Deep equality of JSON values; object key order does not matter. */
export function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}

/** Sets `key` only when it is absent, the way API defaulting never overrides what the client sent. */
export function setDefault(target: JsonObject, key: string, value: JsonValue): void {
  if (target[key] === undefined || target[key] === null) target[key] = value;
}
