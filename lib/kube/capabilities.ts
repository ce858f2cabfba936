import { clientFor } from './client.ts';
import type { KubeConnection } from './connection.ts';
import { KubeNotFoundError } from './errors.ts';
import type { Clock, KubeObject } from './types.ts';

/**
 * What charts see of a live cluster, read as `helm install` reads it: the server's version and
 * every served group/version and group/version/Kind (.Capabilities), and objects for `lookup`.
 */

/** A cluster's version and API versions, as .Capabilities shows them. */
export interface ClusterCapabilities {
  gitVersion: string;
  major: string;
  minor: string;
  /** "group/version" and "group/version/Kind" entries, sorted. */
  apiVersions: string[];
}

export interface ClusterReadInput {
  connection: KubeConnection;
  /** Epoch ms after which no retry is started. */
  deadline: number;
  clock?: Clock;
}

interface VersionInfo {
  gitVersion?: string;
  major?: string;
  minor?: string;
}

/**
 * Reads the cluster's version (/version) and its API versions: every group-version /api and /apis
 * list, with the kinds each serves. A server with aggregated discovery (Kubernetes 1.26+) answers all
 * of it in those two documents, read once per connection (see client.ts); an older server's
 * group-versions are read one by one through the discovery cache. Retryable failures are retried
 * within the deadline; anything else throws the classified KubeError.
 */
export async function readClusterCapabilities(input: ClusterReadInput): Promise<ClusterCapabilities> {
  const client = clientFor(input);
  const ref = { apiVersion: 'v1', kind: 'APIVersions', name: '' };
  const [version, groupVersions] = await Promise.all([
    client.read('/version', ref) as Promise<VersionInfo>,
    client.groupVersions(),
  ]);
  const entries = new Set<string>(groupVersions);
  await Promise.all(
    groupVersions.map(async (groupVersion) => {
      for (const resource of (await client.served(groupVersion)) ?? [])
        entries.add(`${groupVersion}/${resource.kind}`);
    }),
  );
  return {
    gitVersion: version.gitVersion ?? '',
    major: version.major ?? '',
    minor: version.minor ?? '',
    apiVersions: [...entries].sort(),
  };
}

/** One template `lookup apiVersion kind namespace name` call. */
export interface LookupQuery {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Helm's `lookup` against the cluster: the object, or the list (each item with its apiVersion and
 * kind) when name is ""; namespace "" or a cluster-scoped kind reads across the cluster. An object
 * that does not exist is undefined (templates test `if not (lookup …)`); a group/version the server
 * does not serve fails as Helm fails; any other error is thrown as the KubeError it is.
 */
export function clusterLookup(
  input: ClusterReadInput,
): (query: LookupQuery) => Promise<KubeObject | undefined> {
  const client = clientFor(input);
  return async ({ apiVersion, kind, namespace, name }) => {
    const served = await client.served(apiVersion);
    if (served === undefined) throw new Error(unservedMessage(apiVersion, kind));
    const found = served.find((r) => r.kind === kind);
    if (!found) return undefined;
    const scoped = found.namespaced && namespace !== '' ? namespace : undefined;
    const ref = { apiVersion, kind, name, ...(scoped ? { namespace: scoped } : {}) };
    try {
      if (name !== '') return await client.get(ref);
      const list = (await client.read(client.collectionPath(apiVersion, found, scoped), ref)) as {
        items?: KubeObject[];
      } & Record<string, unknown>;
      return {
        ...list,
        // As client-go's unstructured lists do, items the server sent bare get the list's apiVersion and kind.
        items: (list.items ?? []).map((item) => ({
          ...item,
          apiVersion: item.apiVersion || apiVersion,
          kind: item.kind || kind,
        })),
      } as unknown as KubeObject;
    } catch (error) {
      if (error instanceof KubeNotFoundError) return undefined;
      throw error;
    }
  };
}

/** Helm's words for a lookup of a group/version the server does not serve. */
function unservedMessage(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return `unable to get apiresource from unstructured: ${group}/${version}, Kind=${kind}: the server could not find the requested resource`;
}
