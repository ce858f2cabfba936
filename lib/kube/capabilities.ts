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
 * Accept for /api and /apis: aggregated discovery first (every group, version and resource in one
 * document, kube-apiserver 1.26+), then the legacy documents, in client-go's order of preference.
 */
const DISCOVERY_ACCEPT = [
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  'application/json',
].join(',');

/** An aggregated discovery document (apidiscovery.k8s.io v2 or v2beta1, the same shape). */
interface GroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  items?: Array<{
    metadata?: { name?: string };
    versions?: Array<{
      version: string;
      freshness?: string;
      resources?: Array<{ resource: string; responseKind?: { kind?: string } | null; scope?: string }>;
    }>;
  }>;
}

type RootDocument = GroupDiscoveryList | { kind?: string; versions?: string[]; groups?: LegacyGroup[] };
interface LegacyGroup {
  versions?: Array<{ groupVersion: string }>;
}

const isAggregated = (document: RootDocument): document is GroupDiscoveryList =>
  document.kind === 'APIGroupDiscoveryList';

/**
 * Reads the cluster's version (/version) and its API versions (/api and /apis). A server with
 * aggregated discovery answers both in one document each, which also fills the connection's discovery
 * cache for every group-version (so applying and `lookup` ask nothing more); an older server gives the
 * legacy lists, and each group-version's resources are read through the cache. Retryable failures are
 * retried within the deadline; anything else throws the classified KubeError.
 */
export async function readClusterCapabilities(input: ClusterReadInput): Promise<ClusterCapabilities> {
  const client = clientFor(input);
  const ref = { apiVersion: 'v1', kind: 'APIVersions', name: '' };
  const root = (path: string) => client.read(path, ref, DISCOVERY_ACCEPT) as Promise<RootDocument>;
  const [version, core, groups] = await Promise.all([
    client.read('/version', ref) as Promise<VersionInfo>,
    root('/api'),
    root('/apis'),
  ]);
  const entries = new Set<string>();
  const unlisted: string[] = [];
  for (const document of [core, groups]) {
    if (!isAggregated(document)) {
      for (const groupVersion of legacyGroupVersions(document)) {
        entries.add(groupVersion);
        unlisted.push(groupVersion);
      }
      continue;
    }
    for (const group of document.items ?? []) {
      const name = group.metadata?.name ?? '';
      for (const served of group.versions ?? []) {
        const groupVersion = name === '' ? served.version : `${name}/${served.version}`;
        entries.add(groupVersion);
        // A stale version (its aggregated API server did not answer) is asked for on its own.
        if (served.freshness === 'Stale') {
          unlisted.push(groupVersion);
          continue;
        }
        const resources = (served.resources ?? []).flatMap((r) =>
          r.responseKind?.kind
            ? [{ name: r.resource, kind: r.responseKind.kind, namespaced: r.scope === 'Namespaced' }]
            : [],
        );
        client.remember(groupVersion, resources);
        for (const resource of resources) entries.add(`${groupVersion}/${resource.kind}`);
      }
    }
  }
  await Promise.all(
    unlisted.map(async (groupVersion) => {
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

/** The group-versions a legacy /api (APIVersions) or /apis (APIGroupList) document lists. */
function legacyGroupVersions(document: Exclude<RootDocument, GroupDiscoveryList>): string[] {
  return [
    ...(document.versions ?? []),
    ...(document.groups ?? []).flatMap((g) => (g.versions ?? []).map((v) => v.groupVersion)),
  ];
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
