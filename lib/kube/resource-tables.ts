/** What `helm status` shows under RESOURCES: each object of a release, and the pods of its workloads, as tables. */
import { clientFor, type ServerTable } from './client.ts';
import type { KubeConnection } from './connection.ts';
import { KubeUnknownKindError } from './errors.ts';
import { selectorOf } from './health.ts';
import { refOf } from './refs.ts';
import type { Clock, KubeObject } from './types.ts';

/**
 * Objects of one `version/Kind` (`v1/Deployment`), or `v1/Pod(related)`: as the server's Tables
 * (what `helm status` prints), or as the objects themselves (its JSON and YAML).
 */
export interface ResourceGroup {
  readonly key: string;
  readonly tables: ServerTable[];
  readonly objects: KubeObject[];
}

export const RELATED_PODS = 'v1/Pod(related)';

// The kinds whose pods helm lists beside them (pkg/kube getSelectorFromObject).
const POD_PARENTS = new Set([
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'ReplicationController',
]);

/**
 * Reads a release's objects as `helm status` does: each one as a Table, grouped by version and kind
 * in manifest order, with the pods each workload's selector matches (once per selector). Objects
 * that are gone, or whose kind is no longer served, are left out, as helm leaves them out.
 */
export async function readResourceTables(input: {
  connection: KubeConnection;
  objects: readonly KubeObject[];
  /** Namespace of objects that name none: the release's. */
  namespace: string;
  deadline: number;
  clock?: Clock;
  /** Tables (for a table printout) or the objects themselves; default tables. */
  as?: 'tables' | 'objects';
}): Promise<ResourceGroup[]> {
  const client = clientFor(input);
  const asTables = (input.as ?? 'tables') === 'tables';
  const groups = new Map<string, { tables: ServerTable[]; objects: KubeObject[] }>();
  const group = (key: string) => {
    const found = groups.get(key) ?? { tables: [], objects: [] };
    groups.set(key, found);
    return found;
  };
  const selectors = new Set<string>();
  for (const object of input.objects) {
    const ref = refOf(object);
    let found: ServerTable | KubeObject | undefined;
    try {
      const resource = await client.resource(ref);
      const placed = resource.namespaced
        ? { ...ref, namespace: ref.namespace ?? input.namespace }
        : { ...ref };
      if (!resource.namespaced) delete placed.namespace;
      found = asTables ? await client.table({ ref: placed }) : await client.get(placed);
    } catch (error) {
      if (error instanceof KubeUnknownKindError) continue;
      throw error;
    }
    if (found === undefined) continue;
    const version = object.apiVersion.includes('/') ? object.apiVersion.split('/')[1] : object.apiVersion;
    const into = group(`${version}/${object.kind}`);
    if (asTables) into.tables.push(found as ServerTable);
    else into.objects.push(found as KubeObject);
    const selector = POD_PARENTS.has(object.kind) ? selectorOf(object) : undefined;
    if (selector === undefined || selectors.has(selector)) continue;
    selectors.add(selector);
    const namespace = object.metadata.namespace ?? input.namespace;
    const pods = { apiVersion: 'v1', kind: 'Pod', namespace, labelSelector: selector };
    if (asTables) {
      const table = await client.table(pods);
      if (table !== undefined && (table.rows ?? []).length > 0) group(RELATED_PODS).tables.push(table);
    } else {
      const listed = await client.list(pods);
      if (listed.length > 0) group(RELATED_PODS).objects.push(...listed);
    }
  }
  return [...groups].map(([key, found]) => ({ key, ...found }));
}
