import { createTwoFilesPatch } from 'diff';
import {
  type HookRecord,
  type ReleaseId,
  ReleaseNotFoundError,
  type Revision,
  type RevisionBody,
  type RevisionMeta,
  ValidationError,
  type Values,
} from '../domain/index.ts';
import type { ListPage, ReleaseStore, ReleaseSummary } from '../store/index.ts';

/** `status`: the release and its latest (or a given) revision, with notes. It carries no values. */
export interface ReleaseStatusView {
  readonly summary: ReleaseSummary;
  readonly revision: RevisionMeta;
  readonly notes: string;
}

/** @throws ReleaseNotFoundError, RevisionNotFoundError */
export async function readStatus(
  store: ReleaseStore,
  release: ReleaseId,
  revision?: number,
): Promise<ReleaseStatusView> {
  return (await readStatusAndBody(store, release, revision)).view;
}

/**
 * The status view and, beside it, the revision's body (manifest, values, hooks), from one read of the
 * revision: for a caller that prints parts of both (`status`, `get all`, the summary after an action).
 * @throws ReleaseNotFoundError, RevisionNotFoundError
 */
export async function readStatusAndBody(
  store: ReleaseStore,
  release: ReleaseId,
  revision?: number,
): Promise<{ view: ReleaseStatusView; body: RevisionBody }> {
  const summary = await requireRelease(store, release);
  const { body, ...meta } = await store.getRevision(release, revision ?? summary.latestRevision);
  return { view: { summary, revision: meta, notes: body.notes }, body };
}

/**
 * Revisions oldest first, as `helm history` prints them; `max` keeps the newest N.
 * @throws ValidationError when max is below 1; ReleaseNotFoundError.
 */
export async function readHistory(
  store: ReleaseStore,
  release: ReleaseId,
  max = 256,
): Promise<RevisionMeta[]> {
  if (!(Number.isInteger(max) && max >= 1)) {
    throw new ValidationError([{ field: 'max', message: 'must be a whole number of at least 1' }]);
  }
  await requireRelease(store, release);
  const page = await store.history(release, { limit: max });
  return page.revisions.reverse();
}

export function listReleases(
  store: ReleaseStore,
  input: { cluster: string; namespace?: string; limit?: number; cursor?: string },
): Promise<ListPage> {
  return store.list(input);
}

/** `get values`: what the user supplied, or with `all` the computed values. */
export async function readValues(
  store: ReleaseStore,
  release: ReleaseId,
  options: { revision?: number; all?: boolean } = {},
): Promise<Values> {
  const revision = await readRevision(store, release, options.revision);
  return options.all ? revision.body.values : revision.body.config;
}

export async function readManifest(
  store: ReleaseStore,
  release: ReleaseId,
  revision?: number,
): Promise<string> {
  return (await readRevision(store, release, revision)).body.manifest;
}

export async function readNotes(store: ReleaseStore, release: ReleaseId, revision?: number): Promise<string> {
  return (await readRevision(store, release, revision)).body.notes;
}

export async function readHooks(
  store: ReleaseStore,
  release: ReleaseId,
  revision?: number,
): Promise<readonly HookRecord[]> {
  return (await readRevision(store, release, revision)).body.hooks;
}

/** A unified diff of two revisions' manifests (`diff revision NAME A B`). */
export async function diffRevisions(
  store: ReleaseStore,
  release: ReleaseId,
  from: number,
  to: number,
): Promise<string> {
  const [a, b] = await Promise.all([store.getRevision(release, from), store.getRevision(release, to)]);
  return createTwoFilesPatch(
    `${release.name} revision ${from}`,
    `${release.name} revision ${to}`,
    a.body.manifest,
    b.body.manifest,
    '',
    '',
    {
      context: 3,
    },
  );
}

/** The latest revision unless one is named. */
export async function readRevision(
  store: ReleaseStore,
  release: ReleaseId,
  revision?: number,
): Promise<Revision> {
  const summary = await requireRelease(store, release);
  return store.getRevision(release, revision ?? summary.latestRevision);
}

/** The release's head. @throws ReleaseNotFoundError when the store has no such release. */
export async function requireRelease(store: ReleaseStore, release: ReleaseId): Promise<ReleaseSummary> {
  const summary = await store.getRelease(release);
  if (summary === undefined) throw new ReleaseNotFoundError(release);
  return summary;
}
