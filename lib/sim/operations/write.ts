/** Create, update, patch and apply: decode, merge, prepare, record ownership, store. */
import { parse as parseYaml } from 'yaml';
import { formatPath as formatConflictPath } from '../apply/field-path.ts';
import { TypedObjectError, type WalkOptions } from '../apply/field-set.ts';
import {
  ApplyConflictError,
  applyConfiguration,
  describeManager as describe,
  recordUpdate,
} from '../apply/managed-fields.ts';
import { type Cluster, timestamp } from '../cluster.ts';
import { StatusError } from '../errors.ts';
import {
  clone,
  deepEqual,
  getObject,
  getString,
  isObject,
  type JsonObject,
  type JsonValue,
} from '../json.ts';
import { MESSAGES } from '../messages.ts';
import { applyJsonPatch, PatchError } from '../patch/json-patch.ts';
import { applyMergePatch, applyStrategicMergePatch } from '../patch/merge-patch.ts';
import { groupVersionOf, type ResourceType } from '../resources.ts';
import { applyTypeError, decodeTypeError } from '../type-check.ts';
import { checkResourceVersion, prepareCreate, prepareUpdate } from './prepare.ts';
import { alreadyExists, badRequest, forbidden, notFound, unknownError } from './status-errors.ts';

export interface WriteTarget {
  resource: ResourceType;
  namespace: string;
  subresource?: string;
}

export interface WriteOptions {
  fieldManager?: string;
  userAgent?: string;
  dryRun: boolean;
  force?: boolean;
}

export interface WriteResult {
  object: JsonObject;
  created: boolean;
}

export type PatchType = 'apply' | 'merge' | 'json' | 'strategic';

/** The default manager is the user agent's program name, as kube-apiserver derives it. */
function managerName(options: WriteOptions): string {
  if (options.fieldManager) return options.fieldManager;
  const agent = options.userAgent ?? 'unknown';
  return agent.split('/')[0] || 'unknown';
}

function walkOptions(target: WriteTarget): WalkOptions {
  const { resource, subresource } = target;
  const scope = resource.hasStatus ? (subresource === 'status' ? 'status' : 'main') : 'all';
  // Status writes through /scale touch only spec.replicas, which the main scope covers.
  return { kind: resource.kind, custom: resource.custom === true, scope };
}

const namespaceType = (cluster: Cluster) => cluster.registry.builtIn('Namespace');

/** Namespaced writes need a live namespace: 404 when it is missing, 403 while it terminates. */
export function requireNamespace(
  cluster: Cluster,
  resource: ResourceType,
  namespace: string,
  name: string,
): void {
  if (!resource.namespaced) return;
  const found = cluster.store.get(namespaceType(cluster), '', namespace);
  if (!found) throw notFound(namespaceType(cluster), namespace);
  if (getObject(found, ['metadata'])?.deletionTimestamp) {
    throw forbidden(resource, name, MESSAGES.forbiddenNamespaceTerminating(resource, name, namespace));
  }
}

function commit(
  cluster: Cluster,
  resource: ResourceType,
  before: JsonObject | undefined,
  after: JsonObject,
  dryRun: boolean,
): JsonObject {
  if (before) {
    const { resourceVersion: _a, ...beforeMeta } = getObject(before, ['metadata']) ?? {};
    const { resourceVersion: _b, ...afterMeta } = getObject(after, ['metadata']) ?? {};
    if (deepEqual({ ...before, metadata: beforeMeta }, { ...after, metadata: afterMeta })) return before;
  }
  if (dryRun) return after;
  return cluster.store.put(resource, after);
}

function checkIdentity(target: WriteTarget, body: JsonObject, name: string | undefined): void {
  const bodyName = getString(body, ['metadata', 'name']);
  if (name !== undefined && bodyName !== undefined && bodyName !== name)
    throw badRequest(MESSAGES.nameMismatch(bodyName));
  const bodyNamespace = getString(body, ['metadata', 'namespace']);
  if (target.resource.namespaced && bodyNamespace && bodyNamespace !== target.namespace)
    throw badRequest(MESSAGES.namespaceMismatch);
}

