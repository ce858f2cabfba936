/**
 * metadata.managedFields bookkeeping, after k8s.io/apimachinery/pkg/util/managedfields and
 * structured-merge-diff's Updater: who owns which fields, conflicts, and pruning of fields an
 * applier stopped applying.
 */
import { SimError } from '../errors.ts';
import { deepEqual, getArray, getObject, isObject, type JsonObject, type JsonValue } from '../json.ts';
import {
  decodeFieldsV1,
  encodeFieldsV1,
  type FieldPath,
  FieldSet,
  formatPath,
  keyPath,
} from './field-path.ts';
import { compareFields, type WalkOptions, walkFields } from './field-set.ts';
import { dropEmptyParents, mergeApplied, removeField, type SchemaContext } from './merge.ts';

export type Operation = 'Apply' | 'Update';

export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time: string;
  subresource?: string;
  set: FieldSet;
}

export interface FieldConflict {
  entry: ManagerEntry;
  path: FieldPath;
}

/** Apply would change fields other managers own, and force was not given. */
export class ApplyConflictError extends SimError {
  constructor(readonly conflicts: FieldConflict[]) {
    super(conflictMessage(conflicts));
  }
}

/** Managers are told apart by name, operation, subresource and, for Update only, apiVersion. */
function identity(entry: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const version = entry.operation === 'Update' ? entry.apiVersion : '';
  return `${entry.manager}\u0000${entry.operation}\u0000${version}\u0000${entry.subresource ?? ''}`;
}

export function describeManager(entry: ManagerEntry): string {
  let text = JSON.stringify(entry.manager);
  if (entry.subresource) text += ` with subresource ${JSON.stringify(entry.subresource)}`;
  return entry.operation === 'Update' ? `${text} using ${entry.apiVersion}` : text;
}

