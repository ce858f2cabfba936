import type { JsonObject } from './json.ts';

/** The resource types the simulator serves, as discovery describes them. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Has a /status subresource, so status is written only through it. */
  hasStatus: boolean;
  /** metadata.generation is kept and bumped on spec changes. */
  tracksGeneration: boolean;
  /** Served from a CustomResourceDefinition. */
  custom?: boolean;
  /** openAPIV3Schema of a custom resource's version. */
  schema?: JsonObject;
  /** Whether /scale is served (listed in discovery only). */
  hasScale?: boolean;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const RESOURCE_VERBS: readonly string[] = VERBS;

function core(
  kind: string,
  plural: string,
  extra: Partial<ResourceType> & { namespaced?: boolean } = {},
): ResourceType {
  return {
    group: '',
    version: 'v1',
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced: true,
    hasStatus: false,
    tracksGeneration: false,
    ...extra,
  };
}

function grouped(
  group: string,
  version: string,
  kind: string,
  plural: string,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced: true,
    hasStatus: true,
    tracksGeneration: true,
    ...extra,
  };
}

export const BUILT_IN_RESOURCES: readonly ResourceType[] = [
  core('Namespace', 'namespaces', { namespaced: false, shortNames: ['ns'], hasStatus: true }),
  core('ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  core('Secret', 'secrets'),
  core('Service', 'services', { shortNames: ['svc'], hasStatus: true, categories: ['all'] }),
  core('ServiceAccount', 'serviceaccounts', { shortNames: ['sa'] }),
  core('Endpoints', 'endpoints', { shortNames: ['ep'], singular: 'endpoints' }),
  core('Pod', 'pods', { shortNames: ['po'], hasStatus: true, categories: ['all'] }),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', { shortNames: ['pvc'], hasStatus: true }),
  core('Event', 'events', { shortNames: ['ev'] }),
  core('Node', 'nodes', { namespaced: false, shortNames: ['no'], hasStatus: true }),
  core('PersistentVolume', 'persistentvolumes', { namespaced: false, shortNames: ['pv'], hasStatus: true }),
  core('LimitRange', 'limitranges', { shortNames: ['limits'] }),
  core('ResourceQuota', 'resourcequotas', { shortNames: ['quota'], hasStatus: true }),
  grouped('apps', 'v1', 'Deployment', 'deployments', {
    shortNames: ['deploy'],
    categories: ['all'],
    hasScale: true,
  }),
  grouped('apps', 'v1', 'ReplicaSet', 'replicasets', {
    shortNames: ['rs'],
    categories: ['all'],
    hasScale: true,
  }),
  grouped('apps', 'v1', 'StatefulSet', 'statefulsets', {
    shortNames: ['sts'],
    categories: ['all'],
    hasScale: true,
  }),
  grouped('apps', 'v1', 'DaemonSet', 'daemonsets', { shortNames: ['ds'], categories: ['all'] }),
  grouped('batch', 'v1', 'Job', 'jobs', { categories: ['all'] }),
  grouped('batch', 'v1', 'CronJob', 'cronjobs', { shortNames: ['cj'], categories: ['all'] }),
  grouped('networking.k8s.io', 'v1', 'Ingress', 'ingresses', { shortNames: ['ing'] }),
  grouped('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', {
    shortNames: ['netpol'],
    hasStatus: false,
  }),
  grouped('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', { shortNames: ['pdb'] }),
  grouped('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', {
    shortNames: ['hpa'],
    categories: ['all'],
    tracksGeneration: false,
  }),
  grouped('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', { hasStatus: false, tracksGeneration: false }),
  grouped('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', {
    hasStatus: false,
    tracksGeneration: false,
  }),
  grouped('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', {
    namespaced: false,
    hasStatus: false,
    tracksGeneration: false,
  }),
  grouped('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', {
    namespaced: false,
    hasStatus: false,
    tracksGeneration: false,
  }),
  grouped('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', {
    namespaced: false,
    shortNames: ['sc'],
    hasStatus: false,
    tracksGeneration: false,
  }),
  grouped('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', {
    namespaced: false,
    hasStatus: false,
  }),
  grouped('scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', {
    namespaced: false,
    shortNames: ['pc'],
    hasStatus: false,
    tracksGeneration: false,
  }),
  grouped('coordination.k8s.io', 'v1', 'Lease', 'leases', { hasStatus: false, tracksGeneration: false }),
  grouped('apps', 'v1', 'ControllerRevision', 'controllerrevisions', {
    hasStatus: false,
    tracksGeneration: false,
  }),
  grouped(
    'admissionregistration.k8s.io',
    'v1',
    'ValidatingWebhookConfiguration',
    'validatingwebhookconfigurations',
    {
      namespaced: false,
      hasStatus: false,
    },
  ),
  grouped(
    'admissionregistration.k8s.io',
    'v1',
    'MutatingWebhookConfiguration',
    'mutatingwebhookconfigurations',
    {
      namespaced: false,
      hasStatus: false,
    },
  ),
  grouped('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', {
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
  }),
];

/** Group versions served, in the order discovery lists them (core first, like kube-apiserver). */
export function groupVersionOf(resource: ResourceType): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

/** Key that identifies a resource type regardless of version. */
export function resourceKey(resource: ResourceType): string {
  return `${resource.group}/${resource.plural}`;
}

/** Built-in types plus the custom resources of Established CRDs; lookups by URL parts or by kind. */
export class ResourceRegistry {
  private readonly custom = new Map<string, ResourceType>();

  all(): ResourceType[] {
    return [...BUILT_IN_RESOURCES, ...this.custom.values()];
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.all().find((r) => r.group === group && r.version === version && r.plural === plural);
  }

  findByKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.all().find((r) => groupVersionOf(r) === apiVersion && r.kind === kind);
  }

  builtIn(kind: string): ResourceType {
    const found = BUILT_IN_RESOURCES.find((r) => r.kind === kind);
    if (!found) throw new Error(`no built-in kind ${kind}`);
    return found;
  }

  addCustom(resources: ResourceType[], crdName: string): void {
    this.removeCustom(crdName);
    for (const r of resources) this.custom.set(`${crdName}|${r.version}`, r);
  }

  removeCustom(crdName: string): void {
    for (const key of [...this.custom.keys()]) if (key.startsWith(`${crdName}|`)) this.custom.delete(key);
  }

  clearCustom(): void {
    this.custom.clear();
  }
}
