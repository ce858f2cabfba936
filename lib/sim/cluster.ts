/** The shared state every part of the simulator works on: objects, types, time and identity. */
import { randomUUID } from 'node:crypto';
import { ResourceRegistry } from './resources.ts';
import { ObjectStore } from './store.ts';

export type Clock = () => Date;
export type IdGenerator = () => string;

export interface Cluster {
  store: ObjectStore;
  registry: ResourceRegistry;
  clock: Clock;
  newUid: IdGenerator;
  /** Image reference substrings whose pulls fail. */
  unpullable: string[];
}

export const DEFAULT_UNPULLABLE = ['gcr.io/google-samples/kubernetes-bootcamp:v10', 'nonexistent'];

export function createCluster(
  options: { clock?: Clock; newUid?: IdGenerator; unpullable?: string[] } = {},
): Cluster {
  return {
    store: new ObjectStore(),
    registry: new ResourceRegistry(),
    clock: options.clock ?? (() => new Date()),
    newUid: options.newUid ?? randomUUID,
    unpullable: [...DEFAULT_UNPULLABLE, ...(options.unpullable ?? [])],
  };
}

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function timestamp(cluster: Cluster): string {
  return cluster
    .clock()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
}
