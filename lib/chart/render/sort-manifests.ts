import type { EngineFile } from '../engine/wasm-engine.ts';
import { ManifestParseError } from '../errors.ts';
import type { RenderedHook, RenderedManifest } from '../types.ts';
import { sortByKind } from './kind-order.ts';

export const HOOK_ANNOTATION = 'helm.sh/hook';
export const HOOK_WEIGHT_ANNOTATION = 'helm.sh/hook-weight';
export const HOOK_DELETE_ANNOTATION = 'helm.sh/hook-delete-policy';

const HOOK_EVENTS: Record<string, string> = {
  'pre-install': 'pre-install',
  'post-install': 'post-install',
  'pre-delete': 'pre-delete',
  'post-delete': 'post-delete',
  'pre-upgrade': 'pre-upgrade',
  'post-upgrade': 'post-upgrade',
  'pre-rollback': 'pre-rollback',
  'post-rollback': 'post-rollback',
  test: 'test',
  // Helm 2's name for test hooks, still accepted.
  'test-success': 'test',
};

/**
 * Helm's SortManifests: files in name order, each split into documents;
 * documents with a helm.sh/hook annotation become hooks (unknown hook events
 * drop the document, as Helm does), the rest manifests; both sorted by kind.
 * Throws ManifestParseError for the first file that is not valid YAML.
 */
export function sortManifests(files: Record<string, EngineFile>): {
  manifests: RenderedManifest[];
  hooks: RenderedHook[];
} {
  const manifests: RenderedManifest[] = [];
  const hooks: RenderedHook[] = [];
  for (const path of Object.keys(files).sort()) {
    const file = files[path]!;
    if (file.parseError) throw new ManifestParseError(file.parseError, path);
    for (const doc of file.documents ?? []) {
      const annotations = doc.annotations ?? {};
      const hookValue = annotations[HOOK_ANNOTATION];
      if (hookValue === undefined) {
        const manifest: RenderedManifest = { path, content: doc.content };
        if (doc.kind) manifest.kind = doc.kind;
        if (doc.name) manifest.name = doc.name;
        manifests.push(manifest);
        continue;
      }
      const events: string[] = [];
      let unknown = false;
      for (const raw of hookValue.split(',')) {
        const event = HOOK_EVENTS[raw.trim().toLowerCase()];
        if (!event) {
          unknown = true;
          break;
        }
        events.push(event);
      }
      if (unknown) continue;
      hooks.push({
        path,
        name: doc.name ?? '',
        kind: doc.kind ?? '',
        events,
        weight: hookWeight(annotations[HOOK_WEIGHT_ANNOTATION]),
        deletePolicies: splitPolicies(annotations[HOOK_DELETE_ANNOTATION]),
        manifest: doc.content,
      });
    }
  }
  return {
    manifests: sortByKind(manifests, (m) => m.kind ?? ''),
    hooks: sortByKind(hooks, (h) => h.kind),
  };
}

// Go's strconv.Atoi: optional sign, decimal digits, int64 range; else 0.
function hookWeight(value: string | undefined): number {
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return 0;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : 0;
}

function splitPolicies(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(',').map((p) => p.trim().toLowerCase());
}
