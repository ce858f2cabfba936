/**
 * The storage driver port: a tiny key-value table with conditional,
 * all-or-nothing writes and ordered queries, shaped after DynamoDB's single
 * table model. Every rule about releases lives above it, in ReleaseStore, so a
 * driver only has to be a faithful table. The memory driver is a real driver.
 */

export type Scalar = string | number | boolean;
export type AttributeValue =
  | Scalar
  | Uint8Array
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/** An item: its primary key (`pk`, `sk`) plus top-level attributes. */
export interface Item {
  readonly pk: string;
  readonly sk: string;
  readonly [attribute: string]: AttributeValue | undefined;
}

export interface Key {
  readonly pk: string;
  readonly sk: string;
}

/**
 * A condition on the current state of one item, checked atomically with the
 * write it guards. Attribute names are top-level names.
 */
export type Condition =
  | { readonly op: 'itemExists' }
  | { readonly op: 'itemAbsent' }
  | { readonly op: 'attrAbsent'; readonly name: string }
  | { readonly op: 'eq'; readonly name: string; readonly value: Scalar }
  | { readonly op: 'lt'; readonly name: string; readonly value: number | string }
  | { readonly op: 'in'; readonly name: string; readonly values: readonly Scalar[] }
  | { readonly op: 'and'; readonly of: readonly Condition[] }
  | { readonly op: 'or'; readonly of: readonly Condition[] };

export type WriteOp =
  | { readonly type: 'put'; readonly item: Item; readonly condition?: Condition }
  | {
      readonly type: 'update';
      readonly key: Key;
      /** Attributes to set; the item is created when it does not exist (as DynamoDB's UpdateItem does). */
      readonly set?: Readonly<Record<string, AttributeValue>>;
      readonly remove?: readonly string[];
      /** Atomic numeric increments. */
      readonly add?: Readonly<Record<string, number>>;
      readonly condition?: Condition;
    }
  | { readonly type: 'delete'; readonly key: Key; readonly condition?: Condition }
  | { readonly type: 'check'; readonly key: Key; readonly condition: Condition };

/** The secondary indexes of the table; both are sparse (an item without the attributes is not in it). */
export const INDEXES = {
  /** Releases of a cluster, by namespace then name. */
  byNamespace: { pk: 'gsi1pk', sk: 'gsi1sk' },
  /** Releases needing attention: latest revision failed, or pending until a lease expiry. */
  attention: { pk: 'gsi2pk', sk: 'gsi2sk' },
} as const;
export type IndexName = keyof typeof INDEXES;

export interface SortKeyCondition {
  readonly beginsWith?: string;
  /** Inclusive bounds. */
  readonly between?: readonly [string, string];
}

export interface QueryInput {
  readonly index?: IndexName;
  readonly pk: string;
  readonly sk?: SortKeyCondition;
  /** Descending sort-key order (DynamoDB's ScanIndexForward = false). */
  readonly descending?: boolean;
  readonly limit?: number;
  /** Opaque position returned by the previous page. */
  readonly cursor?: string;
  /** Strongly consistent read; not available on indexes. */
  readonly consistent?: boolean;
}

export interface QueryPage {
  readonly items: Item[];
  /** Present when more items may follow. */
  readonly cursor?: string;
}

/** The request counts and capacity a driver used, for benchmarks and cost estimates. */
export interface DriverUsage {
  requests: number;
  readCapacity: number;
  writeCapacity: number;
}

export interface StoreDriver {
  /** @returns the item, or undefined when absent. */
  get(key: Key, options?: { consistent?: boolean }): Promise<Item | undefined>;
  /** One request: at most `limit` items (and at most one 1 MB page on DynamoDB). */
  query(input: QueryInput): Promise<QueryPage>;
  /**
   * Applies every op or none. At most 100 ops and 4 MB, as DynamoDB allows.
   * @throws TransactionConflictError when a condition fails, naming the op and the item as it was.
   */
  transact(ops: readonly WriteOp[]): Promise<void>;
  /** Releases connections, files and timers. */
  close?(): Promise<void>;
}

/** A limit DynamoDB sets: items in one transaction. */
export const MAX_TRANSACTION_OPS = 100;
/** A limit DynamoDB sets: bytes in one transaction. */
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
/** A limit DynamoDB sets: bytes in one item (names and values). */
export const MAX_ITEM_BYTES = 400 * 1024;
