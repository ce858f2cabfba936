import { type ReleaseId, toIso } from '../domain/index.ts';
import {
  type FoundRecord,
  HelmReleaseNotFoundError,
  readHelmRecords,
  revisionFromHelm,
} from '../helm/index.ts';
import { planDeadlines } from './deadline.ts';
import type { ActionResult, EngineDeps, ImportInput, RequestContext } from './types.ts';

/**
 * `import`: takes a release helm made into quayside's store, its whole kept history with helm's
 * revision numbers, statuses, descriptions, chart metadata, values, manifests, notes and hooks, so
 * that quayside continues it (an upgrade is the next number, a rollback can target any revision
 * helm kept). Helm's records are only read. Importing again under the same request id answers as
 * the first import did; importing a release quayside has already takes the revisions helm made since
 * (a team went back to helm for a while), and nothing when there are none.
 * @throws HelmReleaseNotFoundError when the cluster holds no helm records of the release;
 *   ReleaseExistsInStoreError when quayside's store has it and cannot take helm's newer revisions.
 */
export async function importRelease(
  deps: EngineDeps,
  input: ImportInput,
  request: RequestContext,
): Promise<ActionResult> {
  const startedAt = deps.clock.now();
  const { release } = input;
  const records = await readRecords(deps, release, request);
  const revisions = records.map((record) => revisionFromHelm(record.release, release));
  request.onProgress?.({
    at: deps.clock.now(),
    step: 'record',
    message: `importing ${revisions.length} revisions from helm's ${records[0]?.driver === 'configmap' ? 'ConfigMaps' : 'Secrets'}`,
  });
  const outcome = await deps.store.importHistory({ release, revisions, requestId: request.requestId });
  const latest = revisions.at(-1)!;
  const written = outcome.kind === 'imported' || outcome.kind === 'continued' ? outcome.revisions : [];
  const deployed = revisions.filter((r) => r.status === 'deployed').at(-1);
  return {
    release,
    action: 'import',
    status: latest.status,
    revision: latest.revision,
    ...(deployed === undefined ? {} : { previousRevision: deployed.revision }),
    description: latest.description,
    chart: latest.chart,
    objects: [],
    ...(written.length === 0 ? { duplicate: true } : {}),
    imported: written,
    startedAt: toIso(startedAt),
    finishedAt: toIso(deps.clock.now()),
  };
}

/** The release's records, one per revision (helm's Secrets driver wins over a stray ConfigMap). */
async function readRecords(
  deps: EngineDeps,
  release: ReleaseId,
  request: RequestContext,
): Promise<FoundRecord[]> {
  const connection = await deps.connections.connect(release.cluster);
  const found = await readHelmRecords({
    connection,
    clock: deps.clock,
    deadline: planDeadlines(deps, request, undefined).work,
    namespace: release.namespace,
    name: release.name,
  });
  const byVersion = new Map<number, FoundRecord>();
  for (const record of found) {
    const seen = byVersion.get(record.release.version);
    if (seen === undefined || (seen.driver === 'configmap' && record.driver === 'secret')) {
      byVersion.set(record.release.version, record);
    }
  }
  if (byVersion.size === 0) throw new HelmReleaseNotFoundError(`${release.namespace}/${release.name}`);
  return [...byVersion.values()].sort((a, b) => a.release.version - b.release.version);
}

/** The releases helm has records of, in a namespace or (namespace undefined) in all. */
export async function findHelmReleases(
  deps: EngineDeps,
  input: { cluster: string; namespace?: string },
  request: RequestContext,
): Promise<ReleaseId[]> {
  const connection = await deps.connections.connect(input.cluster);
  const found = await readHelmRecords({
    connection,
    clock: deps.clock,
    deadline: planDeadlines(deps, request, undefined).work,
    ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
  });
  const keys = new Set(found.map((r) => `${r.namespace}\0${r.release.name}`));
  return [...keys].map((key) => {
    const [namespace = '', name = ''] = key.split('\0');
    return { cluster: input.cluster, namespace, name };
  });
}
