/** RFC 7386 JSON Merge Patch and Kubernetes strategic merge patch. */
import { listTypeAt } from '../apply/schema.ts';
import { clone, deepEqual, isObject, type JsonObject, type JsonValue } from '../json.ts';

export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

export interface StrategicContext {
  kind: string;
}

/**
 * Strategic merge patch: like a merge patch, but lists with a patch merge key (containers by
 * name, ports by containerPort/port, env by name…) merge item by item, and `$patch: delete`
 * or `$patch: replace` directives are honoured.
 */
export function applyStrategicMergePatch(
  target: JsonValue | undefined,
  patch: JsonValue,
  context: StrategicContext,
  names: string[] = [],
): JsonValue {
  if (Array.isArray(patch)) return mergeList(target, patch, context, names);
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return clone(rest);
  }
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') || key === '$retainKeys') continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const existing = result[field];
      if (Array.isArray(existing) && Array.isArray(value)) {
        result[field] = existing.filter((item) => !value.some((v) => deepEqual(v, item)));
      }
      continue;
    }
    if (value === null) delete result[key];
    else result[key] = applyStrategicMergePatch(result[key], value, context, [...names, key]);
  }
  return result;
}

function mergeList(
  target: JsonValue | undefined,
  patch: JsonValue[],
  context: StrategicContext,
  names: string[],
): JsonValue {
  const listType = listTypeAt({ kind: context.kind, custom: false, names });
  const current = Array.isArray(target) ? clone(target) : [];
  if (listType.type === 'set') {
    for (const item of patch)
      if (!current.some((existing) => deepEqual(existing, item))) current.push(clone(item));
    return current;
  }
  if (listType.type !== 'map') return clone(patch);
  // The patch merge key is the first list-map key (name, containerPort, port, mountPath…).
  const mergeKey = listType.keys[0] ?? 'name';
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item.$patch === 'replace')).map((item) => clone(item));
  }
  for (const item of patch) {
    if (!isObject(item)) continue;
    const index = current.findIndex(
      (existing) => isObject(existing) && deepEqual(existing[mergeKey], item[mergeKey]),
    );
    if (item.$patch === 'delete') {
      if (index >= 0) current.splice(index, 1);
      continue;
    }
    if (index >= 0) current[index] = applyStrategicMergePatch(current[index], item, context, names);
    else current.push(applyStrategicMergePatch(undefined, item, context, names));
  }
  return current;
}
