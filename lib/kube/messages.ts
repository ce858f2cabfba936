/** Every text quayside's kube part shows users, in one place. */
export const MESSAGES = {
  conflict: (ref: string, conflicts: readonly { manager: string; field: string }[]) =>
    `${ref}: apply conflicts with ${conflicts.map((c) => `field ${c.field} owned by "${c.manager}"`).join(', ')}; re-run with force to take these fields`,
  immutable: (ref: string, fields: readonly string[]) =>
    `${ref}: field ${fields.join(', ')} is immutable; re-run with force to delete and recreate this object`,
  invalid: (ref: string, detail: string) => `${ref}: invalid: ${detail}`,
  forbidden: (ref: string, detail: string) => `${ref}: forbidden: ${detail}`,
  notFound: (ref: string) => `${ref}: not found`,
  missingNamespace: (ref: string, namespace: string) => `${ref}: namespace "${namespace}" does not exist`,
  unknownKind: (apiVersion: string, kind: string) =>
    `the cluster does not serve ${kind} in ${apiVersion} (is its CustomResourceDefinition installed?)`,
  apiError: (ref: string, status: number, detail: string) =>
    `${ref}: API server answered ${status}: ${detail}`,
  transport: (ref: string, detail: string) => `${ref}: cannot reach the API server: ${detail}`,
  deadline: (what: string) => `deadline passed while ${what}`,
  ownedByRelease: (ref: string, release: string, namespace: string) =>
    `${ref} exists and belongs to release "${release}" in namespace "${namespace}"; use take-ownership to adopt it`,
  unmanaged: (ref: string) => `${ref} exists and is not managed by a release; use take-ownership to adopt it`,
  namespaceNotAllowed: (ref: string, namespace: string, releaseNamespace: string) =>
    `${ref} is in namespace "${namespace}" but the release is in "${releaseNamespace}"; allow the namespace to apply it there`,
  keep: 'kept: helm.sh/resource-policy=keep',
  neverPruneCrd: 'kept: CustomResourceDefinitions are never deleted',
  alreadyAbsent: 'already absent',
  notOwned: (owner: string) => `left alone: owned by ${owner}`,
  recreated: (fields: readonly string[]) => `recreated: immutable field ${fields.join(', ')}`,
  waitFailed: (ref: string, reason: string) => `${ref}: ${reason}`,
  waitTimeout: (laggards: readonly string[]) => `timed out waiting for ${laggards.join('; ')}`,
  notConnected: (cluster: string) => `no connection configured for cluster "${cluster}"`,
} as const;
