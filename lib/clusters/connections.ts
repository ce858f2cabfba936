import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Clock, systemClock } from '../domain/index.ts';
import {
  type ClusterEndpoint,
  type ConnectionProvider,
  connectionFromEndpoint,
  type KubeConnection,
  KubeConnectionError,
  kubeconfigConnectionProvider,
  loadKubeconfig,
  parseKubeconfig,
  resolveContext,
} from '../kube/index.ts';
import { StoreError } from '../store/index.ts';
import type { ClusterEntry, ContextEntry, EksEntry, KubeconfigSecretEntry } from './entry.ts';
import { ClusterConfigError, UnknownClusterError } from './errors.ts';
import { CLUSTER_MESSAGES } from './messages.ts';
import type { ClusterRegistry } from './registry.ts';
import type { SecretKubeconfigReader } from './secret-kubeconfig.ts';

/** How long a registry entry is trusted in a warm process: a changed or removed entry is seen this soon. */
export const ENTRY_CACHE_MS = 30_000;
/** A connection replaced by a new one (its entry or endpoint changed) is closed this long after, when work on it has ended. */
const RETIRE_AFTER_MS = 16 * 60_000;

/** An endpoint and what it was made from: a new version means a new connection. */
export interface ResolvedEndpoint {
  readonly endpoint: ClusterEndpoint;
  readonly version: string;
}

/** Reaches EKS clusters: endpoint (DescribeCluster or pinned) and an EKS token source per entry. */
export interface EksEndpoints {
  /** @throws ClusterConfigError when DescribeCluster or AssumeRole fails. */
  resolve(entry: EksEntry): Promise<ResolvedEndpoint>;
}

/** Clusters outside the registry: the worker's own kubeconfig (QUAYSIDE_KUBECONFIG_SECRET, QUAYSIDE_KUBECONFIG). */
export interface FallbackClusters {
  names(): Promise<string[]>;
  connect(cluster: string): Promise<KubeConnection>;
}

export interface RegistryConnectionsOptions {
  readonly registry: ClusterRegistry;
  readonly clock?: Clock;
  readonly entryCacheMs?: number;
  /** For `eks` entries; loaded lazily by the caller so that a process without them never loads the AWS clients. */
  readonly eks?: () => Promise<EksEndpoints>;
  /** For `kubeconfig` entries. */
  readonly secrets?: SecretKubeconfigReader;
  /**
   * `context` entries may be used: a process with kubeconfig files of its own (the CLI, the local
   * stack). `kubeconfigFile` is read for entries that name no file ($KUBECONFIG's otherwise).
   */
  readonly contexts?: { readonly kubeconfigFile?: string };
  /** Run exec credential plugins of kubeconfigs (never in Lambda). */
  readonly allowExec?: boolean;
  /** Names the registry lacks are looked up here before they are refused. */
  readonly fallback?: FallbackClusters;
}

/** What a cluster name stands for: a registry entry, or a context the fallback serves. */
type Found = { readonly entry: ClusterEntry } | { readonly fallback: true };

/**
 * Connections to the registered clusters: the entry of a cluster name is read from the registry
 * (cached `entryCacheMs`), its endpoint resolved by kind, and one connection kept per cluster for
 * the life of the process (with its discovery cache), replaced when the entry or endpoint changes.
 * A name the registry lacks goes to `fallback`, else is refused with UnknownClusterError listing
 * the clusters there are. One cluster's failures never touch another's connection.
 */
