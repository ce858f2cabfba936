import { compareText } from '../domain/index.ts';
import { evaluateCondition } from './conditions.ts';
import {
  type AttributeValue,
  INDEXES,
  type IndexName,
  type Item,
  type Key,
  MAX_ITEM_BYTES,
  MAX_TRANSACTION_BYTES,
  MAX_TRANSACTION_OPS,
  type QueryInput,
  type QueryPage,
  type StoreDriver,
  type WriteOp,
} from './driver.ts';
import { StoreError, TransactionConflictError } from './errors.ts';
import { itemSize } from './item-size.ts';

const keyOf = (k: Key): string => `${k.pk}\u0000${k.sk}`;

/** One item written or deleted by a committed transaction. */
export type Change = { readonly put: Item } | { readonly delete: Key };

interface Position {
  readonly pk: string;
  readonly sk: string;
  readonly isk?: string;
}

/**
 * An in-memory table with DynamoDB's semantics: sorted partitions, sparse
 * indexes, conditional all-or-nothing transactions and size limits. Used on
 * its own for tests and ephemeral runs, and under the file driver.
 */
export class MemoryDriver implements StoreDriver {
  private readonly items = new Map<string, Item>();
  private readonly partitions = new Map<string, Set<string>>();
  private readonly indexes = new Map<IndexName, Map<string, Set<string>>>(
    Object.keys(INDEXES).map((name) => [name as IndexName, new Map()]),
  );
  readonly usage = { requests: 0, readCapacity: 0, writeCapacity: 0 };

  async get(key: Key, _options?: { consistent?: boolean }): Promise<Item | undefined> {
    this.usage.requests++;
    const item = this.items.get(keyOf(key));
    return item === undefined ? undefined : structuredClone(item);
  }

  async query(input: QueryInput): Promise<QueryPage> {
    this.usage.requests++;
    const index = input.index === undefined ? undefined : INDEXES[input.index];
    const members =
      index === undefined
        ? this.partitions.get(input.pk)
        : this.indexes.get(input.index as IndexName)?.get(input.pk);
    const sortKeyOf = (item: Item): string => (index === undefined ? item.sk : String(item[index.sk]));
    let rows = [...(members ?? [])].map((k) => this.items.get(k) as Item);
    const { beginsWith, between } = input.sk ?? {};
    if (beginsWith !== undefined) rows = rows.filter((item) => sortKeyOf(item).startsWith(beginsWith));
    if (between !== undefined)
      rows = rows.filter((item) => sortKeyOf(item) >= between[0] && sortKeyOf(item) <= between[1]);
    const order = (a: Item, b: Item): number =>
      compareText(sortKeyOf(a), sortKeyOf(b)) || compareText(a.pk, b.pk) || compareText(a.sk, b.sk);
    rows.sort((a, b) => (input.descending ? order(b, a) : order(a, b)));
    if (input.cursor !== undefined) {
      const after = decodeCursor(input.cursor);
      const at = rows.findIndex((item) => item.pk === after.pk && item.sk === after.sk);
      rows =
        at === -1
          ? rows.filter((item) => isAfter(item, after, input.descending ?? false, sortKeyOf))
          : rows.slice(at + 1);
    }
    const limit = input.limit ?? Number.POSITIVE_INFINITY;
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const more = rows.length > limit && last !== undefined;
    return {
      items: page.map((item) => structuredClone(item)),
      ...(more ? { cursor: encodeCursor({ pk: last.pk, sk: last.sk, isk: sortKeyOf(last) }) } : {}),
    };
  }

  async transact(ops: readonly WriteOp[]): Promise<void> {
    this.usage.requests++;
    this.commit(ops);
  }

  /**
   * Checks every condition, then applies every op; returns what changed so the
   * file driver can journal it.
   * @throws TransactionConflictError naming the first op whose condition failed.
   */
  commit(ops: readonly WriteOp[]): Change[] {
    checkTransactionShape(ops);
    ops.forEach((op, i) => {
      const existing = this.items.get(keyOf(op.type === 'put' ? op.item : op.key));
      if (op.condition !== undefined && !evaluateCondition(op.condition, existing)) {
        throw new TransactionConflictError({
          failedOp: i,
          ...(existing === undefined ? {} : { existing: structuredClone(existing) }),
        });
      }
    });
    const changes: Change[] = [];
    ops.forEach((op, i) => {
      if (op.type === 'check') return;
      const key = op.type === 'put' ? op.item : op.key;
      const result = applyOp(op, op.type === 'put' ? undefined : this.items.get(keyOf(op.key)));
      if (result !== undefined && itemSize(result) > MAX_ITEM_BYTES) {
        throw new StoreError(
          `op ${i}: item ${result.pk} ${result.sk} is larger than ${MAX_ITEM_BYTES} bytes`,
        );
      }
      changes.push(result === undefined ? { delete: { pk: key.pk, sk: key.sk } } : { put: result });
    });
    this.apply(changes);
    return changes;
  }

