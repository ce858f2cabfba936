/**
 * Field names of the built-in types, for refusing what the schema does not declare. kube-apiserver
 * types every applied configuration against its OpenAPI schema (an unknown field fails with
 * "field not declared in schema") and, with fieldValidation=Strict, decodes JSON bodies strictly
 * ("strict decoding error: unknown field"). Only the types below are checked; everything under
 * a field not listed here is accepted as is.
 */
import { isObject, type JsonObject, type JsonValue } from './json.ts';

type Shape = { fields: Record<string, Shape | null>; listItems?: boolean; keyedBy?: string };

const open: null = null;
const names = (list: string, shapes: Record<string, Shape> = {}): Record<string, Shape | null> =>
  Object.fromEntries(list.split(' ').map((name) => [name, shapes[name] ?? open]));

const metadata: Shape = {
  fields: names(
    'name generateName namespace selfLink uid resourceVersion generation creationTimestamp deletionTimestamp deletionGracePeriodSeconds labels annotations ownerReferences finalizers managedFields',
  ),
};
const envVar: Shape = { fields: names('name value valueFrom'), listItems: true, keyedBy: 'name' };
const containerPort: Shape = {
  fields: names('name hostPort containerPort protocol hostIP'),
  listItems: true,
};
const container: Shape = {
  fields: names(
    'name image command args workingDir ports envFrom env resources resizePolicy restartPolicy volumeMounts volumeDevices livenessProbe readinessProbe startupProbe lifecycle terminationMessagePath terminationMessagePolicy imagePullPolicy securityContext stdin stdinOnce tty',
    { ports: containerPort, env: envVar },
  ),
  listItems: true,
  keyedBy: 'name',
};
const podSpec: Shape = {
  fields: names(
    'volumes initContainers containers ephemeralContainers restartPolicy terminationGracePeriodSeconds activeDeadlineSeconds dnsPolicy nodeSelector serviceAccountName serviceAccount automountServiceAccountToken nodeName hostNetwork hostPID hostIPC shareProcessNamespace securityContext imagePullSecrets hostname subdomain affinity schedulerName tolerations hostAliases priorityClassName priority dnsConfig readinessGates runtimeClassName enableServiceLinks preemptionPolicy overhead topologySpreadConstraints setHostnameAsFQDN os hostUsers schedulingGates resourceClaims resources',
    { containers: container, initContainers: container },
  ),
};
const podTemplate: Shape = { fields: { metadata, spec: podSpec } };
const servicePort: Shape = {
  fields: names('name protocol appProtocol port targetPort nodePort'),
  listItems: true,
};

const specs: Record<string, Shape> = {
  Deployment: {
    fields: names(
      'replicas selector template strategy minReadySeconds revisionHistoryLimit paused progressDeadlineSeconds',
      { template: podTemplate },
    ),
  },
  ReplicaSet: { fields: names('replicas minReadySeconds selector template', { template: podTemplate }) },
  StatefulSet: {
    fields: names(
      'replicas selector template volumeClaimTemplates serviceName podManagementPolicy updateStrategy revisionHistoryLimit minReadySeconds persistentVolumeClaimRetentionPolicy ordinals',
      { template: podTemplate },
    ),
  },
  DaemonSet: {
    fields: names('selector template updateStrategy minReadySeconds revisionHistoryLimit', {
      template: podTemplate,
    }),
  },
  Job: {
    fields: names(
      'parallelism completions activeDeadlineSeconds podFailurePolicy successPolicy backoffLimit backoffLimitPerIndex maxFailedIndexes selector manualSelector template ttlSecondsAfterFinished completionMode suspend podReplacementPolicy managedBy',
      { template: podTemplate },
    ),
  },
  Pod: podSpec,
  Service: {
    fields: names(
      'ports selector clusterIP clusterIPs type externalIPs sessionAffinity loadBalancerIP loadBalancerSourceRanges externalName externalTrafficPolicy healthCheckNodePort publishNotReadyAddresses sessionAffinityConfig ipFamilies ipFamilyPolicy allocateLoadBalancerNodePorts loadBalancerClass internalTrafficPolicy trafficDistribution',
      { ports: servicePort },
    ),
  },
};

const TOP_LEVEL: Record<string, string> = {
  ConfigMap: 'data binaryData immutable',
  Secret: 'data stringData type immutable',
  ServiceAccount: 'secrets imagePullSecrets automountServiceAccountToken',
  Role: 'rules',
  ClusterRole: 'rules aggregationRule',
  RoleBinding: 'subjects roleRef',
  ClusterRoleBinding: 'subjects roleRef',
  Endpoints: 'subsets',
};

function shapeOf(kind: string): Shape | undefined {
  const base = 'apiVersion kind metadata';
  if (specs[kind]) return { fields: { ...names(`${base} status`), metadata, spec: specs[kind] } };
  if (TOP_LEVEL[kind]) return { fields: { ...names(`${base} ${TOP_LEVEL[kind]}`), metadata } };
  return undefined;
}

export interface UnknownField {
  /** As structured-merge-diff prints it: `.spec.template.spec.containers[name="web"].imagePolicy`. */
  applyPath: string;
  /** As the strict JSON decoder prints it: `spec.template.spec.containers[0].imagePolicy`. */
  decodePath: string;
}

/** Fields of `object` its kind's schema does not declare; empty for kinds not described here. */
export function findUnknownFields(kind: string, object: JsonObject): UnknownField[] {
  const found: UnknownField[] = [];
  const visit = (value: JsonValue | undefined, shape: Shape, applyPath: string, decodePath: string): void => {
    if (!isObject(value)) return;
    for (const [name, child] of Object.entries(value)) {
      if (!(name in shape.fields)) {
        found.push({
          applyPath: `${applyPath}.${name}`,
          decodePath: decodePath ? `${decodePath}.${name}` : name,
        });
        continue;
      }
      const childShape = shape.fields[name];
      if (!childShape) continue;
      if (childShape.listItems && Array.isArray(child)) {
        child.forEach((item, index) => {
          const key =
            childShape.keyedBy && isObject(item)
              ? `[${childShape.keyedBy}=${JSON.stringify(item[childShape.keyedBy])}]`
              : `[${index}]`;
          visit(
            item,
            childShape,
            `${applyPath}.${name}${key}`,
            `${decodePath ? `${decodePath}.` : ''}${name}[${index}]`,
          );
        });
      } else visit(child, childShape, `${applyPath}.${name}`, decodePath ? `${decodePath}.${name}` : name);
    }
  };
  const shape = shapeOf(kind);
  if (shape) visit(object, shape, '', '');
  return found;
}

/** Removes undeclared fields in place, as a non-strict decode into Go structs drops them. */
export function dropUnknownFields(kind: string, object: JsonObject): string[] {
  const unknown = findUnknownFields(kind, object);
  for (const field of unknown) {
    const parts = field.decodePath.split('.');
    let node: JsonValue | undefined = object;
    for (const part of parts.slice(0, -1)) {
      const match = part.match(/^(.*)\[(\d+)\]$/);
      node = isObject(node) ? node[match ? (match[1] ?? '') : part] : undefined;
      if (match && Array.isArray(node)) node = node[Number(match[2])];
    }
    if (isObject(node)) delete node[parts[parts.length - 1] ?? ''];
  }
  return unknown.map((u) => u.decodePath);
}
