/**
 * What the registry strategies do before an object is stored (PrepareForCreate/PrepareForUpdate,
 * defaulting, validation): server metadata, status reset, generation, allocations.
 */
import { type Cluster, timestamp } from '../cluster.ts';
import { applyDefaults } from '../defaults.ts';
import { StatusError } from '../errors.ts';
import { child, clone, deepEqual, getObject, getString, isObject, type JsonObject } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import type { ResourceType } from '../resources.ts';
import { invalidError, validateObject, validateUpdate } from '../validation/index.ts';
import { allocateServiceAddresses } from './allocation.ts';

/** Everything that is not metadata or status: what bumps metadata.generation when it changes. */
function specPart(object: JsonObject): JsonObject {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

function resetStatusOnCreate(resource: ResourceType, object: JsonObject): void {
  if (!resource.hasStatus || resource.kind === 'Namespace') return;
  if (resource.custom) delete object.status;
  else object.status = {};
}

function applyStrategy(
  cluster: Cluster,
  resource: ResourceType,
  object: JsonObject,
  previous?: JsonObject,
): void {
  if (resource.kind === 'Service' && !resource.custom) {
    const spec = child(object, 'spec');
    const previousSpec = getObject(previous, ['spec']);
    if (previousSpec && previousSpec.type !== spec.type && spec.type === 'ClusterIP') {
      // dropTypeDependentFields: settings only NodePort/LoadBalancer use go when the type no longer needs them.
      for (const field of [
        'externalTrafficPolicy',
        'healthCheckNodePort',
        'allocateLoadBalancerNodePorts',
        'loadBalancerClass',
      ]) {
        if (deepEqual(spec[field], previousSpec[field])) delete spec[field];
      }
    }
    allocateServiceAddresses({
      store: cluster.store,
      services: resource,
      spec,
      ...(previousSpec ? { previous: previousSpec } : {}),
    });
  }
  if (resource.kind === 'Job' && !resource.custom && !previous) labelJobPods(object);
  if (resource.kind === 'Pod' && !resource.custom && !previous) {
    object.status = { phase: 'Pending', qosClass: 'BestEffort' };
  }
}

/** A Job without a manual selector selects its pods by its own uid, labelled on create (batch/job strategy). */
function labelJobPods(job: JsonObject): void {
  const spec = child(job, 'spec');
  if (spec.manualSelector === true) return;
  const uid = getString(job, ['metadata', 'uid']) ?? '';
  const name = getString(job, ['metadata', 'name']) ?? '';
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const labels = child(child(child(spec, 'template'), 'metadata'), 'labels');
  Object.assign(labels, {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  });
}

/** Empty metadata maps and lists vanish on the real server: Go's omitempty drops them on encode. */
function dropEmptyMetadata(object: JsonObject): void {
  const metadata = getObject(object, ['metadata']);
  if (!metadata) return;
  for (const field of ['labels', 'annotations', 'finalizers', 'ownerReferences']) {
    const value = metadata[field];
    if (
      value === null ||
      (Array.isArray(value) && value.length === 0) ||
      (isObject(value) && Object.keys(value).length === 0)
    ) {
      delete metadata[field];
    }
  }
}

/** Prepares a new object for storage; throws StatusError (422) when it is invalid. */
export function prepareCreate(cluster: Cluster, resource: ResourceType, object: JsonObject): JsonObject {
  const prepared = clone(object);
  const metadata = child(prepared, 'metadata');
  delete metadata.resourceVersion;
  delete metadata.deletionTimestamp;
  metadata.uid = cluster.newUid();
  metadata.creationTimestamp = timestamp(cluster);
  if (resource.tracksGeneration || resource.custom) metadata.generation = 1;
  else delete metadata.generation;
  if (!resource.namespaced) delete metadata.namespace;
  resetStatusOnCreate(resource, prepared);
  dropEmptyMetadata(prepared);
  applyDefaults(resource.kind, prepared);
  const errors = validateObject(resource, prepared);
  if (errors.length > 0)
    throw invalidError(resource, getString(prepared, ['metadata', 'name']) ?? '', errors);
  applyStrategy(cluster, resource, prepared);
  return prepared;
}

/**
 * Prepares the next version of a stored object: server metadata is kept, status changes only
 * through /status (and only status changes there), generation counts spec changes.
 */
export function prepareUpdate(
  cluster: Cluster,
  resource: ResourceType,
  old: JsonObject,
  next: JsonObject,
  subresource?: string,
): JsonObject {
  let prepared = clone(next);
  if (subresource === 'status') {
    prepared = { ...clone(old), status: clone(next.status ?? {}) };
    const nextMetadata = getObject(next, ['metadata']);
    if (nextMetadata?.managedFields)
      child(prepared, 'metadata').managedFields = clone(nextMetadata.managedFields);
  } else if (resource.hasStatus) {
    if (old.status === undefined) delete prepared.status;
    else prepared.status = clone(old.status);
  }
  const metadata = child(prepared, 'metadata');
  const oldMetadata = getObject(old, ['metadata']) ?? {};
  for (const field of ['uid', 'creationTimestamp', 'name', 'namespace', 'deletionTimestamp', 'generation']) {
    if (oldMetadata[field] === undefined) delete metadata[field];
    else metadata[field] = clone(oldMetadata[field]);
  }
  metadata.resourceVersion = oldMetadata.resourceVersion ?? null;
  dropEmptyMetadata(prepared);
  applyDefaults(resource.kind, prepared);
  if (typeof metadata.generation === 'number' && !deepEqual(specPart(old), specPart(prepared))) {
    metadata.generation += 1;
  }
  applyStrategy(cluster, resource, prepared, old);
  const errors = validateUpdate(resource, old, prepared);
  if (errors.length > 0)
    throw invalidError(resource, getString(prepared, ['metadata', 'name']) ?? '', errors);
  return prepared;
}

/** The optimistic-concurrency check of an update that names a resourceVersion. */
export function checkResourceVersion(resource: ResourceType, old: JsonObject, next: JsonObject): void {
  const wanted = getString(next, ['metadata', 'resourceVersion']);
  if (wanted && wanted !== getString(old, ['metadata', 'resourceVersion'])) {
    const name = getString(old, ['metadata', 'name']) ?? '';
    throw new StatusError({
      code: 409,
      reason: 'Conflict',
      message: MESSAGES.resourceVersionConflict(resource, name),
      details: { name, ...(resource.group ? { group: resource.group } : {}), kind: resource.plural },
    });
  }
}
