/** Watch streams: newline-delimited `{"type","object"}` events, replayed from a short history. */
import type { ServerResponse } from 'node:http';
import { getString, type JsonObject } from '../json.ts';
import { type ResourceType, resourceKey } from '../resources.ts';
import type { ObjectStore, StoreEvent } from '../store.ts';

const HISTORY_LIMIT = 5000;

export interface WatchRequest {
  resource: ResourceType;
  namespace?: string;
  resourceVersion?: string;
  timeoutSeconds?: number;
  matches: (object: JsonObject) => boolean;
  /** How each object goes on the wire (a Table row for kubectl); as is by default. */
  present?: (object: JsonObject) => JsonObject;
  /**
   * A watch-list (`sendInitialEvents=true`, client-go's reflector and helm 4's status watcher): every
   * current object as ADDED, then a BOOKMARK marking the end of the initial events, then changes.
   */
  sendInitialEvents?: boolean;
}

/** The annotation of the BOOKMARK that ends a watch-list's initial events. */
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

function versionOf(object: JsonObject): number {
  return Number(getString(object, ['metadata', 'resourceVersion']) ?? 0);
}

/** Keeps recent events so a watch that starts from a list's resourceVersion misses nothing. */
export class WatchHub {
  private history: StoreEvent[] = [];
  /** Versions at or below this are no longer replayable (history trimmed or cleared). */
  private forgottenUpTo = 0;
  /** Open watches and how to finish each. */
  private readonly open = new Map<ServerResponse, () => void>();

  constructor(private readonly store: ObjectStore) {
    store.subscribe((event) => {
      this.history.push(event);
      if (this.history.length > HISTORY_LIMIT) {
        const dropped = this.history.splice(0, this.history.length - HISTORY_LIMIT);
        const last = dropped[dropped.length - 1];
        if (last) this.forgottenUpTo = versionOf(last.object);
      }
    });
  }

  serve(request: WatchRequest, response: ServerResponse): void {
    const relevant = (event: StoreEvent) =>
      resourceKey(event.resource) === resourceKey(request.resource) &&
      (request.namespace === undefined ||
        getString(event.object, ['metadata', 'namespace']) === request.namespace) &&
      request.matches(event.object);
    response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    // Clients wait for the headers before they count a watch as started, even when no event is due yet.
    response.flushHeaders();
    const present = request.present ?? ((object: JsonObject) => object);
    const send = (type: string, object: JsonObject) => {
      const shown = type === 'ERROR' ? object : present(object);
      if (!response.writableEnded) response.write(`${JSON.stringify({ type, object: shown })}\n`);
    };
    const from =
      request.resourceVersion && request.resourceVersion !== '0'
        ? Number(request.resourceVersion)
        : undefined;
    if (request.sendInitialEvents) {
      // The state now, which is never older than any version the client names (one node, no lag).
      for (const object of this.store.list(request.resource, request.namespace))
        if (request.matches(object)) send('ADDED', object);
      const { group, version, kind } = request.resource;
      const bookmark = {
        apiVersion: group ? `${group}/${version}` : version,
        kind,
        metadata: {
          resourceVersion: this.store.resourceVersion,
          annotations: { [INITIAL_EVENTS_END]: 'true' },
        },
      };
      if (!response.writableEnded)
        response.write(`${JSON.stringify({ type: 'BOOKMARK', object: bookmark })}\n`);
    } else if (from === undefined) {
      for (const object of this.store.list(request.resource, request.namespace))
        if (request.matches(object)) send('ADDED', object);
    } else if (from < this.forgottenUpTo) {
      // As etcd after compaction: the client must list again (informers do so on 410 Expired).
      send('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${from} (${this.forgottenUpTo})`,
        reason: 'Expired',
        code: 410,
      });
      response.end();
      return;
    } else {
      for (const event of this.history)
        if (versionOf(event.object) > from && relevant(event)) send(event.type, event.object);
    }
    const unsubscribe = this.store.subscribe((event) => {
      if (relevant(event)) send(event.type, event.object);
    });
    const finish = () => {
      unsubscribe();
      clearTimeout(timer);
      this.open.delete(response);
      if (!response.writableEnded) response.end();
    };
    const timer = setTimeout(finish, (request.timeoutSeconds ?? 1800) * 1000);
    timer.unref();
    this.open.set(response, finish);
    response.on('close', finish);
  }

  closeAll(): void {
    for (const finish of [...this.open.values()]) finish();
  }

  clearHistory(): void {
    this.history = [];
    // Nothing recorded the objects a reset wiped, so even a watcher that was up to date must list again.
    this.forgottenUpTo = Number(this.store.resourceVersion) + 1;
  }
}