function normalizeBody(target: WriteTarget, body: JsonObject, name?: string): JsonObject {
  const object = clone(body);
  object.apiVersion = groupVersionOf(target.resource);
  object.kind = target.resource.kind;
  const metadata = isObject(object.metadata) ? object.metadata : {};
  object.metadata = metadata;
  if (name !== undefined) metadata.name = name;
  if (target.resource.namespaced) metadata.namespace = target.namespace;
  return object;
}

function generateName(cluster: Cluster, metadata: JsonObject): void {
  if (metadata.name || typeof metadata.generateName !== 'string') return;
  metadata.name = `${metadata.generateName}${cluster.newUid().replace(/-/g, '').slice(0, 5)}`;
}

function checkDecodedTypes(target: WriteTarget, body: JsonObject): void {
  const message = decodeTypeError(target.resource.kind, target.resource.version, body);
  if (message) throw badRequest(message);
}

/** POST: creates the object; 409 AlreadyExists when the name is taken. */
export function createObject(
  cluster: Cluster,
  target: WriteTarget,
  body: JsonObject,
  options: WriteOptions,
): WriteResult {
  checkIdentity(target, body, undefined);
  checkDecodedTypes(target, body);
  const object = normalizeBody(target, body);
  const metadata = object.metadata as JsonObject;
  generateName(cluster, metadata);
  const name = String(metadata.name ?? '');
  requireNamespace(cluster, target.resource, target.namespace, name);
  if (name && cluster.store.get(target.resource, target.namespace, name))
    throw alreadyExists(target.resource, name);
  delete metadata.managedFields;
  const prepared = prepareCreate(cluster, target.resource, object);
  recordUpdate({
    before: undefined,
    after: prepared,
    manager: managerName(options),
    apiVersion: groupVersionOf(target.resource),
    walk: walkOptions(target),
    now: timestamp(cluster),
  });
  return { object: commit(cluster, target.resource, undefined, prepared, options.dryRun), created: true };
}

function requireExisting(cluster: Cluster, target: WriteTarget, name: string): JsonObject {
  const existing = cluster.store.get(target.resource, target.namespace, name);
  if (!existing) throw notFound(target.resource, name);
  return existing;
}

function writeUpdate(
  cluster: Cluster,
  target: WriteTarget,
  old: JsonObject,
  next: JsonObject,
  options: WriteOptions,
): WriteResult {
  checkResourceVersion(target.resource, old, next);
  const prepared = prepareUpdate(cluster, target.resource, old, next, target.subresource);
  const subresource =
    target.subresource === 'status' || target.subresource === 'scale' ? target.subresource : undefined;
  recordUpdate({
    before: withRequestedManagers(old, next),
    after: prepared,
    manager: managerName(options),
    apiVersion: groupVersionOf(target.resource),
    ...(subresource ? { subresource } : {}),
    walk: walkOptions(target),
    now: timestamp(cluster),
  });
  return { object: commit(cluster, target.resource, old, prepared, options.dryRun), created: false };
}

/**
 * A client may rewrite metadata.managedFields itself (kubectl does when it moves client-side-apply
 * ownership to server-side apply); the real server then takes the list it sent as the starting point.
 */
function withRequestedManagers(old: JsonObject, next: JsonObject): JsonObject {
  const requested = getObject(next, ['metadata'])?.managedFields;
  const current = getObject(old, ['metadata'])?.managedFields;
  if (!Array.isArray(requested) || deepEqual(requested, current)) return old;
  return { ...old, metadata: { ...(getObject(old, ['metadata']) ?? {}), managedFields: requested } };
}

/** PUT: replaces the object (or its status); 404 when it does not exist. */
export function updateObject(
  cluster: Cluster,
  target: WriteTarget,
  name: string,
  body: JsonObject,
  options: WriteOptions,
): WriteResult {
  checkIdentity(target, body, name);
  checkDecodedTypes(target, body);
  const old = requireExisting(cluster, target, name);
  return writeUpdate(cluster, target, old, normalizeBody(target, body, name), options);
}

