/** What every write shares: targets and options, managers, identity checks, the commit step. */

import { parse as parseYaml } from 'yaml';
import type { WalkOptions } from '../apply/field-set.ts';
import type { Cluster } from '../cluster.ts';
import {
  clone,
  deepEqual,
  getObject,
  getString,
  isObject,
  type JsonObject,
  type JsonValue,
} from '../json.ts';
import { dropUnknownFields, findUnknownFields } from '../known-fields.ts';
import { MESSAGES } from '../messages.ts';
import { groupVersionOf, type ResourceType } from '../resources.ts';
import { checkAgainstSchema, pruneUnknown } from '../validation/custom-schema.ts';
import { badRequest, forbidden, notFound } from './status-errors.ts';

export interface WriteTarget {
  resource: ResourceType;
  namespace: string;
  subresource?: string;
}

export interface WriteOptions {
  /** Strict refuses undeclared fields; Ignore and Warn (the default) drop them. */
  fieldValidation?: string;
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
export function managerName(options: WriteOptions): string {
  if (options.fieldManager) return options.fieldManager;
  const agent = options.userAgent ?? 'unknown';
  return agent.split('/')[0] || 'unknown';
}

export function walkOptions(target: WriteTarget): WalkOptions {
  const { resource, subresource } = target;
  const scope = resource.hasStatus ? (subresource === 'status' ? 'status' : 'main') : 'all';
  // Status writes through /scale touch only spec.replicas, which the main scope covers.
  return {
    kind: resource.kind,
    custom: resource.custom === true,
    scope,
    ...(resource.schema ? { schema: resource.schema } : {}),
  };
}

export const namespaceType = (cluster: Cluster) => cluster.registry.builtIn('Namespace');

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

export function commit(
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

export function checkIdentity(target: WriteTarget, body: JsonObject, name: string | undefined): void {
  const bodyName = getString(body, ['metadata', 'name']);
  if (name !== undefined && bodyName !== undefined && bodyName !== name)
    throw badRequest(MESSAGES.nameMismatch(bodyName));
  const bodyNamespace = getString(body, ['metadata', 'namespace']);
  if (target.resource.namespaced && bodyNamespace && bodyNamespace !== target.namespace)
    throw badRequest(MESSAGES.namespaceMismatch);
}

export function normalizeBody(target: WriteTarget, body: JsonObject, name?: string): JsonObject {
  const object = clone(body);
  object.apiVersion = groupVersionOf(target.resource);
  object.kind = target.resource.kind;
  const metadata = isObject(object.metadata) ? object.metadata : {};
  object.metadata = metadata;
  if (name !== undefined) metadata.name = name;
  if (target.resource.namespaced) metadata.namespace = target.namespace;
  return object;
}

export function requireExisting(cluster: Cluster, target: WriteTarget, name: string): JsonObject {
  const existing = cluster.store.get(target.resource, target.namespace, name);
  if (!existing) throw notFound(target.resource, name);
  return existing;
}

export function parseBody(raw: string, yaml: boolean): JsonValue {
  try {
    return (yaml ? parseYaml(raw) : JSON.parse(raw)) as JsonValue;
  } catch (error) {
    throw badRequest(MESSAGES.badJson(error instanceof Error ? error.message : String(error)));
  }
}

/**
 * Undeclared fields in a JSON body: refused under fieldValidation=Strict with the strict decoder's
 * message, otherwise dropped as decoding into Go structs drops them.
 */
export function handleUnknownFields(target: WriteTarget, body: JsonObject, options: WriteOptions): void {
  const { kind, version } = target.resource;
  if (target.resource.custom && !target.resource.schema) return;
  const unknownPaths = target.resource.schema
    ? checkAgainstSchema(target.resource.schema, body).unknown
    : findUnknownFields(kind, body).map((u) => u.decodePath);
  if (options.fieldValidation === 'Strict') {
    const unknown = unknownPaths.map((decodePath) => ({ decodePath }));
    if (unknown.length > 0) {
      const list = unknown.map((u) => `unknown field ${JSON.stringify(u.decodePath)}`).join(', ');
      throw badRequest(
        `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${list}`,
      );
    }
  }
  if (target.resource.schema) pruneUnknown(body, unknownPaths);
  else dropUnknownFields(kind, body);
}
