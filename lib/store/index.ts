export { RequestIdReusedError } from './begin.ts';
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
export {
  LeaseLostError,
  OperationInProgressError,
  RevisionTooLargeError,
  StoreConfigError,
  StoreCorruptionError,
  StoreError,
  StoreUnavailableError,
  TransactionConflictError,
} from './errors.ts';
export { MemoryDriver } from './memory.ts';
export { DEFAULT_HISTORY_MAX, ReleaseStore, type ReleaseStoreOptions } from './release-store.ts';
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
