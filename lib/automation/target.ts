import type { ReleaseId } from '../domain/index.ts';
import type { AutomationRecords, ReleaseStore } from '../store/index.ts';

/**
 * The revision an automatic rollback of `revision` goes back to: walking back from the newest
 * earlier revision, the first that finished its bake (verified) or that was deployed without one;
 * a revision whose bake failed or ended unverified is passed over. When every earlier deployed
 * revision had an unfinished bake, the last deployed one. Only revisions that were deployed
 * (superseded now) count, and only earlier ones: never an automatic roll forward.
 * @returns undefined when there is nothing to go back to (the first install, say).
 */
export async function chooseRollbackTarget(
  deps: { store: ReleaseStore; records: AutomationRecords },
  release: ReleaseId,
  revision: number,
): Promise<number | undefined> {
  const [page, bakes] = await Promise.all([
    deps.store.history(release, { limit: 256 }),
    deps.records.listBakes(release),
  ]);
  const bakeOf = new Map(bakes.map((bake) => [bake.revision, bake]));
  // Newest first: what was deployed and superseded before the revision in trouble.
  const deployedBefore = page.revisions.filter((r) => r.revision < revision && r.status === 'superseded');
  const settled = deployedBefore.find((r) => {
    const bake = bakeOf.get(r.revision);
    return bake === undefined || bake.state === 'verified';
  });
  return (settled ?? deployedBefore[0])?.revision;
}
