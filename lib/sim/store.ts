import { clone, getString, type JsonObject } from './json.ts';
import { type ResourceType, resourceKey } from './resources.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceType;
  object: JsonObject;
}

export type StoreListener = (event: StoreEvent) => void;

export interface StoreSnapshot {
  resourceVersion: number;
  objects: Array<{ key: string; object: JsonObject }>;
}

function objectKey(resource: ResourceType, namespace: string, name: string): string {
  return `${resourceKey(resource)}|${namespace}|${name}`;
}

/**
 * The simulator's etcd: objects by type, namespace and name, one global resourceVersion counter,
 * and change notifications for watches and controllers. Objects are copied in and out so callers
 * can never mutate stored state by accident.
 */
export class ObjectStore {
  private objects = new Map<string, JsonObject>();
  private revision = 0;
  private readonly listeners = new Set<StoreListener>();

  get resourceVersion(): string {
    return String(this.revision);
  }

  get(resource: ResourceType, namespace: string, name: string): JsonObject | undefined {
    const found = this.objects.get(objectKey(resource, namespace, name));
    return found ? clone(found) : undefined;
  }

  /** Objects of a type, in one namespace or (namespace undefined) in all, sorted like etcd keys. */
  list(resource: ResourceType, namespace?: string, match?: (object: JsonObject) => boolean): JsonObject[] {
    const prefix =
      namespace === undefined ? `${resourceKey(resource)}|` : `${resourceKey(resource)}|${namespace}|`;
    // `match` sees the stored objects, so only the matches are copied: controllers looking for the few
    // pods of one owner among hundreds spent most of the simulator's time copying the others.
    return [...this.objects.entries()]
      .filter(([key, object]) => key.startsWith(prefix) && (match === undefined || match(object)))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, object]) => clone(object));
  }

  /** Stores the object with a new resourceVersion and returns the stored copy. */
  put(resource: ResourceType, object: JsonObject): JsonObject {
    const metadata = object.metadata as JsonObject;
    const namespace = getString(object, ['metadata', 'namespace']) ?? '';
    const name = getString(object, ['metadata', 'name']) ?? '';
    const key = objectKey(resource, namespace, name);
    const existed = this.objects.has(key);
    this.revision += 1;
    metadata.resourceVersion = String(this.revision);
    const stored = clone(object);
    this.objects.set(key, stored);
    this.emit({ type: existed ? 'MODIFIED' : 'ADDED', resource, object: stored });
    return clone(stored);
  }

  remove(resource: ResourceType, namespace: string, name: string): JsonObject | undefined {
    const key = objectKey(resource, namespace, name);
    const existing = this.objects.get(key);
    if (!existing) return undefined;
    this.objects.delete(key);
    this.revision += 1;
    (existing.metadata as JsonObject).resourceVersion = String(this.revision);
    this.emit({ type: 'DELETED', resource, object: existing });
    return clone(existing);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops every object; the wipe takes a resourceVersion of its own so no earlier version covers it. */
  clear(): void {
    this.objects.clear();
    this.revision += 1;
  }

  snapshot(): StoreSnapshot {
    return {
      resourceVersion: this.revision,
      objects: [...this.objects.entries()].map(([key, object]) => ({ key, object })),
    };
  }

  restore(snapshot: StoreSnapshot): void {
    this.objects = new Map(snapshot.objects.map(({ key, object }) => [key, object]));
    this.revision = snapshot.resourceVersion;
  }

  private emit(event: StoreEvent): void {
    for (const listener of this.listeners) listener({ ...event, object: clone(event.object) });
  }
}
