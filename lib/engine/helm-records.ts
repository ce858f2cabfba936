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
 *
 * `existing` is helm's records as read when the action began (readHelmRecordsOf): read beside the
 * action, they add no round trip after it. Only helm writes them meanwhile, and helm racing an action
 * on the same release is a conflict either way.
 */
export async function syncHelmRecords(
  deps: EngineDeps,
  input: { release: ReleaseId; options?: ActionOptions; result: ActionResult },
  request: RequestContext,
  existing: Promise<FoundRecord[]> | undefined,
): Promise<void> {
  const { release, result } = input;
  if (existing === undefined || result.duplicate) return;
  try {
    const found = await existing;
    const wanted = input.options?.helmRecords === true || deps.keepHelmRecords === true || found.length > 0;
    if (!wanted) return;
    const client = clientFor(await recordsAccess(deps, release, request));
    const written = await writeRecords(deps, client, release, found);
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

/**
 * Starts reading helm's records of the release, for syncHelmRecords after the action; undefined when
 * the action keeps none (a dry run, or `helmRecords: false`). The promise's rejection is left to
 * syncHelmRecords (it is handled here so that an action failing first leaves none unhandled).
 */
export function readHelmRecordsOf(
  deps: EngineDeps,
  input: { release: ReleaseId; options?: ActionOptions },
  request: RequestContext,
): Promise<FoundRecord[]> | undefined {
  const { release, options } = input;
  if (options?.dryRun || options?.helmRecords === false) return undefined;
  const reading = recordsAccess(deps, release, request).then((read) =>
    readHelmRecords({ ...read, namespace: release.namespace, name: release.name }),
  );
  reading.catch(() => {});
  return reading;
}

async function recordsAccess(deps: EngineDeps, release: ReleaseId, request: RequestContext) {
  const connection = await deps.connections.connect(release.cluster);
  return { connection, clock: deps.clock, deadline: planDeadlines(deps, request, 60_000).work };
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
