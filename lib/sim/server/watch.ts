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
}

function versionOf(object: JsonObject): number {
  return Number(getString(object, ['metadata', 'resourceVersion']) ?? 0);
}

/** Keeps recent events so a watch that starts from a list's resourceVersion misses nothing. */
export class WatchHub {
  private history: StoreEvent[] = [];
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly store: ObjectStore) {
    store.subscribe((event) => {
      this.history.push(event);
      if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
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
    const send = (type: string, object: JsonObject) =>
      response.write(`${JSON.stringify({ type, object })}\n`);
    const from =
      request.resourceVersion && request.resourceVersion !== '0'
        ? Number(request.resourceVersion)
        : undefined;
    if (from === undefined) {
      for (const object of this.store.list(request.resource, request.namespace))
        if (request.matches(object)) send('ADDED', object);
    } else {
      for (const event of this.history)
        if (versionOf(event.object) > from && relevant(event)) send(event.type, event.object);
    }
    const unsubscribe = this.store.subscribe((event) => {
      if (relevant(event)) send(event.type, event.object);
    });
    this.open.add(response);
    const finish = () => {
      unsubscribe();
      clearTimeout(timer);
      this.open.delete(response);
      if (!response.writableEnded) response.end();
    };
    const timer = setTimeout(finish, (request.timeoutSeconds ?? 1800) * 1000);
    timer.unref();
    response.on('close', finish);
  }

  closeAll(): void {
    for (const response of [...this.open]) response.end();
  }

  clearHistory(): void {
    this.history = [];
  }
}
