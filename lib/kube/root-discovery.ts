/**
 * The discovery roots, /api and /apis. They are asked for aggregated discovery first (every group,
 * version and resource in one document, kube-apiserver 1.26+), then the legacy documents, in
 * client-go's order of preference. An aggregated answer says what every group-version serves; a
 * legacy one only which group-versions there are.
 */
import type { ApiResource } from './connection.ts';

export const DISCOVERY_ACCEPT = [
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

interface LegacyRoot {
  kind?: string;
  versions?: string[];
  groups?: Array<{ versions?: Array<{ groupVersion: string }> }>;
}

/** What /api or /apis answered. */
export type RootDocument = GroupDiscoveryList | LegacyRoot;

/** What the roots say: every served group-version, and the resources of those an aggregated answer lists. */
export interface RootDiscovery {
  groupVersions: string[];
  /** Group-version → resources; a stale aggregated version (its API server did not answer) is left out. */
  served: Map<string, ApiResource[]>;
}

export function learnRoots(documents: readonly RootDocument[]): RootDiscovery {
  const groupVersions: string[] = [];
  const served = new Map<string, ApiResource[]>();
  for (const document of documents) {
    if (document.kind !== 'APIGroupDiscoveryList') {
      const legacy = document as LegacyRoot;
      groupVersions.push(
        ...(legacy.versions ?? []),
        ...(legacy.groups ?? []).flatMap((g) => (g.versions ?? []).map((v) => v.groupVersion)),
      );
      continue;
    }
    for (const group of (document as GroupDiscoveryList).items ?? []) {
      const name = group.metadata?.name ?? '';
      for (const version of group.versions ?? []) {
        const groupVersion = name === '' ? version.version : `${name}/${version.version}`;
        groupVersions.push(groupVersion);
        if (version.freshness === 'Stale') continue;
        served.set(
          groupVersion,
          (version.resources ?? []).flatMap((r) =>
            r.responseKind?.kind
              ? [{ name: r.resource, kind: r.responseKind.kind, namespaced: r.scope === 'Namespaced' }]
              : [],
          ),
        );
      }
    }
  }
  return { groupVersions, served };
}
