/** PATCH with application/apply-patch+yaml: server-side apply, creating the object when it is missing. */
import { formatPath as formatConflictPath } from '../apply/field-path.ts';
import { TypedObjectError } from '../apply/field-set.ts';
import {
  ApplyConflictError,
  applyConfiguration,
  describeManager as describe,
} from '../apply/managed-fields.ts';
import { type Cluster, timestamp } from '../cluster.ts';
import { StatusError } from '../errors.ts';
import { isObject, type JsonObject } from '../json.ts';
import { findUnknownFields } from '../known-fields.ts';
import { MESSAGES } from '../messages.ts';
import { groupVersionOf } from '../resources.ts';
import { applyTypeError } from '../type-check.ts';
import { checkAgainstSchema } from '../validation/custom-schema.ts';
import { checkResourceVersion, prepareCreate, prepareUpdate } from './prepare.ts';
import { badRequest, notFound, unknownError } from './status-errors.ts';
import {
  checkIdentity,
  commit,
  normalizeBody,
  parseBody,
  requireNamespace,
  type WriteOptions,
  type WriteResult,
  type WriteTarget,
  walkOptions,
} from './write-support.ts';

const SMD_TYPES: Record<string, string> = {
  integer: 'numeric (int or float)',
  number: 'numeric (int or float)',
  object: 'map',
  array: 'list',
};

/** What typing an applied custom resource against its CRD schema reports, in structured-merge-diff's words. */
function customSchemaErrors(schema: JsonObject | undefined, config: JsonObject): string[] {
  if (!schema) return [];
  const findings = checkAgainstSchema(schema, config);
  return [
    ...findings.typeErrors.map((e) => {
      const actual = Array.isArray(e.value)
        ? 'list'
        : e.value === null
          ? 'null'
          : isObject(e.value)
            ? 'map'
            : typeof e.value;
      return `.${e.path}: expected ${SMD_TYPES[e.expected] ?? e.expected}, got ${actual}`;
    }),
    ...findings.unknown.map((path) => `.${path}: field not declared in schema`),
  ];
}

export function applyObject(
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
  const errors = resource.custom
    ? customSchemaErrors(resource.schema, config)
    : findUnknownFields(resource.kind, config).map((u) => `${u.applyPath}: field not declared in schema`);
  if (errors.length > 0) {
    const detail = errors.length === 1 ? (errors[0] ?? '') : `errors:\n  ${errors.join('\n  ')}`;
    throw unknownError(MESSAGES.typedPatch(where, detail));
  }
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
