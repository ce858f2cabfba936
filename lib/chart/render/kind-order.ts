import { HELM_INSTALL_ORDER } from '../../domain/index.ts';

/** Helm's install order by kind (releaseutil InstallOrder). Unknown kinds go last, alphabetically. */
export const INSTALL_ORDER: readonly string[] = HELM_INSTALL_ORDER;

const RANK = new Map(INSTALL_ORDER.map((kind, i) => [kind, i]));

/** Stable sort by kind in install order, as Helm's sortManifestsByKind. */
export function sortByKind<T>(items: readonly T[], kindOf: (item: T) => string): T[] {
  return [...items].sort((a, b) => compareKinds(kindOf(a), kindOf(b)));
}

function compareKinds(a: string, b: string): number {
  const ra = RANK.get(a);
  const rb = RANK.get(b);
  if (ra === undefined && rb === undefined) return a === b ? 0 : a < b ? -1 : 1;
  if (ra === undefined) return 1;
  if (rb === undefined) return -1;
  return ra - rb;
}
