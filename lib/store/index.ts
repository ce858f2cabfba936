export {
  type ActiveBake,
  type AutomationPause,
  AutomationRecords,
  type BakeRecord,
  type BakeState,
  type StartBakeInput,
  type StartBakeResult,
  summarizeBake,
  supersededReason,
} from './automation.ts';
export type {
  Condition,
  DriverUsage,
  Item,
  Key,
  QueryInput,
  QueryPage,
  StoreDriver,
  WriteOp,
} from './driver.ts';
export { DynamoDbDriver } from './dynamodb.ts';
export { type DynamoDbLocal, LOCAL_CLIENT_CONFIG, startDynamoDbLocal } from './dynamodb-local.ts';
export { ensureReleaseTable, releaseTableDefinition, TTL_ATTRIBUTE } from './dynamodb-table.ts';
export {
  LeaseLostError,
  OperationInProgressError,
  ReleaseExistsInStoreError,
  RevisionTooLargeError,
  StoreConfigError,
  StoreCorruptionError,
  StoreError,
  StoreUnavailableError,
  TransactionConflictError,
} from './errors.ts';
export { FileDriver } from './file.ts';
export type { ImportInput, ImportResult } from './import.ts';
export { CLUSTER_PREFIX, CLUSTERS_PK, clusterKey } from './keys.ts';
export { MemoryDriver } from './memory.ts';
export { openDriver, STORE_URL_FORMS } from './open.ts';
export {
  DEFAULT_HISTORY_MAX,
  type ProgressLine,
  ReleaseStore,
  type ReleaseStoreOptions,
} from './release-store.ts';
export { RequestIdReusedError } from './request-record.ts';
export type {
  AttentionEntry,
  BeginInput,
  BeginResult,
  FinishInput,
  HistoryPage,
  Lease,
  ListPage,
  ReleaseSummary,
} from './types.ts';
