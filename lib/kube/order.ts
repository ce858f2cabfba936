import { compareText, HELM_INSTALL_ORDER } from '../domain/index.ts';
import type { KubeObject } from './types.ts';

// Helm's InstallOrder with CustomResourceDefinition and Namespace moved to the front: every later
// object may be an instance of one or live in one.
const FIRST = ['CustomResourceDefinition', 'Namespace'];
const INSTALL_ORDER: readonly string[] = [
  ...FIRST,
  ...HELM_INSTALL_ORDER.filter((kind) => !FIRST.includes(kind)),
];

const RANK = new Map(INSTALL_ORDER.map((kind, index) => [kind, index]));

/** Position of a kind in install order; kinds Helm does not know come after all known ones. */
export function installRank(kind: string): number {
  return RANK.get(kind) ?? INSTALL_ORDER.length;
}

function compareInstall(a: KubeObject, b: KubeObject): number {
  const byRank = installRank(a.kind) - installRank(b.kind);
  if (byRank !== 0) return byRank;
  // Like Helm: unknown kinds sort among themselves by kind name; same kinds keep manifest order.
  return RANK.has(a.kind) ? 0 : compareText(a.kind, b.kind);
}

/** Objects in the order they are applied (stable: equal kinds keep their manifest order). */
export function sortForInstall<T extends KubeObject>(objects: readonly T[]): T[] {
  return [...objects].sort(compareInstall);
}

/** Objects in the order they are deleted: install order reversed. */
export function sortForUninstall<T extends KubeObject>(objects: readonly T[]): T[] {
  return sortForInstall(objects).reverse();
}

/**
 * Install-ordered objects cut into consecutive batches of one rank: objects in a batch do not depend
 * on each other by kind, so they may be applied concurrently; batches run one after another.
 */
export function batchByRank<T extends KubeObject>(ordered: readonly T[]): T[][] {
  const batches: T[][] = [];
  let previous: string | undefined;
  for (const object of ordered) {
    const key = RANK.has(object.kind) ? String(installRank(object.kind)) : `?${object.kind}`;
    if (key !== previous) batches.push([]);
    batches[batches.length - 1]!.push(object);
    previous = key;
  }
  return batches;
}