export function registryConnections(options: RegistryConnectionsOptions): ConnectionProvider {
  const clock = options.clock ?? systemClock;
  const entryCacheMs = options.entryCacheMs ?? ENTRY_CACHE_MS;
  // What a name stands for, cached: a registry entry, or (for names the fallback serves, the local
  // stack's own context) the fallback, so that neither the table nor the kubeconfig file is read
  // again on every request. A name that is neither is never cached: registering it works at once.
  const entries = new Map<string, { found: Found; readAt: number }>();
  const connections = new Map<string, { version: string; connection: KubeConnection }>();
  let eks: Promise<EksEndpoints> | undefined;

  async function lookUp(name: string): Promise<Found | undefined> {
    const cached = entries.get(name);
    if (cached !== undefined && clock.now() - cached.readAt < entryCacheMs) return cached.found;
    let entry: ClusterEntry | undefined;
    try {
      entry = await options.registry.get(name);
    } catch (error) {
      // The table is briefly away: the request waits, as for any store fault.
      if (error instanceof StoreError) throw error;
      throw new ClusterConfigError(CLUSTER_MESSAGES.registryUnreadable((error as Error).message), {
        cause: error,
        retryable: true,
        serviceFault: true,
      });
    }
    const found: Found | undefined =
      entry !== undefined ? { entry } : (await servedByFallback(name)) ? { fallback: true } : undefined;
    if (found === undefined) entries.delete(name);
    else entries.set(name, { found, readAt: clock.now() });
    return found;
  }

  async function resolve(entry: ClusterEntry): Promise<ResolvedEndpoint> {
    switch (entry.kind) {
      case 'eks':
        if (options.eks === undefined)
          throw new ClusterConfigError(`cluster "${entry.name}": EKS is not available here`);
        eks ??= options.eks();
        return (await eks).resolve(entry);
      case 'kubeconfig':
        return resolveSecret(entry);
      case 'context':
        return resolveFileContext(entry);
    }
  }

  async function resolveSecret(entry: KubeconfigSecretEntry): Promise<ResolvedEndpoint> {
    if (options.secrets === undefined) {
      throw new ClusterConfigError(
        CLUSTER_MESSAGES.secretUnreadable(entry.secretId, 'no Secrets Manager client'),
      );
    }
    const { config, version } = await options.secrets.read(entry.secretId);
    // Exec plugins are refused: nothing may be run in Lambda, and a secret is read there.
    const endpoint = resolveContext(config, entry.context ?? '', { allowExec: false });
    return { endpoint, version };
  }

  function resolveFileContext(entry: ContextEntry): ResolvedEndpoint {
    if (options.contexts === undefined) {
      throw new ClusterConfigError(CLUSTER_MESSAGES.contextInLambda(entry.name), { serviceFault: true });
    }
    const file = entry.kubeconfig ?? options.contexts.kubeconfigFile;
    // A file read whole, so that a changed token in it makes a new connection; $KUBECONFIG's files merged.
    const text = file === undefined ? undefined : readKubeconfigText(file);
    const config =
      text === undefined ? loadKubeconfig() : parseKubeconfig(text, dirname(file as string), file);
    const endpoint = resolveContext(config, entry.context, { allowExec: options.allowExec ?? false });
    const version = createHash('sha256')
      .update(text ?? JSON.stringify([endpoint.server, endpoint.tls]))
      .digest('hex');
    return { endpoint, version };
  }

  async function servedByFallback(name: string): Promise<boolean> {
    return options.fallback !== undefined && (await options.fallback.names()).includes(name);
  }

  async function unknown(name: string): Promise<never> {
    const registered = (await options.registry.list()).map((entry) => entry.name);
    const contexts = (await options.fallback?.names().catch(() => [])) ?? [];
    throw new UnknownClusterError(name, registered, contexts);
  }

  async function open(name: string): Promise<KubeConnection> {
    const found = await lookUp(name);
    if (found === undefined) return unknown(name);
    if ('fallback' in found) return (options.fallback as FallbackClusters).connect(name);
    const { entry } = found;
    const resolved = await resolve(entry);
    const version = `${entry.addedAt}|${resolved.version}`;
    const cached = connections.get(name);
    if (cached?.version === version) return cached.connection;
    if (cached !== undefined) retire(cached.connection);
    // Errors and logs name the registry's cluster, whatever the kubeconfig calls its context.
    const connection = connectionFromEndpoint({ ...resolved.endpoint, name });
    connections.set(name, { version, connection });
    return connection;
  }

  // Concurrent first requests for a cluster share one lookup and one connection.
  const opening = new Map<string, Promise<KubeConnection>>();
  return {
    connect(name: string): Promise<KubeConnection> {
      let pending = opening.get(name);
      if (pending === undefined) {
        pending = open(name).finally(() => opening.delete(name));
        opening.set(name, pending);
      }
      return pending;
    },
  };
}

function readKubeconfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new KubeConnectionError(
      CLUSTER_MESSAGES.kubeconfigUnreadable(file, (error as NodeJS.ErrnoException).code ?? String(error)),
    );
  }
}

function retire(connection: KubeConnection): void {
  setTimeout(() => connection.close(), RETIRE_AFTER_MS).unref();
}

/**
 * The contexts of a kubeconfig file as fallback clusters (the local stack's QUAYSIDE_KUBECONFIG).
 * Exec plugins are refused, as in Lambda.
 */
export function kubeconfigFileFallback(file: string): FallbackClusters {
  const provider = kubeconfigConnectionProvider({ file, allowExec: false });
  return {
    names: async () => [...loadKubeconfig({ file }).contexts.keys()],
    connect: (cluster) => provider.connect(cluster),
  };
}
