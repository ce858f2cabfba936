/** delete and deletecollection, with the three propagation policies and finalizers. */
import { type Cluster, timestamp } from '../cluster.ts';
import { StatusError } from '../errors.ts';
import { getArray, getObject, getString, isObject, type JsonObject } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import type { ResourceType } from '../resources.ts';
import { getObjectOrThrow, type ListQuery, selectObjects } from './read.ts';
import { badRequest } from './status-errors.ts';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  dryRun: boolean;
  /** The delete happens only if the object still has this uid / resourceVersion (409 otherwise). */
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  /** What the response carries: the object when deletion is pending, a Success Status otherwise. */
  body: JsonObject;
  code: number;
}

export function parsePropagationPolicy(value: unknown): PropagationPolicy | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value === 'Background' || value === 'Foreground' || value === 'Orphan') return value;
  throw badRequest(
    `Unsupported value: "${String(value)}": supported values: "Background", "Foreground", "Orphan"`,
  );
}

/** Objects whose ownerReferences name `uid`, in any type. */
export function findDependents(
  cluster: Cluster,
  owner: JsonObject,
): Array<{ resource: ResourceType; object: JsonObject }> {
  const uid = getString(owner, ['metadata', 'uid']);
  const namespace = getString(owner, ['metadata', 'namespace']);
  const found: Array<{ resource: ResourceType; object: JsonObject }> = [];
  for (const resource of cluster.registry.all()) {
    const candidates = cluster.store.list(resource, resource.namespaced && namespace ? namespace : undefined);
    for (const object of candidates) {
      if (getArray(object, ['metadata', 'ownerReferences']).some((ref) => isObject(ref) && ref.uid === uid)) {
        found.push({ resource, object });
      }
    }
  }
  return found;
}

function successStatus(resource: ResourceType, object: JsonObject): JsonObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: getString(object, ['metadata', 'name']) ?? '',
      ...(resource.group ? { group: resource.group } : {}),
      kind: resource.plural,
      uid: getString(object, ['metadata', 'uid']) ?? '',
    },
  };
}

function orphanDependents(cluster: Cluster, owner: JsonObject): void {
  const uid = getString(owner, ['metadata', 'uid']);
  for (const { resource, object } of findDependents(cluster, owner)) {
    const metadata = object.metadata as JsonObject;
    metadata.ownerReferences = getArray(object, ['metadata', 'ownerReferences']).filter(
      (ref) => !(isObject(ref) && ref.uid === uid),
    );
    if ((metadata.ownerReferences as unknown[]).length === 0) delete metadata.ownerReferences;
    cluster.store.put(resource, object);
  }
}

/** Removes an object now, after its dependents when `cascade` says so. */
export function removeNow(
  cluster: Cluster,
  resource: ResourceType,
  object: JsonObject,
  cascade: boolean,
): void {
  if (cascade) {
    for (const dependent of findDependents(cluster, object))
      removeNow(cluster, dependent.resource, dependent.object, true);
  }
  cluster.store.remove(
    resource,
    getString(object, ['metadata', 'namespace']) ?? '',
    getString(object, ['metadata', 'name']) ?? '',
  );
}

export function deleteObject(
  cluster: Cluster,
  resource: ResourceType,
  namespace: string,
  name: string,
  options: DeleteOptions,
): DeleteResult {
  const object = getObjectOrThrow(cluster, resource, namespace, name);
  checkPreconditions(resource, object, options.preconditions);
  const metadata = object.metadata as JsonObject;
  const finalizers = getArray(object, ['metadata', 'finalizers']);
  const pending = resource.kind === 'Namespace' && !resource.custom ? true : finalizers.length > 0;
  if (pending) {
    if (!metadata.deletionTimestamp) {
      metadata.deletionTimestamp = timestamp(cluster);
      metadata.deletionGracePeriodSeconds = 0;
      if (resource.kind === 'Namespace' && !resource.custom)
        (getObject(object, ['status']) ?? {}).phase = 'Terminating';
    }
    if (options.dryRun) return { body: object, code: 200 };
    return { body: cluster.store.put(resource, object), code: 200 };
  }
  if (options.dryRun) return { body: successStatus(resource, object), code: 200 };
  const policy = options.propagationPolicy ?? 'Background';
  if (policy === 'Foreground' && findDependents(cluster, object).length > 0) {
    // The owner stays, marked, until the garbage collector has deleted its dependents.
    metadata.deletionTimestamp = timestamp(cluster);
    metadata.deletionGracePeriodSeconds = 0;
    metadata.finalizers = [...finalizers, FOREGROUND_FINALIZER];
    return { body: cluster.store.put(resource, object), code: 200 };
  }
  if (policy === 'Orphan') orphanDependents(cluster, object);
  // Background dependents are collected by the garbage collector after the owner is gone.
  removeNow(cluster, resource, object, policy === 'Foreground');
  return { body: successStatus(resource, object), code: 200 };
}

export function deleteCollection(
  cluster: Cluster,
  resource: ResourceType,
  query: ListQuery,
  options: DeleteOptions,
): JsonObject {
  const items = selectObjects(cluster, resource, query);
  for (const item of items) {
    deleteObject(
      cluster,
      resource,
      getString(item, ['metadata', 'namespace']) ?? '',
      getString(item, ['metadata', 'name']) ?? '',
      options,
    );
  }
  return {
    kind: `${resource.kind}List`,
    apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version,
    metadata: {},
    items,
  };
}

function checkPreconditions(
  resource: ResourceType,
  object: JsonObject,
  preconditions: DeleteOptions['preconditions'],
): void {
  const name = getString(object, ['metadata', 'name']) ?? '';
  for (const [field, label] of [
    ['uid', 'UID'],
    ['resourceVersion', 'ResourceVersion'],
  ] as const) {
    const wanted = preconditions?.[field];
    const actual = getString(object, ['metadata', field]) ?? '';
    if (wanted !== undefined && wanted !== actual) {
      throw new StatusError({
        code: 409,
        reason: 'Conflict',
        message: MESSAGES.preconditionFailed(resource, name, label, wanted, actual),
        details: { name, ...(resource.group ? { group: resource.group } : {}), kind: resource.plural },
      });
    }
  }
}
