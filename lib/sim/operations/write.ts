/** Create, update and non-apply patches: decode, merge, prepare, record ownership, store. */
import { recordUpdate } from '../apply/managed-fields.ts';
import { type Cluster, timestamp } from '../cluster.ts';
import { StatusError } from '../errors.ts';
import { deepEqual, getObject, getString, isObject, type JsonObject, type JsonValue } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import { applyJsonPatch, PatchError } from '../patch/json-patch.ts';
import { applyMergePatch, applyStrategicMergePatch } from '../patch/merge-patch.ts';
import { groupVersionOf } from '../resources.ts';
import { decodeTypeError } from '../type-check.ts';
import { applyObject } from './apply-patch.ts';
import { checkResourceVersion, prepareCreate, prepareUpdate } from './prepare.ts';
import { alreadyExists, badRequest } from './status-errors.ts';
import {
  checkIdentity,
  commit,
  handleUnknownFields,
  managerName,
  normalizeBody,
  type PatchType,
  parseBody,
  requireExisting,
  requireNamespace,
  type WriteOptions,
  type WriteResult,
  type WriteTarget,
  walkOptions,
} from './write-support.ts';

export type { PatchType, WriteOptions, WriteResult, WriteTarget } from './write-support.ts';
export { requireNamespace } from './write-support.ts';

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
  handleUnknownFields(target, object, options);
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
  const next = normalizeBody(target, body, name);
  handleUnknownFields(target, next, options);
  return writeUpdate(cluster, target, old, next, options);
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
  handleUnknownFields(target, next, options);
  // A patch carries no precondition unless the patch itself names a resourceVersion.
  const patchVersion = isObject(patch) ? getString(patch, ['metadata', 'resourceVersion']) : undefined;
  if (!patchVersion)
    (next.metadata as JsonObject).resourceVersion = getString(old, ['metadata', 'resourceVersion']) ?? null;
  return writeUpdate(cluster, target, old, next, options);
}
