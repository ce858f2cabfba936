import { FIELD_MANAGER } from './ownership.ts';
import { identityOf, refOf } from './refs.ts';
import type { KubeObject } from './types.ts';

/**
 * Objects that need not be applied again, as Helm 3 skips an object whose patch comes out empty: its
 * manifest is the same as in the last revision whose apply completed and in the revision applied since,
 * and the live object still holds every value it sets, with quayside among its appliers. Applying it
 * would change nothing, so `unchanged` is known without the call. A Secret's `stringData` is compared as
 * the server keeps it: base64 in `data`, which it takes precedence over. Anything else (a value drifted,
 * a field the new manifest drops, a value the server stores differently, such as a quantity) is applied.
 */
export class UnchangedObjects {
  readonly #settled: Map<string, string>;
  readonly #since: Map<string, string>;

  /**
   * @param settled the objects of the last revision whose apply completed (the deployed one)
   * @param since the objects of the revision applied last (the same one, or a later failed one)
   */
  constructor(settled: readonly KubeObject[], since: readonly KubeObject[]) {
    const byIdentity = (objects: readonly KubeObject[]) =>
      new Map(objects.map((o) => [identityOf(refOf(o)), JSON.stringify(withoutNamespace(o))]));
    this.#settled = byIdentity(settled);
    this.#since = byIdentity(since);
  }

  /** True when `manifest` (as rendered) may be left as it is, `desired` being what apply would send. */
  holds(manifest: KubeObject, desired: KubeObject, live: KubeObject | undefined): boolean {
    if (live === undefined || !appliedByQuayside(live)) return false;
    const id = identityOf(refOf(manifest));
    const text = JSON.stringify(withoutNamespace(manifest));
    return (
      this.#settled.get(id) === text && this.#since.get(id) === text && contains(live, asStored(desired))
    );
  }
}

/**
 * What the server keeps of `desired`: a Secret's `stringData` is write-only, merged into `data` as base64
 * (a key in both takes stringData's value), so that is what a live Secret shows of it.
 */
function asStored(desired: KubeObject): KubeObject {
  const stringData = desired.stringData;
  if (desired.kind !== 'Secret' || stringData === null || typeof stringData !== 'object') return desired;
  const { stringData: _, ...rest } = desired;
  const encoded = Object.fromEntries(
    Object.entries(stringData).map(([key, value]) => [
      key,
      Buffer.from(String(value), 'utf8').toString('base64'),
    ]),
  );
  return { ...rest, data: { ...(desired.data as Record<string, unknown> | undefined), ...encoded } };
}

/** Placement fills in the namespace; a manifest that left it out is still the same manifest. */
function withoutNamespace(object: KubeObject): KubeObject {
  const { namespace: _, ...metadata } = object.metadata;
  return { ...object, metadata };
}

function appliedByQuayside(live: KubeObject): boolean {
  const managers = live.metadata.managedFields;
  return (
    Array.isArray(managers) &&
    managers.some(
      (m) =>
        (m as { manager?: string; operation?: string }).manager === FIELD_MANAGER && m.operation === 'Apply',
    )
  );
}

/** Every value `wanted` sets is in `live`: maps may hold more keys, lists must match item by item. */
function contains(live: unknown, wanted: unknown): boolean {
  if (wanted === null || typeof wanted !== 'object') return live === wanted;
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(live) &&
      live.length === wanted.length &&
      wanted.every((item, i) => contains(live[i], item))
    );
  }
  if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
  const record = live as Record<string, unknown>;
  return Object.entries(wanted).every(([key, value]) => contains(record[key], value));
}
