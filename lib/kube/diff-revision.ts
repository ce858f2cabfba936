import { type ApplyRevisionInput, replaces, takesConflicts } from './apply.ts';
import { clientFor, type KubeClient } from './client.ts';
import { KubeError, KubeImmutableFieldError, KubeUnknownKindError } from './errors.ts';
import { unifiedDiff } from './normalize.ts';
import { sortForInstall, sortForUninstall } from './order.ts';
import { assertMayOwn, isKept, isManagedByQuayside, isOwnedBy, markOwned } from './ownership.ts';
import { mapConcurrently, placeObject } from './placement.ts';
import { identityOf, refOf } from './refs.ts';
import type { KubeObject, ObjectRef, ReleaseRef } from './types.ts';

/** What applying would take; a diff does not run objects concurrently, so no `concurrency`. */
export type DiffRevisionInput = Omit<ApplyRevisionInput, 'concurrency'>;

/** What applying would do to one object. `recreate`: an immutable field changed and force is on. */
export type DiffAction = 'create' | 'update' | 'unchanged' | 'recreate' | 'delete' | 'keep' | 'failed';

export interface ObjectDiff extends ObjectRef {
  action: DiffAction;
  /** Unified YAML diff of live vs would-be object; '' when unchanged or kept. */
  diff: string;
  error?: KubeError;
}

export interface DiffResult {
  /** False when some object could not be applied as asked (its error says why). */
  ok: boolean;
  objects: ObjectDiff[];
  /** Every object's diff, in apply order then pruned objects. */
  diff: string;
}

const DIFF_CONCURRENCY = 8;

function label(ref: ObjectRef): string {
  return `${ref.namespace ? `${ref.namespace}/` : ''}${ref.kind.toLowerCase()}/${ref.name}`;
}

function asKubeError(error: unknown, ref: ObjectRef): KubeError {
  return error instanceof KubeError ? error : new KubeError(String(error), { ref, cause: error });
}

async function diffOne(
  client: KubeClient,
  input: DiffRevisionInput,
  object: KubeObject,
  defined: Set<string>,
): Promise<ObjectDiff> {
  const ref = refOf(object);
  let live: KubeObject | undefined;
  let wanted: KubeObject | undefined;
  try {
    const placed = markOwned(
      placeObject(object, await client.resource(ref), input.release, input.allowNamespaces),
      input.release,
    );
    live = await client.get(refOf(placed));
    if (live) assertMayOwn(live, input.release, input.takeOwnership ?? false);
    wanted = placed;
    // As apply does: a Helm-installed object of this release is adopted with force.
    const fromHelm = live !== undefined && !isManagedByQuayside(live) && isOwnedBy(live, input.release);
    const dry = await client.apply(placed, { force: takesConflicts(input) || fromHelm, dryRun: true });
    const diff = unifiedDiff(label(refOf(placed)), live, dry.object);
    const action = !live ? 'create' : diff ? 'update' : 'unchanged';
    return { ...refOf(placed), action, diff };
  } catch (error) {
    // The server cannot dry-run an instance of a CRD this very revision installs; show the manifest.
    if (
      error instanceof KubeUnknownKindError &&
      defined.has(`${object.apiVersion.split('/')[0]}/${object.kind}`)
    ) {
      return {
        ...ref,
        action: 'create',
        diff: unifiedDiff(label(ref), undefined, markOwned(object, input.release)),
      };
    }
    if (error instanceof KubeImmutableFieldError && replaces(input) && wanted) {
      return {
        ...refOf(wanted),
        action: 'recreate',
        diff: unifiedDiff(label(refOf(wanted)), live, wanted),
        error,
      };
    }
    return { ...ref, action: 'failed', diff: '', error: asKubeError(error, ref) };
  }
}

async function diffPruned(client: KubeClient, release: ReleaseRef, object: KubeObject): Promise<ObjectDiff> {
  const ref = refOf(object);
  if (isKept(object) || object.kind === 'CustomResourceDefinition')
    return { ...ref, action: 'keep', diff: '' };
  try {
    const resource = await client.resource(ref);
    const placed: ObjectRef = resource.namespaced
      ? { ...ref, namespace: ref.namespace ?? release.namespace }
      : { ...ref, namespace: undefined };
    if (!placed.namespace) delete placed.namespace;
    const live = await client.get(placed);
    if (!live) return { ...placed, action: 'unchanged', diff: '' };
    if (isKept(live) || !isOwnedBy(live, release)) return { ...placed, action: 'keep', diff: '' };
    return { ...placed, action: 'delete', diff: unifiedDiff(label(placed), live, undefined) };
  } catch (error) {
    if (error instanceof KubeUnknownKindError) return { ...ref, action: 'unchanged', diff: '' };
    return { ...ref, action: 'failed', diff: '', error: asKubeError(error, ref) };
  }
}

/**
 * What applying the revision would change, computed by the API server with a dry-run server-side
 * apply of every object (nothing is written), plus the objects pruning would delete. Diffs leave out
 * managedFields, status and other server-set metadata.
 */
export async function diffRevision(input: DiffRevisionInput): Promise<DiffResult> {
  const client = clientFor(input);
  const ordered = sortForInstall(input.objects);
  const defined = new Set(
    ordered
      .filter((o) => o.kind === 'CustomResourceDefinition')
      .map((o) => o.spec as { group?: string; names?: { kind?: string } })
      .map((spec) => `${spec.group}/${spec.names?.kind}`),
  );
  const applied = await mapConcurrently(ordered, DIFF_CONCURRENCY, (o) => diffOne(client, input, o, defined));
  const current = new Set(
    ordered.map((o) =>
      identityOf({ ...refOf(o), namespace: o.metadata.namespace ?? input.release.namespace }),
    ),
  );
  const dropped = (input.previousObjects ?? []).filter(
    (o) =>
      !current.has(identityOf({ ...refOf(o), namespace: o.metadata.namespace ?? input.release.namespace })),
  );
  const pruned = await mapConcurrently(sortForUninstall(dropped), DIFF_CONCURRENCY, (o) =>
    diffPruned(client, input.release, o),
  );
  const objects = [...applied, ...pruned];
  for (const o of objects)
    input.onProgress?.({ phase: 'diff', ref: o, message: o.error?.message ?? o.action });
  return {
    ok: objects.every((o) => o.action !== 'failed'),
    objects,
    diff: objects.map((o) => o.diff).join(''),
  };
}
