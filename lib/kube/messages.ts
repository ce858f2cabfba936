/** Every text quayside's kube part shows users, in one place. */
export const MESSAGES = {
  conflict: (ref: string, conflicts: readonly { manager: string; field: string }[]) =>
    `${ref}: apply conflicts with ${conflicts.map((c) => `field ${c.field} owned by "${c.manager}"`).join(', ')}; re-run with force to take these fields`,
  immutable: (ref: string, fields: readonly string[]) =>
    `${ref}: field ${fields.join(', ')} is immutable; re-run with force to delete and recreate this object`,
  invalid: (ref: string, detail: string) => `${ref}: invalid: ${detail}`,
  forbidden: (ref: string, detail: string) => `${ref}: forbidden: ${detail}`,
  forbiddenIn: (input: {
    cluster: string;
    verb: string;
    resource: string;
    namespace?: string;
    detail: string;
  }) =>
    `cluster "${input.cluster}" forbids ${input.verb} on ${input.resource} ${input.namespace ? `in namespace "${input.namespace}"` : 'at cluster scope'} (${input.detail}); the identity quayside uses there needs RBAC (a Role and RoleBinding) or an EKS access policy that allows it`,
  unauthorized: (cluster: string, detail: string) =>
    `cluster "${cluster}" does not accept quayside's credentials, even freshly made (401: ${detail}); on EKS the worker's role (or the role the cluster entry names) needs an access entry on the cluster, elsewhere check the kubeconfig's token or certificate`,
  notFound: (ref: string) => `${ref}: not found`,
  missingNamespace: (ref: string, namespace: string) => `${ref}: namespace "${namespace}" does not exist`,
  unknownKind: (apiVersion: string, kind: string) =>
    `the cluster does not serve ${kind} in ${apiVersion} (is its CustomResourceDefinition installed?)`,
  apiError: (ref: string, status: number, detail: string) =>
    `${ref}: API server answered ${status}: ${detail}`,
  transport: (ref: string, detail: string) => `${ref}: cannot reach the API server: ${detail}`,
  tls: (ref: string, detail: string) => `${ref}: the API server's certificate is not trusted: ${detail}`,
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
  notRead: 'the object was not read before applying it',
  notConnected: (cluster: string) => `no connection configured for cluster "${cluster}"`,
  badKubeconfig: (detail: string) => `the kubeconfig cannot be read: ${detail}`,
  execFailed: (command: string, detail: string) =>
    `the kubeconfig's credential plugin "${command}" failed: ${detail}`,
} as const;

/** Why an object is not ready yet, or failed: shown in wait timeouts and failures. */
export const HEALTH = {
  staleGeneration: (generation: number) => `waiting for the controller to observe generation ${generation}`,
  progressDeadline: (message: string | undefined) =>
    `ProgressDeadlineExceeded: ${message ?? 'rollout did not progress in time'}`,
  count: (done: number, want: number, what: string) => `${done} of ${want} ${what}`,
  oldReplicas: (count: number) => `${count} old replicas pending termination`,
  revision: (update: string, current: string) => `waiting for revision ${update} to replace ${current}`,
  condition: (reason: string, message: string) => `${reason}: ${message}`,
  jobFailed: 'job failed',
  podFailed: (message: string) => `pod failed: ${message}`,
  phase: (what: string, phase: string) => `${what} is ${phase}`,
  claimLost: 'claim lost its volume',
  loadBalancer: 'waiting for a load balancer address',
  establishing: 'waiting for the CustomResourceDefinition to be established',
  notReady: (status: string, message: string) => `Ready is ${status}: ${message}`,
  notFound: 'not found',
  notChecked: 'not checked yet',
  podFailure: (pod: string, reason: string, detail: string) => `pod ${pod}: ${reason}: ${detail}`,
} as const;

/** Progress events. */
export const PROGRESS = {
  retry: (attempt: number, error: string, delayMs: number) =>
    `attempt ${attempt} failed (${error}); retrying in ${delayMs} ms`,
  waiting: (pending: number, total: number) => `${pending} of ${total} objects not ready yet`,
  owner: (release: string, namespace: string) => `release "${release}" in namespace "${namespace}"`,
  noOwner: 'no release',
} as const;

/** What is wrong with a kubeconfig, or with using it here. */
export const KUBECONFIG_MESSAGES = {
  unreadable: (source: string, detail: string) => `cannot read kubeconfig ${source}: ${detail}`,
  invalid: (source: string, field: string, detail: string) =>
    `kubeconfig ${source} is invalid at ${field || 'its top level'}: ${detail}`,
  noCurrentContext: 'the kubeconfig sets no current-context; name a context',
  noContext: (context: string) => `the kubeconfig has no context "${context}"`,
  noCluster: (context: string, cluster: string) =>
    `context "${context}" names cluster "${cluster}", which the kubeconfig does not define`,
  noUser: (context: string, user: string) =>
    `context "${context}" names user "${user}", which the kubeconfig does not define`,
  authProvider: (context: string, provider: string) =>
    `context "${context}" uses the legacy auth-provider "${provider}", which quayside does not run; use an exec credential plugin (as kubectl 1.26+ requires) or a token`,
  execRefused: (context: string) =>
    `context "${context}" authenticates with an exec credential plugin, which this worker does not run (nothing may be executed in Lambda); register the cluster as an EKS cluster or use a token or client certificate`,
  execFailed: (context: string, command: string, detail: string) =>
    `the credential plugin "${command}" of context "${context}" failed: ${detail}`,
  execOutput: (context: string, command: string) =>
    `the credential plugin "${command}" of context "${context}" printed no ExecCredential with a token or client certificate`,
} as const;
