import type { KubeError } from './errors.ts';

/** A Kubernetes object as parsed from a rendered manifest or read back from the API server. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [field: string]: unknown;
}

export interface KubeMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** Identifies one object: what results, errors and progress events are about. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Time, injected so tests control it; `sleep` resolves after `ms` of this clock's time. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export interface ReleaseRef {
  name: string;
  namespace: string;
}

/** What happened to one object. `recreated`: deleted and created again because of an immutable field (force). */
export type ObjectAction = 'created' | 'configured' | 'unchanged' | 'recreated' | 'deleted' | 'failed';

export interface ObjectResult extends ObjectRef {
  action: ObjectAction;
  /** Why an object was left alone or recreated, e.g. `kept: helm.sh/resource-policy=keep`. */
  detail?: string;
  error?: KubeError;
}

export interface ProgressEvent {
  phase: 'apply' | 'prune' | 'delete' | 'wait' | 'retry' | 'diff';
  ref?: ObjectRef;
  action?: ObjectAction;
  message: string;
}

export type ProgressListener = (event: ProgressEvent) => void;
