import { ChartError } from '../errors.ts';
import { RENDER_MESSAGES } from '../messages.ts';
import type { CapabilitiesInput } from '../types.ts';
import { HELM_OFFLINE_API_VERSIONS } from './api-versions.ts';

/**
 * The Kubernetes version `helm template` assumes when none is given. Released Helm binaries take
 * it from the client-go they are built with (Helm 4.1.4: client-go v0.35 → v1.35.0); v1.20.0 is
 * only the default of Helm's own unit tests.
 */
export const DEFAULT_KUBE_VERSION = 'v1.35.0';

/** The Helm release whose behaviour quayside reproduces (.Capabilities.HelmVersion), as that binary reports it. */
export const HELM_VERSION = {
  version: 'v4.1.4',
  git_commit: '05fa37973dc9e42b76e1d2883494c87174b6074f',
  git_tree_state: 'clean',
  go_version: 'go1.25.9',
  kube_client_version: 'v1.35',
};

/** .Capabilities.KubeVersion as Helm 4 builds it. */
export interface KubeVersion {
  /** The version as given, with a leading "v" (v1.29.3-eks-adc7111). */
  version: string;
  /** Its numeric part (v1.29.3): what `{{ .Capabilities.KubeVersion }}` prints and constraints check. */
  normalized: string;
  major: string;
  minor: string;
}

// Kubernetes' "generic" version syntax (k8s.io/apimachinery ParseGeneric): two or more numeric
// fields, the first without leading zeros, then anything at all.
const GENERIC_VERSION = /^[\t\n\f\r ]*v?([0-9]+(?:\.[0-9]+)*)(.*)$/;

/**
 * Parses a Kubernetes version as Helm 4's ParseKubeVersion does ("1.29" → v1.29,
 * "v1.29.3-eks-adc7111" keeps its suffix, which constraints ignore). Throws ChartError with
 * Helm's reason.
 */
export function parseKubeVersion(text: string): KubeVersion {
  const m = GENERIC_VERSION.exec(text);
  if (!m) throw new ChartError(RENDER_MESSAGES.unparsableVersion(text));
  const components = m[1]!.split('.');
  if (components.length < 2) throw new ChartError(RENDER_MESSAGES.illegalVersion(text));
  if (components[0]!.startsWith('0') && components[0] !== '0') {
    throw new ChartError(RENDER_MESSAGES.zeroPrefixed(components[0]!, text));
  }
  const numbers = components.map((c) => {
    const n = BigInt(c);
    if (n > 0xffff_ffff_ffff_ffffn) throw new ChartError(RENDER_MESSAGES.outOfRange(c, text));
    return n.toString();
  });
  return {
    version: text.startsWith('v') ? text : `v${text}`,
    normalized: `v${numbers.join('.')}`,
    major: numbers[0]!,
    minor: numbers[1]!,
  };
}

/**
 * The capabilities a render sees. With a live cluster (install, upgrade, diff, dry-run), its own
 * version and API versions, as `helm install` reads them through discovery: the version is the
 * server's gitVersion, which constraints check whole (so `>=1.21.0-0` admits v1.29.3-eks-…), and the
 * API versions are the cluster's group/versions and group/version/Kinds. Without one (template), the
 * given or default version and Helm's offline set plus any extra API versions.
 */
export function resolveCapabilities(input: CapabilitiesInput | undefined): {
  kubeVersion: KubeVersion;
  apiVersions: string[];
} {
  const cluster = input?.cluster;
  if (cluster) {
    return {
      kubeVersion: {
        version: cluster.gitVersion,
        normalized: cluster.gitVersion,
        major: cluster.major,
        minor: cluster.minor,
      },
      apiVersions: [...cluster.apiVersions],
    };
  }
  const kubeVersion = parseKubeVersion(input?.kubeVersion ?? DEFAULT_KUBE_VERSION);
  return { kubeVersion, apiVersions: [...HELM_OFFLINE_API_VERSIONS, ...(input?.apiVersions ?? [])] };
}
