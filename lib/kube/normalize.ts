import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { KubeObject } from './types.ts';

// Metadata the API server sets or bumps on every write: showing it would make every diff noisy.
const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'selfLink',
];
// Annotations written by controllers and clients, not by the chart.
const SERVER_ANNOTATIONS = [
  'deployment.kubernetes.io/revision',
  'kubectl.kubernetes.io/last-applied-configuration',
];

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The object without status, managedFields and other server-set noise, keys sorted for stable output. */
export function normalizeForDiff(object: KubeObject): KubeObject {
  const { status: _status, ...rest } = object;
  const metadata: Record<string, unknown> = { ...object.metadata };
  for (const key of SERVER_METADATA) delete metadata[key];
  const annotations = { ...object.metadata.annotations };
  for (const key of SERVER_ANNOTATIONS) delete annotations[key];
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  return sortKeys({ ...rest, metadata }) as KubeObject;
}

/** YAML text of the normalized object, or '' for an absent one. */
export function toDiffYaml(object: KubeObject | undefined): string {
  return object ? stringify(normalizeForDiff(object), { lineWidth: 0 }) : '';
}

/**
 * Unified diff (three lines of context) between the live object and the one the server would keep;
 * '' when they are equal. `label` names both sides, e.g. `default/deployment/web`.
 */
const SECRET_FIELDS = ['data', 'stringData'] as const;

/**
 * Secrets with their values masked as `kubectl diff` masks them: `***` where both sides agree,
 * `*** (before)` / `*** (after)` where the value changes. The diff still shows which keys were
 * added, removed or changed, never what they hold.
 */
function maskSecretData(
  live: KubeObject | undefined,
  wanted: KubeObject | undefined,
): [KubeObject | undefined, KubeObject | undefined] {
  if ((live ?? wanted)?.kind !== 'Secret') return [live, wanted];
  const mask = (object: KubeObject | undefined, other: KubeObject | undefined, side: string) => {
    if (object === undefined) return undefined;
    const masked: KubeObject = { ...object };
    for (const field of SECRET_FIELDS) {
      const values = object[field] as Record<string, unknown> | undefined;
      if (values === null || typeof values !== 'object') continue;
      const others = (other?.[field] ?? {}) as Record<string, unknown>;
      masked[field] = Object.fromEntries(
        Object.keys(values).map((key) => [
          key,
          other !== undefined && others[key] !== undefined && others[key] !== values[key]
            ? `*** (${side})`
            : '***',
        ]),
      );
    }
    return masked;
  };
  return [mask(live, wanted, 'before'), mask(wanted, live, 'after')];
}

export function unifiedDiff(
  label: string,
  live: KubeObject | undefined,
  wanted: KubeObject | undefined,
): string {
  const [maskedLive, maskedWanted] = maskSecretData(live, wanted);
  const before = toDiffYaml(maskedLive);
  const after = toDiffYaml(maskedWanted);
  if (before === after) return '';
  const patch = createTwoFilesPatch(
    live ? `live/${label}` : '/dev/null',
    wanted ? `wanted/${label}` : '/dev/null',
    before,
    after,
    undefined,
    undefined,
    { context: 3 },
  );
  // Drop the `Index:`/`===` preamble jsdiff writes; keep the ---/+++ headers git and `helm diff` show.
  return patch.slice(patch.indexOf('---'));
}
