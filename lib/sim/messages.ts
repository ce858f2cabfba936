/**
 * Message texts, worded as kube-apiserver words them (k8s.io/apimachinery/pkg/api/errors,
 * pkg/apis/core/validation, structured-merge-diff) so clients that print them read the same.
 */
import type { ResourceType } from './resources.ts';

export function qualifiedResource(resource: ResourceType): string {
  return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

export function qualifiedKind(resource: ResourceType): string {
  return resource.group ? `${resource.kind}.${resource.group}` : resource.kind;
}

export const MESSAGES = {
  watchListNeedsNotOlderThan:
    'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
  watchListNeedsBookmarks:
    'allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true',
  invalidListOptions: (problems: string[]) =>
    `ListOptions.meta.k8s.io "" is invalid: ${problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`}`,
  notFound: (resource: ResourceType, name: string) => `${qualifiedResource(resource)} "${name}" not found`,
  alreadyExists: (resource: ResourceType, name: string) =>
    `${qualifiedResource(resource)} "${name}" already exists`,
  preconditionFailed: (resource: ResourceType, name: string, field: string, wanted: string, actual: string) =>
    `Operation cannot be fulfilled on ${qualifiedResource(resource)} "${name}": Precondition failed: ${field} in precondition: ${wanted}, ${field} in object meta: ${actual}`,
  resourceVersionConflict: (resource: ResourceType, name: string) =>
    `Operation cannot be fulfilled on ${qualifiedResource(resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
  invalid: (resource: ResourceType, name: string, causes: string) =>
    `${qualifiedKind(resource)} "${name}" is invalid: ${causes}`,
  namespaceTerminating: (name: string) =>
    `object is being deleted: namespace ${name} is being terminated, so new content may not be created in it`,
  forbiddenNamespaceTerminating: (resource: ResourceType, name: string, namespace: string) =>
    `${qualifiedResource(resource)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
  unauthorized: 'Unauthorized',
  notFoundPath: 'the server could not find the requested resource',
  methodNotAllowed: (verb: string, resource: ResourceType) =>
    `the server does not allow this method on the requested resource (${verb} ${qualifiedResource(resource)})`,
  unsupportedPatch: (type: string) =>
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${type})`,
  unsupportedBody: (type: string) =>
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got ${type})`,
  managerRequired:
    'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
  forceOnlyForApply:
    'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
  nameMismatch: (bodyName: string) =>
    `the name of the object (${bodyName}) does not match the name on the URL`,
  namespaceMismatch: 'the namespace of the provided object does not match the namespace sent on the request',
  badJson: (detail: string) => `error decoding request body: ${detail}`,
  typedPatch: (where: string, detail: string) => `failed to create typed patch object (${where}): ${detail}`,
  tooManyRequests: 'the server has received too many requests and has asked us to try again later',
  internalError: 'an error on the server ("injected fault") has prevented the request from succeeding',
  serviceUnavailable: 'the server is currently unable to handle the request',
  fieldImmutable: 'field is immutable',
  mayNotChange: 'may not change once set',
  required: 'Required value',
  mustBeNonEmpty: 'must be non-empty',
  maxLength: (n: number) => `must be no more than ${n} characters`,
  qualifiedNamePart:
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  labelKeyShape:
    "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
  labelValue:
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  dns1123Subdomain:
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  dns1123Label:
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  dns1035Label:
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  selectorMismatch: '`selector` does not match template `labels`',
  imagePullBackOff: (image: string) => `Back-off pulling image "${image}"`,
  errImagePull: (image: string) =>
    `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": not found`,
  crashLoopBackOff: (container: string, pod: string, uid: string) =>
    `back-off 10s restarting failed container=${container} pod=${pod}_(${uid})`,
  progressDeadline: (rs: string) => `ReplicaSet "${rs}" has timed out progressing.`,
  newReplicaSetAvailable: (rs: string) => `ReplicaSet "${rs}" has successfully progressed.`,
  replicaSetUpdated: (rs: string) => `ReplicaSet "${rs}" is progressing.`,
  newReplicaSetCreated: (rs: string) => `Created new replica set "${rs}"`,
  minimumAvailable: 'Deployment has minimum availability.',
  crdNamesAccepted: 'no conflicts found',
  crdEstablished: 'the initial names have been accepted',
  scaledReplicaSet: (direction: 'up' | 'down', rs: string, from: number, to: number) =>
    `Scaled ${direction} replica set ${rs} from ${from} to ${to}`,
  jobCompleted: 'Reached expected number of succeeded pods',
  jobBackoffLimit: 'Job has reached the specified backoff limit',
  podScheduled: (namespace: string, name: string, node: string) =>
    `Successfully assigned ${namespace}/${name} to ${node}`,
  podCreated: (name: string) => `Created pod: ${name}`,
  podDeleted: (name: string) => `Deleted pod: ${name}`,
  imagePresent: (image: string) => `Container image "${image}" already present on machine`,
  containerCreated: (name: string) => `Created container: ${name}`,
  containerStarted: (name: string) => `Started container ${name}`,
  errorReason: (reason: string) => `Error: ${reason}`,
  restartBackOff: (container: string, pod: string, namespace: string, uid: string) =>
    `Back-off restarting failed container ${container} in pod ${pod}_${namespace}(${uid})`,
  nameRequired: 'name or generateName is required',
  portRange: 'must be between 1 and 65535, inclusive',
  notNegative: 'must be greater than or equal to 0',
  emptySelector: 'empty selector is invalid for deployment',
  nodePortRange: 'provided port is not in the valid range. The range of valid ports is 30000-32767',
  nodePortForClusterIP: "may not be used when `type` is 'ClusterIP'",
  supportedValues: (values: string[]) =>
    `supported values: ${values.map((v) => JSON.stringify(v)).join(', ')}`,
  statefulSetForbidden:
    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  claimSpecImmutable:
    'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
  noMinimumAvailable: 'Deployment does not have minimum availability.',
} as const;

/** Printed when `--state` saving works again after failures. */
export const stateSavedAgain = (dir: string) => `simulator state in ${dir} is saved again`;
