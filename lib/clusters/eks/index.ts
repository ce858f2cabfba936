/** EKS: cluster endpoints from DescribeCluster, EKS tokens presigned in-process, assumed roles. Loaded lazily. */
export {
  DESCRIBE_CACHE_MS,
  type EksClientFactory,
  EksClusters,
  type EksClustersOptions,
  sdkClientFactory,
} from './endpoints.ts';
export { AssumedRoles, ROLE_REFRESH_BEFORE_MS, ROLE_SESSION_NAME } from './roles.ts';
export { Sha256 } from './sha256.ts';
export {
  CLUSTER_ID_HEADER,
  EKS_TOKEN_PREFIX,
  EksTokenSource,
  presignEksToken,
  stsUrlFor,
  TOKEN_LIFETIME_MS,
  TOKEN_REFRESH_MS,
} from './token.ts';
