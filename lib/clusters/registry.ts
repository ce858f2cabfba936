import * as z from 'zod';
import { type Clock, systemClock } from '../domain/index.ts';
import {
  CLUSTER_PREFIX,
  CLUSTERS_PK,
  clusterKey,
  type Item,
  StoreCorruptionError,
  type StoreDriver,
  TransactionConflictError,
} from '../store/index.ts';
import { type ClusterEntry, type ClusterEntryInput, describeTarget, validateClusterEntry } from './entry.ts';
import { ClusterExistsError } from './errors.ts';

/**
 * The cluster registry port: named clusters and how to reach each. Reads are cheap and may be
 * cached by callers; writes are conditional so that two `cluster add`s of one name cannot both win.
 */
export interface ClusterRegistry {
  /** @returns the entry, or undefined when no cluster has that name. */
  get(name: string): Promise<ClusterEntry | undefined>;
  /** Every entry, sorted by name. */
  list(): Promise<ClusterEntry[]>;
  /**
   * Registers a cluster. The entry is validated first.
   * @throws ValidationError naming what is wrong with the entry.
   * @throws ClusterExistsError when the name is taken and `upsert` is not set.
   */
  add(entry: ClusterEntryInput, options?: { upsert?: boolean }): Promise<ClusterEntry>;
  /** @returns whether there was an entry to remove. */
  remove(name: string): Promise<boolean>;
}

const base = {
  pk: z.literal(CLUSTERS_PK),
  sk: z.string(),
  type: z.literal('cluster'),
  name: z.string().min(1),
  addedAt: z.string(),
  addedBy: z.string().optional(),
};

const itemSchema = z.discriminatedUnion('kind', [
  z.object({
    ...base,
    kind: z.literal('eks'),
    clusterName: z.string().min(1),
    region: z.string().min(1),
    roleArn: z.string().optional(),
    externalId: z.string().optional(),
    endpoint: z.string().optional(),
    caData: z.string().optional(),
  }),
  z.object({
    ...base,
    kind: z.literal('kubeconfig'),
    secretId: z.string().min(1),
    context: z.string().optional(),
  }),
  z.object({
    ...base,
    kind: z.literal('context'),
    context: z.string().min(1),
    kubeconfig: z.string().optional(),
  }),
]);

/** Reads an entry item, checking every field. @throws StoreCorruptionError naming the item. */
export function decodeClusterItem(item: Item): ClusterEntry {
  const parsed = itemSchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoreCorruptionError({
      key: `${item.pk}/${item.sk}`,
      reason: `${issue?.path.join('.') || 'item'}: ${issue?.message ?? 'invalid'}`,
    });
  }
  const { pk: _pk, sk: _sk, type: _type, ...entry } = parsed.data;
  return dropUndefined(entry) as ClusterEntry;
}

/** The item an entry is stored as. */
export function encodeClusterItem(entry: ClusterEntry): Item {
  return dropUndefined({ ...clusterKey(entry.name), type: 'cluster', ...entry }) as unknown as Item;
}

/**
 * The registry in the release table (or any StoreDriver: memory, file, DynamoDB), as items of
 * their own beside the releases (docs/store.md): `pk = CLUSTERS`, `sk = CLUSTER#name`.
 */
export class StoreClusterRegistry implements ClusterRegistry {
  readonly #driver: StoreDriver;
  readonly #clock: Clock;

  constructor(options: { driver: StoreDriver; clock?: Clock }) {
    this.#driver = options.driver;
    this.#clock = options.clock ?? systemClock;
  }

  async get(name: string): Promise<ClusterEntry | undefined> {
    const item = await this.#driver.get(clusterKey(name), { consistent: true });
    return item === undefined ? undefined : decodeClusterItem(item);
  }

  async list(): Promise<ClusterEntry[]> {
    const entries: ClusterEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#driver.query({
        pk: CLUSTERS_PK,
        sk: { beginsWith: CLUSTER_PREFIX },
        consistent: true,
        ...(cursor === undefined ? {} : { cursor }),
      });
      entries.push(...page.items.map(decodeClusterItem));
      cursor = page.cursor;
    } while (cursor !== undefined);
    return entries;
  }

  async add(input: ClusterEntryInput, options: { upsert?: boolean } = {}): Promise<ClusterEntry> {
    const valid = validateClusterEntry(input);
    const entry = { ...valid, addedAt: new Date(this.#clock.now()).toISOString() } as ClusterEntry;
    try {
      await this.#driver.transact([
        {
          type: 'put',
          item: encodeClusterItem(entry),
          ...(options.upsert ? {} : { condition: { op: 'itemAbsent' } as const }),
        },
      ]);
    } catch (error) {
      if (!(error instanceof TransactionConflictError)) throw error;
      const existing =
        error.existing === undefined ? await this.get(entry.name) : decodeClusterItem(error.existing);
      throw new ClusterExistsError(entry.name, existing === undefined ? '' : describeTarget(existing));
    }
    return entry;
  }

  async remove(name: string): Promise<boolean> {
    try {
      await this.#driver.transact([
        { type: 'delete', key: clusterKey(name), condition: { op: 'itemExists' } },
      ]);
      return true;
    } catch (error) {
      if (error instanceof TransactionConflictError) return false;
      throw error;
    }
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
