/** get and list. */
import type { Cluster } from '../cluster.ts';
import type { JsonObject } from '../json.ts';
import { groupVersionOf, type ResourceType } from '../resources.ts';
import { parseFieldSelector, parseLabelSelector } from '../selectors.ts';
import { notFound } from './status-errors.ts';

export function getObjectOrThrow(
  cluster: Cluster,
  resource: ResourceType,
  namespace: string,
  name: string,
): JsonObject {
  const found = cluster.store.get(resource, resource.namespaced ? namespace : '', name);
  if (!found) throw notFound(resource, name);
  return found;
}

export interface ListQuery {
  namespace?: string;
  labelSelector: string | null;
  fieldSelector: string | null;
}

export function selectObjects(cluster: Cluster, resource: ResourceType, query: ListQuery): JsonObject[] {
  const byLabel = parseLabelSelector(query.labelSelector);
  const byField = parseFieldSelector(query.fieldSelector);
  const namespace = resource.namespaced ? query.namespace : undefined;
  // Selected on the stored objects, so that only the matches are copied (as the API server filters
  // before it serializes): a selector over a namespace of thousands copied them all, on every list.
  return cluster.store.list(resource, namespace, (o) => byLabel(o) && byField(o));
}

export function listObjects(cluster: Cluster, resource: ResourceType, query: ListQuery): JsonObject {
  return {
    kind: `${resource.kind}List`,
    apiVersion: groupVersionOf(resource),
    metadata: { resourceVersion: cluster.store.resourceVersion },
    items: selectObjects(cluster, resource, query),
  };
}
