import type { Clock } from '../domain/index.ts';
import type { StoreDriver } from './driver.ts';

/** What every store rule needs: the table, the time, and the limits. */
export interface StoreContext {
  readonly driver: StoreDriver;
  readonly clock: Clock;
  readonly chunkBytes: number;
  readonly historyMax: number;
  /** How long a request id is remembered for deduplication. */
  readonly requestTtlSeconds: number;
  /** Compressed bytes one revision may carry, within DynamoDB's 4 MB transaction. */
  readonly maxBodyBytes: number;
  /** Conflicting concurrent writers are retried this many times before giving up. */
  readonly maxConflictRetries: number;
}
