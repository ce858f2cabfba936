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

/**
 * API group versions built into Kubernetes, which Helm offers offline as
 * .Capabilities.APIVersions (Helm derives them from client-go's scheme).
 */
export const BUILTIN_API_VERSIONS: readonly string[] = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1beta1',
  'apiextensions.k8s.io/v1',
  'apiextensions.k8s.io/v1beta1',
  'apiregistration.k8s.io/v1',
  'apiregistration.k8s.io/v1beta1',
  'apps/v1',
  'apps/v1beta1',
  'apps/v1beta2',
  'authentication.k8s.io/v1',
  'authentication.k8s.io/v1beta1',
  'authorization.k8s.io/v1',
  'authorization.k8s.io/v1beta1',
  'autoscaling/v1',
  'autoscaling/v2',
  'autoscaling/v2beta1',
  'autoscaling/v2beta2',
  'batch/v1',
  'batch/v1beta1',
  'certificates.k8s.io/v1',
  'certificates.k8s.io/v1beta1',
  'coordination.k8s.io/v1',
  'coordination.k8s.io/v1beta1',
  'discovery.k8s.io/v1',
  'discovery.k8s.io/v1beta1',
  'events.k8s.io/v1',
  'events.k8s.io/v1beta1',
  'extensions/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1beta1',
  'networking.k8s.io/v1',
  'networking.k8s.io/v1beta1',
  'node.k8s.io/v1',
  'node.k8s.io/v1beta1',
  'policy/v1',
  'policy/v1beta1',
  'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1',
  'scheduling.k8s.io/v1',
  'scheduling.k8s.io/v1beta1',
  'storage.k8s.io/v1',
  'storage.k8s.io/v1beta1',
];

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
