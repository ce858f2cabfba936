import type { ApiResource } from './connection.ts';
import { KubeNamespaceNotAllowedError } from './errors.ts';
import { MESSAGES } from './messages.ts';
import { describeRef, refOf } from './refs.ts';
import type { KubeObject, ReleaseRef } from './types.ts';

export type NamespacePolicy = boolean | readonly string[];

/**
 * Puts the object where it belongs: cluster-scoped kinds (by discovery) lose any namespace, namespaced
 * objects without one get the release's, and one naming another namespace is refused with
 * KubeNamespaceNotAllowedError unless `allow` is true or lists that namespace.
 */
export function placeObject(
  object: KubeObject,
  resource: ApiResource,
  release: ReleaseRef,
  allow: NamespacePolicy = false,
): KubeObject {
  const { namespace, ...metadata } = object.metadata;
  if (!resource.namespaced) return { ...object, metadata: { ...metadata } };
  if (!namespace || namespace === release.namespace) {
    return { ...object, metadata: { ...metadata, namespace: release.namespace } };
  }
  const allowed = allow === true || (Array.isArray(allow) && allow.includes(namespace));
  if (!allowed) {
    const ref = refOf(object);
    throw new KubeNamespaceNotAllowedError(
      MESSAGES.namespaceNotAllowed(describeRef(ref), namespace, release.namespace),
      {
        ref,
        namespace,
      },
    );
  }
  return object;
}

/** Runs `work` over `items` with at most `limit` in flight, keeping results in input order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
