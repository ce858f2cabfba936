import { QuaysideError, type ReleaseId } from '../domain/index.ts';
import {
  deleteHelmRecord,
  encodeHelmRelease,
  type FoundRecord,
  type HelmDriver,
  type HelmRelease,
  helmFromRevision,
  helmRecordName,
  helmSecretFor,
  readHelmRecords,
} from '../helm/index.ts';
import { clientFor, type KubeClient, type KubeObject } from '../kube/index.ts';
import { planDeadlines } from './deadline.ts';
import type { ActionOptions, ActionResult, EngineDeps, RequestContext } from './types.ts';

/**
 * Keeps helm's own release records in step with quayside's history, so that `helm list`,
 * `history`, `status`, `get values` and `rollback` keep working and a team can go back to helm at any
 * time. After each action: a revision quayside made gets the record helm would have written; a
 * record helm wrote keeps its chart and only takes quayside's status and description; records of
 * revisions quayside no longer keeps (history-max, uninstall) are deleted, as helm deletes them.
 *
 * Whether it runs: `helmRecords` in the action's options when given; else the engine's
 * `keepHelmRecords`; else only for a release helm has records of already (one helm made, or one
 * quayside keeps them for), so such a release stays readable by helm.
 */
export async function syncHelmRecords(
  deps: EngineDeps,
  input: { release: ReleaseId; options?: ActionOptions; result: ActionResult },
  request: RequestContext,
): Promise<void> {
  const { release, options, result } = input;
  if (options?.dryRun || result.duplicate || options?.helmRecords === false) return;
  try {
    const connection = await deps.connections.connect(release.cluster);
    const read = { connection, clock: deps.clock, deadline: planDeadlines(deps, request, 60_000).work };
    const existing = await readHelmRecords({ ...read, namespace: release.namespace, name: release.name });
    const wanted = options?.helmRecords === true || deps.keepHelmRecords === true || existing.length > 0;
    if (!wanted) return;
    const client = clientFor(read);
    const written = await writeRecords(deps, client, release, existing);
    request.onProgress?.({
      at: deps.clock.now(),
      step: 'record',
      message: `helm's records: ${written.updated} written, ${written.deleted} deleted`,
    });
  } catch (error) {
    // Anything but a known failure of the cluster, the store or a record is not ours to swallow.
    if (!(error instanceof QuaysideError)) throw error;
    // The revision is recorded; the next action writes helm's records again from quayside's history.
    request.onProgress?.({
      at: deps.clock.now(),
      step: 'record',
      message: `helm's records could not be updated (the next action tries again): ${(error as Error).message}`,
    });
  }
}

async function writeRecords(
  deps: EngineDeps,
  client: KubeClient,
  release: ReleaseId,
  existing: readonly FoundRecord[],
): Promise<{ updated: number; deleted: number }> {
  const driver: HelmDriver =
    existing.length > 0 && existing.every((r) => r.driver === 'configmap') ? 'configmap' : 'secret';
  const byVersion = new Map(existing.map((r) => [r.release.version, r]));
  const summary = await deps.store.getRelease(release);
  const kept = new Set<number>();
  let updated = 0;
  if (summary !== undefined) {
    const page = await deps.store.history(release, { limit: 256 });
    for (const meta of page.revisions) {
      kept.add(meta.revision);
      const found = byVersion.get(meta.revision);
      let record: HelmRelease;
      if (found === undefined) {
        record = helmFromRevision(await deps.store.getRevision(release, meta.revision));
      } else if (
        found.release.info?.status !== meta.status ||
        found.release.info?.description !== meta.description
      ) {
        record = {
          ...found.release,
          info: { ...found.release.info, status: meta.status, description: meta.description },
        };
      } else {
        continue;
      }
      await client.apply(recordObject(record, found?.driver ?? driver, deps.clock.now()), {
        force: true,
        dryRun: false,
      });
      updated++;
    }
  }
  let deleted = 0;
  for (const record of existing) {
    if (kept.has(record.release.version)) continue;
    if (await deleteHelmRecord(client, record)) deleted++;
  }
  return { updated, deleted };
}

/** The Secret (or ConfigMap, for helm's ConfigMap driver) holding a record. */
function recordObject(record: HelmRelease, driver: HelmDriver, now: number): KubeObject {
  const secret = helmSecretFor(record, { modifiedAt: String(Math.floor(now / 1000)) });
  if (driver === 'secret') return secret;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...secret.metadata, name: helmRecordName(record.name, record.version) },
    data: { release: encodeHelmRelease(record) },
  } as KubeObject;
}
