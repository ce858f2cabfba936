/**
 * ControllerRevisions, as the StatefulSet and DaemonSet controllers keep them: one per pod
 * template, named `<owner>-<hash>` (the name status.updateRevision and the pods'
 * controller-revision-hash label refer to), numbered in the order the templates were used, at most
 * revisionHistoryLimit kept besides the ones in use.
 */
import { clone, getNumber, getObject, getString, type JsonObject } from '../json.ts';
import { ownerReference } from './client.ts';
import type { ControllerContext } from './context.ts';

const DEFAULT_HISTORY_LIMIT = 10;

/** Makes sure the revision for `hash` exists and is the newest; returns its name. */
export function ensureControllerRevision(
  context: ControllerContext,
  owner: JsonObject,
  hash: string,
  keep: readonly string[] = [],
): string {
  const { client } = context;
  const ownerName = getString(owner, ['metadata', 'name']) ?? '';
  const namespace = getString(owner, ['metadata', 'namespace']) ?? '';
  const name = `${ownerName}-${hash}`;
  const revisions = client.owned('ControllerRevision', owner);
  const newest = Math.max(0, ...revisions.map((r) => getNumber(r, ['revision']) ?? 0));
  const existing = revisions.find((r) => getString(r, ['metadata', 'name']) === name);
  if (!existing) {
    client.create('ControllerRevision', {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace,
        labels: {
          ...(getObject(owner, ['spec', 'selector', 'matchLabels']) ?? {}),
          'controller-revision-hash': hash,
        },
        ownerReferences: [ownerReference(owner)],
      },
      // The real controllers keep a patch that restores the template; the template itself serves as well.
      data: {
        spec: { template: { ...clone(getObject(owner, ['spec', 'template']) ?? {}), $patch: 'replace' } },
      },
      revision: newest + 1,
    });
  } else if ((getNumber(existing, ['revision']) ?? 0) < newest) {
    // Going back to an earlier template makes its revision the newest again, as with `rollout undo`.
    client.update('ControllerRevision', { ...existing, revision: newest + 1 });
  }
  prune(context, owner, [name, ...keep]);
  return name;
}

function prune(context: ControllerContext, owner: JsonObject, inUse: readonly string[]): void {
  const limit = getNumber(owner, ['spec', 'revisionHistoryLimit']) ?? DEFAULT_HISTORY_LIMIT;
  const old = context.client
    .owned('ControllerRevision', owner)
    .filter((r) => !inUse.includes(getString(r, ['metadata', 'name']) ?? ''))
    .sort((a, b) => (getNumber(a, ['revision']) ?? 0) - (getNumber(b, ['revision']) ?? 0));
  for (const revision of old.slice(0, Math.max(0, old.length - limit))) {
    context.client.delete('ControllerRevision', revision);
  }
}
