/** How the worker reaches clusters: the cluster registry and its connections. See DESIGN.md's parts table. */
export {
  type EksEndpoints,
  ENTRY_CACHE_MS,
  type FallbackClusters,
  kubeconfigFileFallback,
  type RegistryConnectionsOptions,
  type ResolvedEndpoint,
  registryConnections,
} from './connections.ts';
export type { EksClientFactory } from './eks/index.ts';
export { Sha256 } from './eks/sha256.ts';
export {
  CLUSTER_KINDS,
  type ClusterEntry,
  type ClusterEntryInput,
  type ClusterKind,
  type ContextEntry,
  describeTarget,
  type EksEntry,
  type KubeconfigSecretEntry,
  validateClusterEntry,
} from './entry.ts';
export {
  ClusterConfigError,
  ClusterError,
  ClusterExistsError,
  UnknownClusterError,
} from './errors.ts';
export { lazyEksEndpoints } from './lazy-eks.ts';
export { CLUSTER_MESSAGES, EKS_MESSAGES, ENTRY_MESSAGES } from './messages.ts';
export { type ClusterRegistry, StoreClusterRegistry } from './registry.ts';
export {
  SECRET_CACHE_MS,
  type SecretKubeconfig,
  SecretKubeconfigReader,
  secretKubeconfigConnections,
} from './secret-kubeconfig.ts';