  /** Applies changes already decided (a journal replay). */
  apply(changes: readonly Change[]): void {
    for (const change of changes) {
      if ('put' in change) {
        this.remove(change.put);
        this.insert(change.put);
      } else {
        this.remove(change.delete);
      }
    }
  }

  /** Every item, for the file driver's snapshots. */
  dump(): Item[] {
    return [...this.items.values()].map((item) => structuredClone(item));
  }

  /** Replaces the whole content, for the file driver's reloads. */
  load(items: readonly Item[]): void {
    this.items.clear();
    this.partitions.clear();
    for (const index of this.indexes.values()) index.clear();
    for (const item of items) this.insert(item);
  }

  private insert(item: Item): void {
    const k = keyOf(item);
    this.items.set(k, item);
    addTo(this.partitions, item.pk, k);
    for (const [name, index] of Object.entries(INDEXES)) {
      const ipk = item[index.pk];
      if (typeof ipk === 'string' && typeof item[index.sk] === 'string') {
        addTo(this.indexes.get(name as IndexName) as Map<string, Set<string>>, ipk, k);
      }
    }
  }

  private remove(key: Key): void {
    const k = keyOf(key);
    const item = this.items.get(k);
    if (item === undefined) return;
    this.items.delete(k);
    removeFrom(this.partitions, item.pk, k);
    for (const [name, index] of Object.entries(INDEXES)) {
      const ipk = item[index.pk];
      if (typeof ipk === 'string')
        removeFrom(this.indexes.get(name as IndexName) as Map<string, Set<string>>, ipk, k);
    }
  }
}

/** Refuses what DynamoDB refuses: too many ops, too many bytes, one item touched twice. */
export function checkTransactionShape(ops: readonly WriteOp[]): void {
  if (ops.length === 0) throw new StoreError('a transaction needs at least one op');
  if (ops.length > MAX_TRANSACTION_OPS) {
    throw new StoreError(`a transaction holds at most ${MAX_TRANSACTION_OPS} ops; got ${ops.length}`);
  }
  const seen = new Set<string>();
  let bytes = 0;
  for (const op of ops) {
    const key = op.type === 'put' ? op.item : op.key;
    const k = keyOf(key);
    if (seen.has(k)) throw new StoreError(`a transaction touches item ${key.pk} ${key.sk} twice`);
    seen.add(k);
    if (op.type === 'put') bytes += itemSize(op.item);
    if (op.type === 'update' && op.set !== undefined)
      bytes += itemSize({ ...op.set, pk: key.pk, sk: key.sk });
  }
  if (bytes > MAX_TRANSACTION_BYTES) {
    throw new StoreError(`a transaction carries at most ${MAX_TRANSACTION_BYTES} bytes; got ${bytes}`);
  }
}

function applyOp(op: WriteOp, existing: Item | undefined): Item | undefined {
  switch (op.type) {
    case 'put':
      return withoutUndefined(structuredClone(op.item));
    case 'delete':
      return undefined;
    case 'check':
      return existing;
    case 'update': {
      const next: Record<string, AttributeValue | undefined> = {
        ...(existing === undefined ? { pk: op.key.pk, sk: op.key.sk } : structuredClone(existing)),
        ...structuredClone(op.set ?? {}),
      };
      for (const name of op.remove ?? []) delete next[name];
      for (const [name, delta] of Object.entries(op.add ?? {})) {
        const current = next[name];
        next[name] = (typeof current === 'number' ? current : 0) + delta;
      }
      return withoutUndefined(next as Item);
    }
  }
}

function withoutUndefined(item: Item): Item {
  const copy: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(item)) if (value !== undefined) copy[name] = value;
  return copy as unknown as Item;
}

function isAfter(
  item: Item,
  after: Position,
  descending: boolean,
  sortKeyOf: (item: Item) => string,
): boolean {
  const c =
    compareText(sortKeyOf(item), after.isk ?? after.sk) ||
    compareText(item.pk, after.pk) ||
    compareText(item.sk, after.sk);
  return descending ? c < 0 : c > 0;
}

function addTo(map: Map<string, Set<string>>, bucket: string, k: string): void {
  let set = map.get(bucket);
  if (set === undefined) {
    set = new Set();
    map.set(bucket, set);
  }
  set.add(k);
}

function removeFrom(map: Map<string, Set<string>>, bucket: string, k: string): void {
  const set = map.get(bucket);
  set?.delete(k);
  if (set?.size === 0) map.delete(bucket);
}

function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Position;
    if (typeof parsed.pk !== 'string' || typeof parsed.sk !== 'string') throw new Error('missing key');
    return parsed;
  } catch (cause) {
    throw new StoreError('the paging cursor is not one this store issued', { cause });
  }
}