function conflictMessage(conflicts: FieldConflict[]): string {
  const [first] = conflicts;
  if (conflicts.length === 1 && first) {
    return `Apply failed with 1 conflict: conflict with ${describeManager(first.entry)}: ${formatPath(first.path)}`;
  }
  const byManager = new Map<string, FieldConflict[]>();
  for (const conflict of conflicts) {
    const key = describeManager(conflict.entry);
    byManager.set(key, [...(byManager.get(key) ?? []), conflict]);
  }
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${manager}:`);
    for (const conflict of byManager.get(manager) ?? []) lines.push(`- ${formatPath(conflict.path)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

export function readManagers(object: JsonObject): ManagerEntry[] {
  return getArray(object, ['metadata', 'managedFields'])
    .filter(isObject)
    .map((raw) => {
      const entry: ManagerEntry = {
        manager: String(raw.manager ?? ''),
        operation: raw.operation === 'Apply' ? 'Apply' : 'Update',
        apiVersion: String(raw.apiVersion ?? ''),
        time: String(raw.time ?? ''),
        set: decodeFieldsV1(raw.fieldsV1),
      };
      if (typeof raw.subresource === 'string' && raw.subresource) entry.subresource = raw.subresource;
      return entry;
    });
}

/** Writes entries in kube-apiserver's order: Apply before Update, then by time, manager, version, subresource. */
export function writeManagers(object: JsonObject, entries: ManagerEntry[]): void {
  const metadata = getObject(object, ['metadata']);
  if (!metadata) return;
  const kept = entries.filter((entry) => entry.set.size > 0);
  kept.sort(
    (a, b) =>
      a.operation.localeCompare(b.operation) ||
      a.time.localeCompare(b.time) ||
      a.manager.localeCompare(b.manager) ||
      a.apiVersion.localeCompare(b.apiVersion) ||
      (a.subresource ?? '').localeCompare(b.subresource ?? ''),
  );
  if (kept.length === 0) {
    delete metadata.managedFields;
    return;
  }
  metadata.managedFields = kept.map((entry) => {
    const encoded: JsonObject = {
      manager: entry.manager,
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      time: entry.time,
      fieldsType: 'FieldsV1',
      fieldsV1: encodeFieldsV1(entry.set),
    };
    if (entry.subresource) encoded.subresource = entry.subresource;
    return encoded;
  });
}

export interface ApplyRequest {
  live: JsonObject;
  config: JsonObject;
  manager: string;
  apiVersion: string;
  force: boolean;
  subresource?: string;
  walk: WalkOptions;
  now: string;
}

/** Merges an applied config into the live object and updates ownership; throws ApplyConflictError. */
export function applyConfiguration(request: ApplyRequest): JsonObject {
  const context: SchemaContext = {
    kind: request.walk.kind,
    custom: request.walk.custom,
    schema: request.walk.schema,
  };
  const applied = walkFields(request.config, request.walk);
  const live = walkFields(request.live, request.walk);
  const entries = readManagers(request.live);
  const me = {
    manager: request.manager,
    operation: 'Apply' as const,
    apiVersion: request.apiVersion,
    subresource: request.subresource,
  };
  const myId = identity(me);
  const previous = entries.find((entry) => identity(entry) === myId);
  const others = entries.filter((entry) => identity(entry) !== myId);

  const changed = new FieldSet();
  for (const [key, value] of applied.leaves) {
    if (!live.leaves.has(key) || !deepEqual(live.leaves.get(key), value)) changed.keys.add(key);
  }
  const conflicts: FieldConflict[] = [];
  for (const entry of others) {
    for (const path of entry.set.intersection(changed).paths()) conflicts.push({ entry, path });
  }
  if (conflicts.length > 0 && !request.force) throw new ApplyConflictError(conflicts);
  for (const entry of others) entry.set = entry.set.difference(changed);

  const { managedFields: _ignored, ...configMetadata } = getObject(request.config, ['metadata']) ?? {};
  const config: JsonObject = { ...request.config, metadata: configMetadata };
  const merged = mergeApplied(request.live, config, context) as JsonObject;

  const ownedByOthers = others.reduce((all, entry) => all.union(entry.set), new FieldSet());
  const stillOwned = ownedByOthers.union(applied.set);
  const dropped = (previous?.set ?? new FieldSet()).difference(stillOwned);
  for (const path of dropped.paths().sort((a, b) => a.length - b.length)) {
    if (stillOwned.hasDescendantOf(path)) continue;
    if (removeField(merged, path, context)) dropEmptyParents(merged, path, context);
  }

  const unchanged = previous?.set.equals(applied.set) && previous.apiVersion === request.apiVersion;
  const mine: ManagerEntry = {
    ...me,
    time: unchanged && previous ? previous.time : request.now,
    set: applied.set,
  };
  if (!mine.subresource) delete mine.subresource;
  writeManagers(merged, [...others, mine]);
  return merged;
}

export interface UpdateRequest {
  before: JsonObject | undefined;
  after: JsonObject;
  manager: string;
  apiVersion: string;
  subresource?: string;
  walk: WalkOptions;
  now: string;
}

/**
 * Records a non-apply write (create, update, patch): the writer takes every field it added or
 * changed, other managers lose those fields, and removed fields leave every manager.
 */
export function recordUpdate(request: UpdateRequest): void {
  const entries = request.before ? readManagers(request.before) : [];
  const walk = { ...request.walk, nodesAsMembers: true };
  const before = request.before
    ? walkFields(request.before, walk)
    : { set: new FieldSet(), leaves: new Map<string, JsonValue>() };
  const after = walkFields(request.after, walk);
  const { added, removed, modified } = compareFields(before, after);
  const taken = added.union(modified);
  const me = {
    manager: request.manager,
    operation: 'Update' as const,
    apiVersion: request.apiVersion,
    subresource: request.subresource,
  };
  const myId = identity(me);
  let mine = entries.find((entry) => identity(entry) === myId);
  for (const entry of entries) {
    if (entry !== mine) entry.set = entry.set.difference(taken);
    entry.set = entry.set.difference(removed);
  }
  if (taken.size > 0) {
    if (!mine) {
      mine = { ...me, time: request.now, set: new FieldSet() };
      if (!mine.subresource) delete mine.subresource;
      entries.push(mine);
    }
    mine.set = mine.set.union(taken);
    mine.time = request.now;
  }
  writeManagers(request.after, entries);
}

export function pathFromKey(key: string): FieldPath {
  return keyPath(key);
}
