import type { ApiResource, KubeConnection, KubeRequest, SharedRead } from './connection.ts';
import { KubeNotFoundError, KubeUnknownKindError } from './errors.ts';
import { PROGRESS } from './messages.ts';
import { FIELD_MANAGER } from './ownership.ts';
import { type RetryPolicy, withRetry } from './retry.ts';
import { DISCOVERY_ACCEPT, learnRoots, type RootDiscovery, type RootDocument } from './root-discovery.ts';
import { type Clock, type KubeObject, type ObjectRef, type ProgressListener, systemClock } from './types.ts';

export interface ClientOptions {
  connection: KubeConnection;
  clock: Clock;
  /** Epoch ms after which no retry is started. */
  deadline: number;
  retryPolicy?: RetryPolicy;
  random?: () => number;
  onProgress?: ProgressListener;
}

export interface ApplyResult {
  object: KubeObject;
  /** The server created the object (HTTP 201) rather than updating it. */
  created: boolean;
}

/**
 * The handful of typed, retried calls apply/diff/wait need, with paths resolved through discovery.
 * Every call retries retryable failures within the deadline and throws typed KubeErrors.
 */
export interface KubeClient {
  resource(ref: ObjectRef): Promise<ApiResource>;
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  apply(object: KubeObject, options: { force: boolean; dryRun: boolean }): Promise<ApplyResult>;
  /** Deletes with background propagation; false when the object was already gone. */
  remove(ref: ObjectRef): Promise<boolean>;
  list(query: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    labelSelector?: string;
  }): Promise<KubeObject[]>;
  /** One page of a list: at most `limit` items, and the token for the next page when there is one. */
  listPage(query: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    limit: number;
    continue?: string;
  }): Promise<{ items: KubeObject[]; continue?: string }>;
  /** Forgets what discovery said about a group-version, e.g. after a CRD for it was applied. */
  forget(apiVersion: string): void;
  /**
   * Every group-version the server serves, from /api and /apis read now (or by a read still in
   * flight). A server with aggregated discovery lists their resources there too, and they go into the
   * discovery cache; the first lookup of a group-version the cache lacks reads the roots the same way.
   */
  groupVersions(): Promise<string[]>;
  /** One object, or a list, as the API server's `meta.k8s.io/v1` Table (what kubectl get prints). */
  table(
    query:
      | { ref: ObjectRef }
      | { apiVersion: string; kind: string; namespace?: string; labelSelector?: string },
  ): Promise<ServerTable | undefined>;
  /** The resources served for a group-version (cached discovery), undefined when it is not served. */
  served(apiVersion: string): Promise<ApiResource[] | undefined>;
  /** GETs a path (discovery documents, /version, a list as the server returns it) and gives the body. */
  read(path: string, ref: ObjectRef): Promise<unknown>;
  /** The path of a resource's collection, in a namespace when it is namespaced and one is given. */
  collectionPath(apiVersion: string, found: ApiResource, namespace: string | undefined): string;
}

/** A `meta.k8s.io/v1` Table: column definitions and rows of cells. */
export interface ServerTable {
  columnDefinitions?: Array<{ name: string; priority?: number }>;
  rows?: Array<{ cells?: unknown[] }>;
}

// kubectl's Accept header for tables, falling back to plain JSON.
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

/**
 * The client for one operation's input: its connection and deadline, its clock (the system's when
 * it has none) and whatever retry settings and progress listener it carries.
 */
export function clientFor(input: Omit<ClientOptions, 'clock'> & { clock?: Clock }): KubeClient {
  const options: ClientOptions = {
    connection: input.connection,
    clock: input.clock ?? systemClock,
    deadline: input.deadline,
  };
  if (input.random) options.random = input.random;
  if (input.retryPolicy) options.retryPolicy = input.retryPolicy;
  if (input.onProgress) options.onProgress = input.onProgress;
  return createKubeClient(options);
}

/** Where one shared read lives: a discovery-cache key, or the connection's roots read. */
interface ReadSlot<T> {
  get(): SharedRead<T> | undefined;
  set(entry: SharedRead<T>): void;
  clear(): void;
}

/**
 * The promise is kept, not the answer: callers at once share one read. `fresh`: an answered read is
 * not reused (one in flight is). A read that fails is forgotten, so the next caller asks again.
 */
function sharedRead<T>(slot: ReadSlot<T>, fresh: boolean, start: () => Promise<T>): Promise<T> {
  const last = slot.get();
  if (last && !(fresh && last.settled)) return last.answer;
  const entry: SharedRead<T> = { settled: false, answer: start() };
  slot.set(entry);
  entry.answer.then(
    () => {
      entry.settled = true;
    },
    () => {
      if (slot.get() === entry) slot.clear();
    },
  );
  return entry.answer;
}

