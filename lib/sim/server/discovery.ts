/**
 * Discovery documents and /version: the legacy ones (/api, /apis, /apis/G/V), and aggregated
 * discovery (apidiscovery.k8s.io v2, and v2beta1 for older clients): /api and /apis answer with every
 * group, version and resource in one document when the Accept header asks for it, as kube-apiserver
 * does since 1.26 (on by default since 1.27, GA in 1.30). A client that does not ask, or a simulator
 * started with `legacyDiscovery` (a server before 1.26), gets the legacy documents with a plain
 * application/json content type, which is how kubectl and client-go recognise such a server.
 */
import type { JsonObject } from '../json.ts';
import { RESOURCE_VERBS, type ResourceType } from '../resources.ts';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  // A plain version, as kind or minikube report: charts' kubeVersion constraints check it whole, and a
  // vendor suffix (-eks-…) is a pre-release that `>=1.21.0` refuses.
  gitVersion: 'v1.32.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** A subresource a resource serves, and the kind it answers with (`own` when it is the resource's). */
interface Subresource {
  name: string;
  kind: { group: string; version: string; kind: string };
  own: boolean;
}

/** The subresources a resource serves, as both kinds of discovery document list them. */
function subresourcesOf(resource: ResourceType): Subresource[] {
  const own = { group: resource.group, version: resource.version, kind: resource.kind };
  const scale = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  return [
    ...(resource.hasStatus ? [{ name: 'status', kind: own, own: true }] : []),
    ...(resource.hasScale ? [{ name: 'scale', kind: scale, own: false }] : []),
  ];
}

const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

function resourceEntries(resource: ResourceType): JsonObject[] {
  const main: JsonObject = {
    name: resource.plural,
    singularName: resource.singular,
    namespaced: resource.namespaced,
    kind: resource.kind,
    verbs: [...RESOURCE_VERBS],
  };
  if (resource.shortNames) main.shortNames = resource.shortNames;
  if (resource.categories) main.categories = resource.categories;
  // A legacy entry names a subresource's group and version only when they are not the resource's own.
  const subresources = subresourcesOf(resource).map(({ name, kind, own }) => ({
    name: `${resource.plural}/${name}`,
    singularName: '',
    namespaced: resource.namespaced,
    ...(own ? {} : { group: kind.group, version: kind.version }),
    kind: kind.kind,
    verbs: [...SUBRESOURCE_VERBS],
  }));
  return [main, ...subresources];
}

export function apiResourceList(groupVersion: string, resources: ResourceType[]): JsonObject {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.flatMap(resourceEntries),
  };
}

export function coreVersions(serverAddress: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupsOf(resources: ResourceType[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const resource of resources) {
    if (!resource.group) continue;
    const versions = groups.get(resource.group) ?? [];
    if (!versions.includes(resource.version)) versions.push(resource.version);
    groups.set(resource.group, versions);
  }
  return groups;
}

function groupDocument(name: string, versions: string[]): JsonObject {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: entries, preferredVersion: entries[0] ?? null };
}

export function apiGroupList(resources: ResourceType[]): JsonObject {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groupsOf(resources)].map(([name, versions]) => groupDocument(name, versions)),
  };
}

export function apiGroup(resources: ResourceType[], group: string): JsonObject | undefined {
  const versions = groupsOf(resources).get(group);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group, versions) } : undefined;
}

/** The aggregated discovery versions served, as `v` in the media type. */
export type AggregatedVersion = 'v2' | 'v2beta1';

/** The content type of an aggregated discovery document (JSON; protobuf is not served here). */
export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/**
 * The aggregated version an Accept header asks for before any media type this simulator would answer
 * with a legacy document (`application/json`, `*\/*`), or undefined. Media types it cannot serve
 * (protobuf, other groups) are passed over, as the API server's content negotiation does.
 */
export function aggregatedVersionAccepted(accept: string | undefined): AggregatedVersion | undefined {
  for (const range of (accept ?? '').split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim());
    const param = new Map(
      params.map((p) => {
        const at = p.indexOf('=');
        return [p.slice(0, at).trim(), p.slice(at + 1).trim()] as const;
      }),
    );
    const plain = param.get('g') === undefined && param.get('as') === undefined;
    if ((type === 'application/json' || type === '*/*' || type === 'application/*') && plain)
      return undefined;
    if (type !== 'application/json') continue;
    const version = param.get('v');
    if (
      param.get('g') === 'apidiscovery.k8s.io' &&
      param.get('as') === 'APIGroupDiscoveryList' &&
      (version === 'v2' || version === 'v2beta1')
    )
      return version;
  }
  return undefined;
}

function resourceDiscovery(resource: ResourceType): JsonObject {
  const entry: JsonObject = {
    resource: resource.plural,
    responseKind: { group: resource.group, version: resource.version, kind: resource.kind },
    scope: resource.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: resource.singular,
    verbs: [...RESOURCE_VERBS],
  };
  if (resource.shortNames) entry.shortNames = resource.shortNames;
  if (resource.categories) entry.categories = resource.categories;
  const subresources = subresourcesOf(resource).map(({ name, kind }) => ({
    subresource: name,
    responseKind: { ...kind },
    verbs: [...SUBRESOURCE_VERBS],
  }));
  if (subresources.length > 0) entry.subresources = subresources;
  return entry;
}

function groupDiscovery(resources: ResourceType[], group: string, versions: string[]): JsonObject {
  return {
    metadata: { name: group },
    versions: versions.map((version) => ({
      version,
      resources: resources.filter((r) => r.group === group && r.version === version).map(resourceDiscovery),
      freshness: 'Current',
    })),
  };
}

/** /api (the core group, named "") or /apis (every named group) as one aggregated document. */
export function aggregatedDiscovery(
  resources: ResourceType[],
  root: 'api' | 'apis',
  version: AggregatedVersion,
): JsonObject {
  const items =
    root === 'api'
      ? [groupDiscovery(resources, '', ['v1'])]
      : [...groupsOf(resources)].map(([group, versions]) => groupDiscovery(resources, group, versions));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
