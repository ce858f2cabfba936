import type { KubeClient } from './client.ts';
import { KubeForbiddenError } from './errors.ts';
import { mapConcurrently } from './placement.ts';
import { identityOf, refOf } from './refs.ts';
import type { KubeObject } from './types.ts';

// A kind with this many objects in one namespace is listed rather than read one by one.
const LIST_AT_LEAST = 3;
// Items per list page; the API server's own default page for kubectl is 500.
const PAGE = 500;
// A collection bigger than this many pages (Secrets piling up in a busy namespace, say) is not read
// through: the objects not found by then are read one by one.
const MAX_PAGES = 4;
// Single reads in flight at once (the connection bounds all requests again).
const READ_CONCURRENCY = 16;

/** What reading one object found: the live object (undefined: it does not exist), or why it failed. */
export type LiveRead = { live: KubeObject | undefined } | { error: unknown };

/**
 * The live state of objects already placed in their namespaces, keyed by identityOf. Objects of one
 * kind in one namespace are listed together (one call instead of one per object); a kind with few
 * objects, or one the caller may not list (403), is read object by object. Never throws: a failed
 * read is that object's (for a list, each of its objects') `error`.
 */
export async function readLiveObjects(
  client: KubeClient,
  objects: readonly KubeObject[],
): Promise<Map<string, LiveRead>> {
  const groups = new Map<string, KubeObject[]>();
  for (const object of objects) {
    const key = `${object.apiVersion}\0${object.kind}\0${object.metadata.namespace ?? ''}`;
    const group = groups.get(key) ?? [];
    group.push(object);
    groups.set(key, group);
  }
  const live = new Map<string, LiveRead>();
  const single: KubeObject[] = [];
  await Promise.all(
    [...groups.values()].map(async (group) => {
      if (group.length < LIST_AT_LEAST) {
        single.push(...group);
        return;
      }
      try {
        single.push(...(await listGroup(client, group, live)));
      } catch (error) {
        if (error instanceof KubeForbiddenError) single.push(...group);
        else for (const object of group) live.set(identityOf(refOf(object)), { error });
      }
    }),
  );
  await mapConcurrently(single, READ_CONCURRENCY, async (object) => {
    const id = identityOf(refOf(object));
    try {
      live.set(id, { live: await client.get(refOf(object)) });
    } catch (error) {
      live.set(id, { error });
    }
  });
  return live;
}

/** Lists the group's collection into `live`; returns the objects it could not settle within MAX_PAGES. */
async function listGroup(
  client: KubeClient,
  group: readonly KubeObject[],
  live: Map<string, LiveRead>,
): Promise<KubeObject[]> {
  const first = group[0]!;
  const wanted = new Map(group.map((o) => [o.metadata.name, o]));
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const listed = await client.listPage({
      apiVersion: first.apiVersion,
      kind: first.kind,
      ...(first.metadata.namespace ? { namespace: first.metadata.namespace } : {}),
      limit: PAGE,
      ...(token ? { continue: token } : {}),
    });
    for (const item of listed.items) {
      const object = wanted.get(item.metadata.name);
      if (!object) continue;
      live.set(identityOf(refOf(object)), { live: item });
      wanted.delete(item.metadata.name);
    }
    token = listed.continue;
    if (wanted.size === 0 || token === undefined) {
      // The whole collection was seen: whatever was not in it does not exist.
      for (const object of wanted.values()) live.set(identityOf(refOf(object)), { live: undefined });
      return [];
    }
  }
  return [...wanted.values()];
}
