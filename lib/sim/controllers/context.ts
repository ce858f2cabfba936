/** What every controller gets: the client, the step delay and helpers for names and time. */
import { createHash } from 'node:crypto';
import { type Cluster, timestamp } from '../cluster.ts';
import type { JsonValue } from '../json.ts';
import { ControllerClient } from './client.ts';

export const NODE_NAME = 'quayside-sim-node';
export const NODE_IP = '172.18.0.2';

// kube's rand.String alphabet: no vowels or look-alike digits, so generated names never spell words.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export interface ControllerContext {
  cluster: Cluster;
  client: ControllerClient;
  stepMs: number;
  now(): string;
  /**
   * Monotonic milliseconds that pace the controllers (steps, deadlines). Kept apart from the
   * cluster clock, which only stamps objects, so a test may freeze timestamps and still see
   * workloads progress.
   */
  nowMs(): number;
  randomSuffix(): string;
}

export function createControllerContext(
  cluster: Cluster,
  stepMs: number,
  monotonic: () => number = () => performance.now(),
): ControllerContext {
  return {
    cluster,
    client: new ControllerClient(cluster),
    stepMs,
    now: () => timestamp(cluster),
    nowMs: monotonic,
    randomSuffix: () => encode(createHash('sha256').update(cluster.newUid()).digest(), 5),
  };
}

function encode(bytes: Buffer, length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) text += ALPHABET[(bytes[i] ?? 0) % ALPHABET.length];
  return text;
}

/** A stable short hash of a pod template, like pod-template-hash and controller-revision-hash. */
export function templateHash(template: JsonValue | undefined): string {
  return encode(
    createHash('sha256')
      .update(stableJson(template ?? null))
      .digest(),
    10,
  );
}

function stableJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson(value[key] ?? null)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Resolves an int-or-percent (maxSurge, maxUnavailable) against a replica count. */
export function resolveIntOrPercent(value: JsonValue | undefined, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.endsWith('%')) {
    const exact = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  return 0;
}
