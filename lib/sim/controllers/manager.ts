/**
 * Runs the controllers: store events are turned into reconcile requests, each reconcile runs on
 * a timer so workloads progress in steps the way they do on a cluster, and all timers stop with
 * the simulator.
 */
import type { Cluster } from '../cluster.ts';
import { getArray, getString, isObject, type JsonObject } from '../json.ts';
import type { StoreEvent } from '../store.ts';

export interface ReconcileKey {
  namespace: string;
  name: string;
}

export interface Controller {
  /** The kind whose objects this controller reconciles. */
  kind: string;
  reconcile(key: ReconcileKey, queue: WorkQueue): void;
  /** Extra keys to reconcile when an object of another kind changes (beyond controller owners). */
  watches?(event: StoreEvent): ReconcileKey[];
  /** Called on deletion of one of its own objects. */
  deleted?(object: JsonObject, queue: WorkQueue): void;
}

export class WorkQueue {
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  private stopped = false;

  constructor(
    private readonly controllers: Map<string, Controller>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Reconciles `kind`/`key` after `delayMs`; of two pending requests for one key, the earlier runs. */
  add(kind: string, key: ReconcileKey, delayMs = 0): void {
    const controller = this.controllers.get(kind);
    if (!controller || this.stopped) return;
    const id = `${kind}|${key.namespace}|${key.name}`;
    const due = performance.now() + delayMs;
    const pending = this.timers.get(id);
    if (pending && pending.due <= due) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(id);
      if (this.stopped) return;
      try {
        controller.reconcile(key, this);
      } catch (error) {
        this.onError(error);
      }
    }, delayMs);
    timer.unref();
    this.timers.set(id, { timer, due });
  }

  stop(): void {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  start(): void {
    this.stopped = false;
  }
}

export class ControllerManager {
  private readonly controllers = new Map<string, Controller>();
  readonly queue: WorkQueue;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly cluster: Cluster,
    controllers: Controller[],
    onError: (error: unknown) => void,
  ) {
    for (const controller of controllers) this.controllers.set(controller.kind, controller);
    this.queue = new WorkQueue(this.controllers, onError);
  }

  start(): void {
    this.queue.start();
    this.unsubscribe = this.cluster.store.subscribe((event) => this.route(event));
    for (const resource of this.cluster.registry.all()) {
      if (!this.controllers.has(resource.kind) || resource.custom) continue;
      for (const object of this.cluster.store.list(resource)) this.queue.add(resource.kind, keyOf(object));
    }
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private route(event: StoreEvent): void {
    const { kind } = event.resource;
    if (this.controllers.has(kind) && !event.resource.custom) {
      if (event.type === 'DELETED') this.controllers.get(kind)?.deleted?.(event.object, this.queue);
      else this.queue.add(kind, keyOf(event.object));
    }
    for (const ref of getArray(event.object, ['metadata', 'ownerReferences'])) {
      if (
        isObject(ref) &&
        ref.controller === true &&
        typeof ref.kind === 'string' &&
        typeof ref.name === 'string'
      ) {
        this.queue.add(ref.kind, {
          namespace: getString(event.object, ['metadata', 'namespace']) ?? '',
          name: ref.name,
        });
      }
    }
    for (const controller of this.controllers.values()) {
      for (const key of controller.watches?.(event) ?? []) this.queue.add(controller.kind, key);
    }
  }
}

export function keyOf(object: JsonObject): ReconcileKey {
  return {
    namespace: getString(object, ['metadata', 'namespace']) ?? '',
    name: getString(object, ['metadata', 'name']) ?? '',
  };
}
