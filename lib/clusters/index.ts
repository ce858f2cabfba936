/** How the worker reaches clusters. See DESIGN.md's parts table. */
export { ClusterConfigError, ClusterError } from './errors.ts';
export { CLUSTER_MESSAGES } from './messages.ts';
export { SECRET_CACHE_MS, secretKubeconfigConnections } from './secret-kubeconfig.ts';
