import { KubeOwnershipError } from './errors.ts';
import { MESSAGES } from './messages.ts';
import { describeRef, refOf } from './refs.ts';
import type { KubeObject, ReleaseRef } from './types.ts';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'quayside';
// Helm's own annotation names: objects a Helm release created are recognised as that release's.
export const RELEASE_NAME_ANNOTATION = 'meta.helm.sh/release-name';
export const RELEASE_NAMESPACE_ANNOTATION = 'meta.helm.sh/release-namespace';
export const RESOURCE_POLICY_ANNOTATION = 'helm.sh/resource-policy';
export const FIELD_MANAGER = 'quayside';

/** The object with quayside's ownership marks for `release` added (a copy; the input is not changed). */
export function markOwned(object: KubeObject, release: ReleaseRef): KubeObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      labels: { ...object.metadata.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      annotations: {
        ...object.metadata.annotations,
        [RELEASE_NAME_ANNOTATION]: release.name,
        [RELEASE_NAMESPACE_ANNOTATION]: release.namespace,
      },
    },
  };
}

/** The release a live object's annotations name, or undefined when it names none. */
export function ownerOf(live: KubeObject): ReleaseRef | undefined {
  const name = live.metadata.annotations?.[RELEASE_NAME_ANNOTATION];
  const namespace = live.metadata.annotations?.[RELEASE_NAMESPACE_ANNOTATION];
  return name && namespace ? { name, namespace } : undefined;
}

export function isManagedByQuayside(live: KubeObject): boolean {
  return live.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

export function isOwnedBy(live: KubeObject, release: ReleaseRef): boolean {
  const owner = ownerOf(live);
  return owner?.name === release.name && owner.namespace === release.namespace;
}

/**
 * Throws KubeOwnershipError unless `release` may write the live object: it carries this release's
 * annotations (whether quayside or Helm set the managed-by label: a Helm release of the same name and
 * namespace is adopted in place, as `helm upgrade` itself would do), or `takeOwnership` is given.
 */
export function assertMayOwn(live: KubeObject, release: ReleaseRef, takeOwnership: boolean): void {
  if (takeOwnership || isOwnedBy(live, release)) return;
  const owner = ownerOf(live);
  const refText = describeRef(refOf(live));
  if (owner) {
    throw new KubeOwnershipError(MESSAGES.ownedByRelease(refText, owner.name, owner.namespace), {
      ref: refOf(live),
      owner: { release: owner.name, namespace: owner.namespace },
    });
  }
  throw new KubeOwnershipError(MESSAGES.unmanaged(refText), { ref: refOf(live) });
}

/** True when the object asks to survive prune and uninstall (`helm.sh/resource-policy: keep`). */
export function isKept(object: KubeObject): boolean {
  return object.metadata.annotations?.[RESOURCE_POLICY_ANNOTATION] === 'keep';
}