export function createKubeClient(options: ClientOptions): KubeClient {
  const { connection } = options;

  function retried<T>(operation: () => Promise<T>, ref?: ObjectRef): Promise<T> {
    return withRetry(operation, {
      clock: options.clock,
      deadline: options.deadline,
      ...(options.retryPolicy ? { policy: options.retryPolicy } : {}),
      ...(options.random ? { random: options.random } : {}),
      onRetry: ({ attempt, delayMs, error }) =>
        options.onProgress?.({
          phase: 'retry',
          ...(ref ? { ref } : {}),
          message: PROGRESS.retry(attempt, (error as Error).message, delayMs),
        }),
    });
  }

  const send = (request: KubeRequest) => retried(() => connection.send(request), request.ref);

  /**
   * Reads /api and /apis, putting what an aggregated answer lists into the discovery cache. `fresh`:
   * a read that has already settled is not reused (one still in flight is). Failures are not kept.
   */
  function roots(fresh: boolean): Promise<RootDiscovery> {
    const ref = { apiVersion: 'v1', kind: 'APIVersions', name: '' };
    const read = (path: string) =>
      send({ method: 'GET', path, ref, accept: DISCOVERY_ACCEPT }).then(({ body }) => body as RootDocument);
    return sharedRead(
      {
        get: () => connection.rootDiscovery,
        set: (entry) => {
          connection.rootDiscovery = entry;
        },
        clear: () => {
          connection.rootDiscovery = undefined;
        },
      },
      fresh,
      async () => {
        const learned = learnRoots(await Promise.all([read('/api'), read('/apis')]));
        for (const [apiVersion, served] of learned.served)
          connection.discoveryCache.set(apiVersion, { settled: true, answer: Promise.resolve(served) });
        return learned;
      },
    );
  }

  async function resources(apiVersion: string, refresh: boolean): Promise<ApiResource[] | undefined> {
    const cache = connection.discoveryCache;
    if (!refresh && !cache.has(apiVersion)) {
      // The first lookup on a connection reads the roots: with aggregated discovery, that one read
      // answers every group-version. An older server (or a failed read) leaves it to the one below.
      await roots(false).catch(() => undefined);
    }
    // A failed discovery is not remembered: the next object asks again.
    return sharedRead(
      {
        get: () => cache.get(apiVersion),
        set: (entry) => cache.set(apiVersion, entry),
        clear: () => cache.delete(apiVersion),
      },
      refresh,
      () => retried(() => connection.discover(apiVersion)),
    );
  }

  async function resource(ref: ObjectRef): Promise<ApiResource> {
    const cached = (await resources(ref.apiVersion, false))?.find((r) => r.kind === ref.kind);
    if (cached) return cached;
    // A miss may be a CRD installed since the cache was filled: ask once more before giving up.
    const fresh = (await resources(ref.apiVersion, true))?.find((r) => r.kind === ref.kind);
    if (fresh) return fresh;
    throw new KubeUnknownKindError({ ref, apiVersion: ref.apiVersion, kind: ref.kind });
  }

  function collectionPath(apiVersion: string, found: ApiResource, namespace: string | undefined): string {
    const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const scope = found.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${root}${scope}/${found.name}`;
  }

  async function objectPath(ref: ObjectRef): Promise<string> {
    const found = await resource(ref);
    return `${collectionPath(ref.apiVersion, found, ref.namespace)}/${encodeURIComponent(ref.name)}`;
  }

  return {
    resource,
    async get(ref) {
      const path = await objectPath(ref);
      try {
        return (await send({ method: 'GET', path, ref })).body as KubeObject;
      } catch (error) {
        if (error instanceof KubeNotFoundError) return undefined;
        throw error;
      }
    },
    async apply(object, { force, dryRun }) {
      const ref = {
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
      };
      const response = await send({
        method: 'PATCH',
        path: await objectPath(ref),
        query: {
          fieldManager: FIELD_MANAGER,
          force: force ? 'true' : undefined,
          dryRun: dryRun ? 'All' : undefined,
        },
        // JSON is YAML, so the apply-patch content type takes the object as JSON.
        contentType: 'application/apply-patch+yaml',
        body: object,
        ref,
      });
      return { object: response.body as KubeObject, created: response.status === 201 };
    },
    async remove(ref) {
      const path = await objectPath(ref);
      try {
        await send({ method: 'DELETE', path, query: { propagationPolicy: 'Background' }, ref });
        return true;
      } catch (error) {
        if (error instanceof KubeNotFoundError) return false;
        throw error;
      }
    },
    async list({ apiVersion, kind, namespace, labelSelector }) {
      const ref = { apiVersion, kind, name: '', ...(namespace ? { namespace } : {}) };
      const path = collectionPath(apiVersion, await resource(ref), namespace);
      const { body } = await send({ method: 'GET', path, query: { labelSelector }, ref });
      const list = body as { items?: KubeObject[] };
      // List items come without apiVersion/kind; put them back so evaluators can rely on them.
      return (list.items ?? []).map((item) => ({ ...item, apiVersion, kind }));
    },
    async listPage({ apiVersion, kind, namespace, limit, continue: token }) {
      const ref = { apiVersion, kind, name: '', ...(namespace ? { namespace } : {}) };
      const path = collectionPath(apiVersion, await resource(ref), namespace);
      const query = { limit: String(limit), continue: token };
      const { body } = await send({ method: 'GET', path, query, ref });
      const list = body as { items?: KubeObject[]; metadata?: { continue?: string } };
      const items = (list.items ?? []).map((item) => ({ ...item, apiVersion, kind }));
      const next = list.metadata?.continue;
      return next ? { items, continue: next } : { items };
    },
    forget(apiVersion) {
      connection.discoveryCache.delete(apiVersion);
    },
    groupVersions: async () => (await roots(true)).groupVersions,
    async table(query) {
      const ref = 'ref' in query ? query.ref : { apiVersion: query.apiVersion, kind: query.kind, name: '' };
      const path =
        'ref' in query
          ? await objectPath(query.ref)
          : collectionPath(query.apiVersion, await resource(ref), query.namespace);
      const labelSelector = 'ref' in query ? undefined : query.labelSelector;
      try {
        const { body } = await send({
          method: 'GET',
          path,
          query: { labelSelector },
          accept: TABLE_ACCEPT,
          ref,
        });
        return body as ServerTable;
      } catch (error) {
        if (error instanceof KubeNotFoundError) return undefined;
        throw error;
      }
    },
    served: (apiVersion) => resources(apiVersion, false),
    async read(path, ref) {
      return (await send({ method: 'GET', path, ref })).body;
    },
    collectionPath,
  };
}
