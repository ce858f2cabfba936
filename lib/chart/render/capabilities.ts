import { ChartError } from '../errors.ts';
import { RENDER_MESSAGES } from '../messages.ts';
import type { CapabilitiesInput } from '../types.ts';

/** The Kubernetes version helm template assumes when none is given. */
export const DEFAULT_KUBE_VERSION = 'v1.20.0';

/** The Helm release whose behaviour quayside reproduces (.Capabilities.HelmVersion). */
export const HELM_VERSION = {
  version: 'v3.21.4',
  git_commit: '',
  git_tree_state: 'clean',
  go_version: 'go1.19.8',
};

// Kinds served by each built-in API group version. Helm's offline set has
// both "group/version" and "group/version/Kind" entries, so charts can ask
// .Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget".
const BUILTIN_KINDS: Record<string, string[]> = {
  v1: [
    'Binding',
    'ConfigMap',
    'Endpoints',
    'Event',
    'LimitRange',
    'Namespace',
    'Node',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'Pod',
    'PodTemplate',
    'ReplicationController',
    'ResourceQuota',
    'Secret',
    'Service',
    'ServiceAccount',
  ],
  'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'apiregistration.k8s.io/v1': ['APIService'],
  'apps/v1': ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'],
  'autoscaling/v1': ['HorizontalPodAutoscaler'],
  'autoscaling/v2': ['HorizontalPodAutoscaler'],
  'batch/v1': ['CronJob', 'Job'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
  'coordination.k8s.io/v1': ['Lease'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
  'events.k8s.io/v1': ['Event'],
  'networking.k8s.io/v1': ['Ingress', 'IngressClass', 'NetworkPolicy'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'policy/v1': ['PodDisruptionBudget'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'storage.k8s.io/v1': ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
};

/** Built-in API versions offered offline as .Capabilities.APIVersions. */
export const BUILTIN_API_VERSIONS: readonly string[] = Object.entries(BUILTIN_KINDS).flatMap(
  ([gv, kinds]) => [gv, ...kinds.map((kind) => `${gv}/${kind}`)],
);

export interface KubeVersion {
  version: string;
  major: string;
  minor: string;
}

/** Parses a Kubernetes version as Helm's ParseKubeVersion ("1.29" → v1.29.0). Throws ChartError. */
export function parseKubeVersion(text: string): KubeVersion {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!m) throw new ChartError(RENDER_MESSAGES.invalidKubeVersion(text));
  const major = String(Number(m[1]));
  const minor = String(Number(m[2] ?? '0'));
  const patch = String(Number(m[3] ?? '0'));
  return { version: `v${major}.${minor}.${patch}${m[4] ?? ''}${m[5] ?? ''}`, major, minor };
}

export function resolveCapabilities(input: CapabilitiesInput | undefined): {
  kubeVersion: KubeVersion;
  apiVersions: string[];
} {
  return {
    kubeVersion: parseKubeVersion(input?.kubeVersion ?? DEFAULT_KUBE_VERSION),
    apiVersions: [...BUILTIN_API_VERSIONS, ...(input?.apiVersions ?? [])],
  };
}
