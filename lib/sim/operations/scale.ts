/** The /scale subresource of Deployments, ReplicaSets and StatefulSets (autoscaling/v1 Scale). */
import type { Cluster } from '../cluster.ts';
import { clone, getNumber, getObject, getString, isObject, type JsonObject } from '../json.ts';
import { applyJsonPatch } from '../patch/json-patch.ts';
import { applyMergePatch } from '../patch/merge-patch.ts';
import type { ResourceType } from '../resources.ts';
import { getObjectOrThrow } from './read.ts';
import { badRequest } from './status-errors.ts';
import { type PatchType, updateObject, type WriteOptions } from './write.ts';

function selectorText(object: JsonObject): string {
  const labels = getObject(object, ['spec', 'selector', 'matchLabels']) ?? {};
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(',');
}

export function scaleOf(object: JsonObject): JsonObject {
  const metadata = getObject(object, ['metadata']) ?? {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: metadata.name ?? '',
      namespace: metadata.namespace ?? '',
      uid: metadata.uid ?? '',
      resourceVersion: metadata.resourceVersion ?? '',
      creationTimestamp: metadata.creationTimestamp ?? null,
    },
    spec: { replicas: getNumber(object, ['spec', 'replicas']) ?? 0 },
    status: { replicas: getNumber(object, ['status', 'replicas']) ?? 0, selector: selectorText(object) },
  };
}

export function getScale(
  cluster: Cluster,
  resource: ResourceType,
  namespace: string,
  name: string,
): JsonObject {
  return scaleOf(getObjectOrThrow(cluster, resource, namespace, name));
}

/** Writes a new Scale (PUT) or patches the current one, then sets spec.replicas on the object. */
export function writeScale(options: {
  cluster: Cluster;
  resource: ResourceType;
  namespace: string;
  name: string;
  body: string;
  patchType?: PatchType;
  write: WriteOptions;
}): JsonObject {
  const { cluster, resource, namespace, name } = options;
  const current = getObjectOrThrow(cluster, resource, namespace, name);
  let parsed: unknown;
  try {
    parsed = JSON.parse(options.body);
  } catch {
    throw badRequest('error decoding scale body');
  }
  const scale = scaleOf(current);
  const next =
    options.patchType === 'json'
      ? applyJsonPatch(scale, parsed as JsonObject)
      : options.patchType
        ? applyMergePatch(scale, parsed as JsonObject)
        : parsed;
  const replicas = isObject(next) ? getNumber(next, ['spec', 'replicas']) : undefined;
  if (replicas === undefined) throw badRequest('Scale.spec.replicas is required');
  const updated = clone(current);
  (updated.spec as JsonObject).replicas = replicas;
  const wanted =
    isObject(next) && !options.patchType ? getString(next, ['metadata', 'resourceVersion']) : undefined;
  (updated.metadata as JsonObject).resourceVersion =
    wanted ?? getString(current, ['metadata', 'resourceVersion']) ?? null;
  const result = updateObject(
    cluster,
    { resource, namespace, subresource: 'scale' },
    name,
    updated,
    options.write,
  );
  return scaleOf(result.object);
}
