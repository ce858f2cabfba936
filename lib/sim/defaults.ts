/** Defaulting as kube-apiserver does it on decode (the defaults.go of each API group), for the fields clients see. */
import { child, getArray, getObject, isObject, type JsonObject, setDefault } from './json.ts';

function defaultContainer(container: JsonObject): void {
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  const image = typeof container.image === 'string' ? container.image : '';
  const tag = image.includes('@') ? 'digest' : (image.split('/').pop() ?? '').split(':')[1];
  setDefault(container, 'imagePullPolicy', tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent');
  setDefault(container, 'resources', {});
  for (const port of getArray(container, ['ports'])) if (isObject(port)) setDefault(port, 'protocol', 'TCP');
  for (const env of getArray(container, ['env'])) {
    const fieldRef = getObject(env, ['valueFrom', 'fieldRef']);
    if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
  }
}

export function defaultPodSpec(spec: JsonObject): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const list of ['containers', 'initContainers']) {
    for (const container of getArray(spec, [list])) if (isObject(container)) defaultContainer(container);
  }
}

function defaultTemplate(spec: JsonObject): void {
  const template = getObject(spec, ['template']);
  if (!template) return;
  const podSpec = getObject(template, ['spec']);
  if (podSpec) defaultPodSpec(podSpec);
}

const PERCENT_25 = '25%';

const DEFAULTERS: Record<string, (object: JsonObject) => void> = {
  Namespace(object) {
    const name = getObject(object, ['metadata'])?.name;
    if (typeof name === 'string')
      child(child(object, 'metadata'), 'labels')['kubernetes.io/metadata.name'] = name;
    setDefault(child(object, 'spec'), 'finalizers', ['kubernetes']);
    setDefault(child(object, 'status'), 'phase', 'Active');
  },
  Secret(object) {
    if (object.type === '') delete object.type;
    setDefault(object, 'type', 'Opaque');
    const stringData = getObject(object, ['stringData']);
    if (stringData) {
      const data = child(object, 'data');
      for (const [key, value] of Object.entries(stringData))
        data[key] = Buffer.from(String(value)).toString('base64');
      delete object.stringData;
    }
  },
  Service(object) {
    const spec = child(object, 'spec');
    setDefault(spec, 'type', 'ClusterIP');
    setDefault(spec, 'sessionAffinity', 'None');
    if (spec.type !== 'ExternalName') {
      setDefault(spec, 'ipFamilies', ['IPv4']);
      setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
      setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer')
      setDefault(spec, 'externalTrafficPolicy', 'Cluster');
    if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
    for (const port of getArray(spec, ['ports'])) {
      if (!isObject(port)) continue;
      setDefault(port, 'protocol', 'TCP');
      if (port.port !== undefined) setDefault(port, 'targetPort', port.port);
    }
  },
  Pod(object) {
    defaultPodSpec(child(object, 'spec'));
  },
  PersistentVolumeClaim(object) {
    setDefault(child(object, 'spec'), 'volumeMode', 'Filesystem');
  },
  Deployment(object) {
    const spec = child(object, 'spec');
    setDefault(spec, 'replicas', 1);
    const strategy = child(spec, 'strategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const rolling = child(strategy, 'rollingUpdate');
      setDefault(rolling, 'maxUnavailable', PERCENT_25);
      setDefault(rolling, 'maxSurge', PERCENT_25);
    }
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'progressDeadlineSeconds', 600);
    defaultTemplate(spec);
  },
  ReplicaSet(object) {
    setDefault(child(object, 'spec'), 'replicas', 1);
    defaultTemplate(child(object, 'spec'));
  },
  StatefulSet(object) {
    const spec = child(object, 'spec');
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'podManagementPolicy', 'OrderedReady');
    const strategy = child(spec, 'updateStrategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') setDefault(child(strategy, 'rollingUpdate'), 'partition', 0);
    setDefault(spec, 'revisionHistoryLimit', 10);
    const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
    setDefault(retention, 'whenDeleted', 'Retain');
    setDefault(retention, 'whenScaled', 'Retain');
    defaultTemplate(spec);
  },
  DaemonSet(object) {
    const spec = child(object, 'spec');
    const strategy = child(spec, 'updateStrategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const rolling = child(strategy, 'rollingUpdate');
      setDefault(rolling, 'maxUnavailable', 1);
      setDefault(rolling, 'maxSurge', 0);
    }
    setDefault(spec, 'revisionHistoryLimit', 10);
    defaultTemplate(spec);
  },
  Job(object) {
    const spec = child(object, 'spec');
    setDefault(spec, 'parallelism', 1);
    setDefault(spec, 'completions', 1);
    setDefault(spec, 'backoffLimit', 6);
    setDefault(spec, 'completionMode', 'NonIndexed');
    setDefault(spec, 'suspend', false);
    defaultTemplate(spec);
  },
  CronJob(object) {
    const spec = child(object, 'spec');
    setDefault(spec, 'concurrencyPolicy', 'Allow');
    setDefault(spec, 'suspend', false);
    setDefault(spec, 'successfulJobsHistoryLimit', 3);
    setDefault(spec, 'failedJobsHistoryLimit', 1);
    const jobSpec = getObject(spec, ['jobTemplate', 'spec']);
    if (jobSpec) defaultTemplate(jobSpec);
  },
  Ingress() {},
};

/** Fills defaulted fields in place; fields the client set are never changed. */
export function applyDefaults(kind: string, object: JsonObject): void {
  DEFAULTERS[kind]?.(object);
}
