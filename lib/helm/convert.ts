import { coalesceTables, type Values } from '../chart/index.ts';
import {
  type Action,
  type HookRecord,
  RELEASE_STATUSES,
  type ReleaseId,
  type ReleaseStatus,
  type Revision,
} from '../domain/index.ts';
import type { HelmHook, HelmRelease } from './record.ts';

/**
 * Helm's release records as quayside revisions and back. Numbers, statuses, descriptions, chart
 * metadata, values, manifest, notes and hooks carry over as they are.
 */

/** Who made an imported revision: helm, as far as quayside's history tells. */
export const HELM_REQUESTER = { principal: 'helm', channel: 'helm' } as const;

const ROLLBACK_DESCRIPTION = /^Rollback to (\d+)$/;

/** A helm record as the quayside revision it was. */
export function revisionFromHelm(record: HelmRelease, release: ReleaseId): Revision {
  const info = record.info ?? {};
  const metadata = record.chart?.metadata ?? {};
  const description = info.description ?? '';
  const rollback = ROLLBACK_DESCRIPTION.exec(description);
  const action: Action = rollback ? 'rollback' : record.version === 1 ? 'install' : 'upgrade';
  const status = (RELEASE_STATUSES as readonly string[]).includes(info.status ?? '')
    ? (info.status as ReleaseStatus)
    : 'unknown';
  const firstDeployed = isoTime(info.first_deployed);
  const lastDeployed = isoTime(info.last_deployed);
  const config = (record.config ?? {}) as Values;
  const chartValues = (record.chart?.values ?? {}) as Values;
  return {
    release,
    revision: record.version,
    status,
    description,
    action,
    chart: {
      name: metadata.name ?? '',
      version: metadata.version ?? '',
      ...(metadata.appVersion ? { appVersion: metadata.appVersion } : {}),
    },
    requestId: `helm:${helmRecordKey(record)}`,
    requestedBy: HELM_REQUESTER,
    ...(rollback ? { rollbackTo: Number(rollback[1]) } : {}),
    ...(firstDeployed ? { firstDeployed } : {}),
    ...(lastDeployed ? { lastDeployed } : {}),
    startedAt: lastDeployed ?? firstDeployed ?? new Date(0).toISOString(),
    ...(lastDeployed ? { finishedAt: lastDeployed } : {}),
    body: {
      config,
      // `helm get values --all`: the chart's values with the user's over them (Helm's CoalesceTables).
      values: coalesceTables(structuredClone(config), structuredClone(chartValues)),
      manifest: record.manifest ?? '',
      notes: info.notes ?? '',
      hooks: (record.hooks ?? []).map(hookFromHelm),
      objects: [],
    },
  };
}

function hookFromHelm(hook: HelmHook): HookRecord {
  const run = hook.last_run;
  const startedAt = isoTime(run?.started_at);
  const completedAt = isoTime(run?.completed_at);
  return {
    name: hook.name ?? '',
    kind: hook.kind ?? '',
    path: hook.path ?? '',
    events: hook.events ?? [],
    weight: hook.weight ?? 0,
    deletePolicies: hook.delete_policies ?? [],
    manifest: hook.manifest ?? '',
    ...(startedAt && run?.phase
      ? { lastRun: { startedAt, phase: run.phase, ...(completedAt ? { completedAt } : {}) } }
      : {}),
  };
}

/**
 * The record helm itself would have written for a quayside revision: enough for `helm list`,
 * `history`, `status`, `get values|manifest|notes|hooks` and `rollback` (which replays the stored
 * manifest). quayside keeps no chart templates, so the chart carries its metadata and values only.
 */
export function helmFromRevision(revision: Revision): HelmRelease {
  const { body, chart } = revision;
  const deployedAt = revision.lastDeployed ?? revision.finishedAt ?? revision.startedAt;
  return {
    name: revision.release.name,
    info: {
      first_deployed: revision.firstDeployed ?? revision.startedAt,
      last_deployed: deployedAt,
      description: revision.description,
      status: revision.status,
      ...(body.notes === '' ? {} : { notes: body.notes }),
    },
    chart: {
      metadata: {
        name: chart.name,
        version: chart.version,
        ...(chart.appVersion ? { appVersion: chart.appVersion } : {}),
        apiVersion: 'v2',
      },
      lock: null,
      templates: [],
      values: body.values,
      schema: null,
      files: [],
    },
    ...(Object.keys(body.config).length === 0 ? {} : { config: body.config }),
    ...(body.manifest === '' ? {} : { manifest: body.manifest }),
    ...(body.hooks.length === 0 ? {} : { hooks: body.hooks.map(hookToHelm) }),
    version: revision.revision,
    namespace: revision.release.namespace,
    // Client-side apply, so that helm's next upgrade or rollback takes the fields quayside applied
    // instead of stopping on server-side apply conflicts with quayside's field manager.
    apply_method: 'csa',
  };
}

function hookToHelm(hook: HookRecord): HelmHook {
  return {
    name: hook.name,
    kind: hook.kind,
    path: hook.path,
    manifest: hook.manifest,
    events: [...hook.events],
    last_run: hook.lastRun
      ? {
          started_at: hook.lastRun.startedAt,
          ...(hook.lastRun.completedAt ? { completed_at: hook.lastRun.completedAt } : {}),
          phase: hook.lastRun.phase,
        }
      : { phase: '' },
    ...(hook.weight === 0 ? {} : { weight: hook.weight }),
    ...(hook.deletePolicies.length === 0 ? {} : { delete_policies: [...hook.deletePolicies] }),
  };
}

function helmRecordKey(record: HelmRelease): string {
  return `${record.namespace ?? ''}/${record.name}.v${record.version}`;
}

/** Go's RFC 3339 time (nanoseconds, any offset) as an ISO time in UTC; undefined for none. */
export function isoTime(text: string | null | undefined): string | undefined {
  if (!text || text.startsWith('0001-01-01')) return undefined;
  const trimmed = text.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
