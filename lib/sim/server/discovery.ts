/**
 * Legacy discovery documents (/api, /apis, /apis/G/V) and /version. Requests for aggregated
 * discovery get the legacy documents with a plain application/json content type, which is how
 * kubectl and client-go recognise a server without aggregated discovery and fall back.
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
  const entries = [main];
  if (resource.hasStatus) {
    entries.push({
      name: `${resource.plural}/status`,
      singularName: '',
      namespaced: resource.namespaced,
      kind: resource.kind,
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (resource.hasScale) {
    entries.push({
      name: `${resource.plural}/scale`,
      singularName: '',
      namespaced: resource.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  }
  return entries;
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