function parseBody(raw: string, yaml: boolean): JsonValue {
  try {
    return (yaml ? parseYaml(raw) : JSON.parse(raw)) as JsonValue;
  } catch (error) {
    throw badRequest(MESSAGES.badJson(error instanceof Error ? error.message : String(error)));
  }
}

/** PATCH in any of the four content types; apply creates the object when it is missing. */
export function patchObject(
  cluster: Cluster,
  target: WriteTarget,
  name: string,
  patchType: PatchType,
  raw: string,
  options: WriteOptions,
): WriteResult {
  if (patchType === 'apply') return applyObject(cluster, target, name, raw, options);
  if (options.force)
    throw new StatusError({ code: 422, reason: 'Invalid', message: MESSAGES.forceOnlyForApply });
  const patch = parseBody(raw, false);
  const old = requireExisting(cluster, target, name);
  let patched: JsonValue;
  try {
    if (patchType === 'json') patched = applyJsonPatch(old, patch);
    else if (patchType === 'merge') patched = applyMergePatch(old, patch);
    else patched = applyStrategicMergePatch(old, patch, { kind: target.resource.kind });
  } catch (error) {
    if (error instanceof PatchError)
      throw new StatusError({ code: 422, reason: 'Invalid', message: error.message });
    throw error;
  }
  if (!isObject(patched)) throw badRequest(MESSAGES.badJson('patch result is not an object'));
  checkDecodedTypes(target, patched);
  const next = normalizeBody(target, patched, name);
  // A patch carries no precondition unless the patch itself names a resourceVersion.
  const patchVersion = isObject(patch) ? getString(patch, ['metadata', 'resourceVersion']) : undefined;
  if (!patchVersion)
    (next.metadata as JsonObject).resourceVersion = getString(old, ['metadata', 'resourceVersion']) ?? null;
  return writeUpdate(cluster, target, old, next, options);
}

function applyObject(
  cluster: Cluster,
  target: WriteTarget,
  name: string,
  raw: string,
  options: WriteOptions,
): WriteResult {
  const { resource } = target;
  if (!options.fieldManager)
    throw new StatusError({ code: 422, reason: 'Invalid', message: MESSAGES.managerRequired });
  const config = parseBody(raw, true);
  if (!isObject(config)) throw badRequest(MESSAGES.badJson('apply configuration must be an object'));
  checkIdentity(target, config, name);
  const where = `${resource.namespaced ? target.namespace : ''}/${name}; ${groupVersionOf(resource)}, Kind=${resource.kind}`;
  const typeError = applyTypeError(resource.kind, resource.version, config);
  if (typeError) throw unknownError(MESSAGES.typedPatch(where, typeError));
  const existing = cluster.store.get(resource, target.namespace, name);
  if (!existing) {
    if (target.subresource) throw notFound(resource, name);
    requireNamespace(cluster, resource, target.namespace, name);
  } else checkResourceVersion(resource, existing, config);
  const live = existing ?? normalizeBody(target, {}, name);
  let merged: JsonObject;
  try {
    merged = applyConfiguration({
      live,
      config: normalizeBody(target, config, name),
      manager: options.fieldManager,
      apiVersion: groupVersionOf(resource),
      force: options.force === true,
      ...(target.subresource === 'status' ? { subresource: 'status' } : {}),
      walk: walkOptions(target),
      now: timestamp(cluster),
    });
  } catch (error) {
    if (error instanceof ApplyConflictError) throw conflictError(error);
    if (error instanceof TypedObjectError) throw unknownError(MESSAGES.typedPatch(where, error.message));
    throw error;
  }
  if (!existing) {
    const prepared = prepareCreate(cluster, resource, merged);
    return { object: commit(cluster, resource, undefined, prepared, options.dryRun), created: true };
  }
  const prepared = prepareUpdate(cluster, resource, existing, merged, target.subresource);
  return { object: commit(cluster, resource, existing, prepared, options.dryRun), created: false };
}

function conflictError(error: ApplyConflictError): StatusError {
  return new StatusError({
    code: 409,
    reason: 'Conflict',
    message: error.message,
    details: {
      causes: error.conflicts.map((c) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with ${describe(c.entry)}`,
        field: formatConflictPath(c.path),
      })),
    },
  });
}
