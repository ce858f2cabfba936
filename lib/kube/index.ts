export {
  type ApplyOutcome,
  type ApplyRevisionInput,
  applyRevision,
  type StartedApply,
  startApply,
} from './apply.ts';
export {
  type ClusterCapabilities,
  type ClusterReadInput,
  clusterLookup,
  type LookupQuery,
  readClusterCapabilities,
} from './capabilities.ts';
export type { ServerTable } from './client.ts';
export { clientFor, type KubeClient } from './client.ts';
export {
  type ApiResource,
  type ConnectionProvider,
  connectionFromEndpoint,
  type KubeConnection,
  type KubeRequest,
  type KubeResponse,
  kubeconfigConnectionProvider,
} from './connection.ts';
export {
  type DiffAction,
  type DiffResult,
  type DiffRevisionInput,
  diffRevision,
  type ObjectDiff,
} from './diff-revision.ts';
export {
  type FieldConflict,
  isRetryable,
  KubeApiError,
  KubeConflictError,
  KubeConnectionError,
  KubeDeadlineError,
  KubeError,
  KubeForbiddenError,
  KubeImmutableFieldError,
  KubeInvalidError,
  KubeMissingNamespaceError,
  KubeNamespaceNotAllowedError,
  KubeNotFoundError,
  KubeOwnershipError,
  KubeTlsError,
  KubeTransportError,
  KubeUnauthorizedError,
  KubeUnavailableError,
  KubeUnknownKindError,
  KubeWaitFailedError,
  KubeWaitTimeoutError,
  type Laggard,
  type StatusCause,
} from './errors.ts';
export { evaluateHealth, type Health, type HealthState } from './health.ts';
export {
  type ClusterEndpoint,
  type CredentialSource,
  type Credentials,
  type EndpointTls,
  type Kubeconfig,
  loadKubeconfig,
  parseKubeconfig,
  resolveContext,
} from './kubeconfig.ts';
export { sortForInstall, sortForUninstall } from './order.ts';
export {
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  RELEASE_NAME_ANNOTATION,
  RELEASE_NAMESPACE_ANNOTATION,
  RESOURCE_POLICY_ANNOTATION,
} from './ownership.ts';
export { type DeleteObjectsInput, deleteObjects } from './prune.ts';
export { identityOf, refOf } from './refs.ts';
export { RELATED_PODS, type ResourceGroup, readResourceTables } from './resource-tables.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';
export {
  type Clock,
  type KubeObject,
  type ObjectAction,
  type ObjectRef,
  type ObjectResult,
  type ProgressEvent,
  type ProgressListener,
  type ReleaseRef,
  systemClock,
} from './types.ts';
export {
  DEFAULT_POLL,
  type ObjectHealth,
  type PollPolicy,
  type WaitInput,
  type WaitOutcome,
  waitForHealthy,
} from './wait.ts';
export { loadYamlDocuments, readYaml } from './yaml.ts';
