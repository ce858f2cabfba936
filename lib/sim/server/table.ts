/**
 * `meta.k8s.io/v1` Table answers for `kubectl get`, which asks for them in its Accept header. Columns
 * follow kube-apiserver's printers (pkg/printers/internalversion) for the kinds people list most;
 * other kinds get NAME and AGE.
 */
import {
  getArray,
  getNumber,
  getObject,
  getString,
  isObject,
  type JsonObject,
  type JsonValue,
} from '../json.ts';
import type { ResourceType } from '../resources.ts';

type Cell = string | number;
interface Column {
  name: string;
  type: 'string' | 'integer';
  cell: (object: JsonObject) => Cell;
  priority?: number;
}

/** Durations as kubectl's HumanDuration prints them: 45s, 5m3s, 12m, 3h4m, 20h, 3d4h, 90d. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 192) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  return days < 730 ? `${days}d` : `${Math.floor(days / 365)}y`;
}

const num = (object: JsonObject, path: string[]) => getNumber(object, path) ?? 0;
const ready = (have: number, want: number) => `${have}/${want}`;

function podStatus(pod: JsonObject): string {
  if (getObject(pod, ['metadata'])?.deletionTimestamp) return 'Terminating';
  for (const status of getArray(pod, ['status', 'containerStatuses'])) {
    const waiting = getString(status, ['state', 'waiting', 'reason']);
    if (waiting) return waiting;
    const terminated = getString(status, ['state', 'terminated', 'reason']);
    if (terminated && getString(pod, ['status', 'phase']) !== 'Succeeded') return terminated;
  }
  const phase = getString(pod, ['status', 'phase']) ?? 'Pending';
  return phase === 'Succeeded' ? 'Completed' : phase;
}

function servicePorts(service: JsonObject): string {
  const ports = getArray(service, ['spec', 'ports']).filter(isObject);
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function externalIp(service: JsonObject): string {
  const ingress = getArray(service, ['status', 'loadBalancer', 'ingress']).filter(isObject);
  if (getString(service, ['spec', 'type']) === 'LoadBalancer')
    return ingress.map((i) => String(i.ip ?? i.hostname ?? '')).join(',') || '<pending>';
  if (getString(service, ['spec', 'type']) === 'ExternalName')
    return getString(service, ['spec', 'externalName']) ?? '<none>';
  return '<none>';
}

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    {
      name: 'Ready',
      type: 'string',
      cell: (p) =>
        ready(
          getArray(p, ['status', 'containerStatuses']).filter((s) => isObject(s) && s.ready === true).length,
          getArray(p, ['spec', 'containers']).length,
        ),
    },
    { name: 'Status', type: 'string', cell: podStatus },
    {
      name: 'Restarts',
      type: 'string',
      cell: (p) =>
        String(
          getArray(p, ['status', 'containerStatuses']).reduce<number>(
            (sum, s) => sum + (getNumber(s, ['restartCount']) ?? 0),
            0,
          ),
        ),
    },
    { name: 'IP', type: 'string', priority: 1, cell: (p) => getString(p, ['status', 'podIP']) ?? '<none>' },
    {
      name: 'Node',
      type: 'string',
      priority: 1,
      cell: (p) => getString(p, ['spec', 'nodeName']) ?? '<none>',
    },
  ],
  Deployment: [
    {
      name: 'Ready',
      type: 'string',
      cell: (d) => ready(num(d, ['status', 'readyReplicas']), num(d, ['spec', 'replicas'])),
    },
    { name: 'Up-to-date', type: 'integer', cell: (d) => num(d, ['status', 'updatedReplicas']) },
    { name: 'Available', type: 'integer', cell: (d) => num(d, ['status', 'availableReplicas']) },
  ],
  ReplicaSet: [
    { name: 'Desired', type: 'integer', cell: (r) => num(r, ['spec', 'replicas']) },
    { name: 'Current', type: 'integer', cell: (r) => num(r, ['status', 'replicas']) },
    { name: 'Ready', type: 'integer', cell: (r) => num(r, ['status', 'readyReplicas']) },
  ],
  StatefulSet: [
    {
      name: 'Ready',
      type: 'string',
      cell: (s) => ready(num(s, ['status', 'readyReplicas']), num(s, ['spec', 'replicas'])),
    },
  ],
  DaemonSet: [
    { name: 'Desired', type: 'integer', cell: (d) => num(d, ['status', 'desiredNumberScheduled']) },
    { name: 'Current', type: 'integer', cell: (d) => num(d, ['status', 'currentNumberScheduled']) },
    { name: 'Ready', type: 'integer', cell: (d) => num(d, ['status', 'numberReady']) },
    { name: 'Up-to-date', type: 'integer', cell: (d) => num(d, ['status', 'updatedNumberScheduled']) },
    { name: 'Available', type: 'integer', cell: (d) => num(d, ['status', 'numberAvailable']) },
  ],
  Job: [
    {
      name: 'Status',
      type: 'string',
      cell: (j) =>
        getArray(j, ['status', 'conditions']).some(
          (c) => isObject(c) && c.type === 'Complete' && c.status === 'True',
        )
          ? 'Complete'
          : getArray(j, ['status', 'conditions']).some(
                (c) => isObject(c) && c.type === 'Failed' && c.status === 'True',
              )
            ? 'Failed'
            : 'Running',
    },
    {
      name: 'Completions',
      type: 'string',
      cell: (j) => ready(num(j, ['status', 'succeeded']), getNumber(j, ['spec', 'completions']) ?? 1),
    },
  ],
  Service: [
    { name: 'Type', type: 'string', cell: (s) => getString(s, ['spec', 'type']) ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cell: (s) => getString(s, ['spec', 'clusterIP']) ?? '<none>' },
    { name: 'External-IP', type: 'string', cell: externalIp },
    { name: 'Port(s)', type: 'string', cell: servicePorts },
  ],
  Namespace: [{ name: 'Status', type: 'string', cell: (n) => getString(n, ['status', 'phase']) ?? 'Active' }],
  Node: [
    {
      name: 'Status',
      type: 'string',
      cell: (n) =>
        getArray(n, ['status', 'conditions']).some(
          (c) => isObject(c) && c.type === 'Ready' && c.status === 'True',
        )
          ? 'Ready'
          : 'NotReady',
    },
    {
      name: 'Roles',
      type: 'string',
      cell: (n) =>
        Object.keys(getObject(n, ['metadata', 'labels']) ?? {})
          .filter((l) => l.startsWith('node-role.kubernetes.io/'))
          .map((l) => l.slice('node-role.kubernetes.io/'.length))
          .join(',') || '<none>',
    },
    {
      name: 'Version',
      type: 'string',
      cell: (n) => getString(n, ['status', 'nodeInfo', 'kubeletVersion']) ?? '',
    },
  ],
  PersistentVolumeClaim: [
    { name: 'Status', type: 'string', cell: (c) => getString(c, ['status', 'phase']) ?? 'Pending' },
    { name: 'Volume', type: 'string', cell: (c) => getString(c, ['spec', 'volumeName']) ?? '' },
    { name: 'Capacity', type: 'string', cell: (c) => getString(c, ['status', 'capacity', 'storage']) ?? '' },
    {
      name: 'Access Modes',
      type: 'string',
      cell: (c) =>
        getArray(c, ['status', 'accessModes'])
          .map((m) =>
            m === 'ReadWriteOnce'
              ? 'RWO'
              : m === 'ReadOnlyMany'
                ? 'ROX'
                : m === 'ReadWriteMany'
                  ? 'RWX'
                  : String(m),
          )
          .join(','),
    },
  ],
  ConfigMap: [
    {
      name: 'Data',
      type: 'integer',
      cell: (c) =>
        Object.keys(getObject(c, ['data']) ?? {}).length +
        Object.keys(getObject(c, ['binaryData']) ?? {}).length,
    },
  ],
  Secret: [
    { name: 'Type', type: 'string', cell: (s) => getString(s, ['type']) ?? 'Opaque' },
    { name: 'Data', type: 'integer', cell: (s) => Object.keys(getObject(s, ['data']) ?? {}).length },
  ],
};

/** Events print without NAME and AGE first, as the real event printer lays them out. */
function eventColumns(now: number): Column[] {
  const ago = (path: string[]) => (o: JsonObject) =>
    humanDuration(now - Date.parse(getString(o, path) ?? ''));
  return [
    { name: 'Last Seen', type: 'string', cell: ago(['lastTimestamp']) },
    { name: 'Type', type: 'string', cell: (e) => getString(e, ['type']) ?? '' },
    { name: 'Reason', type: 'string', cell: (e) => getString(e, ['reason']) ?? '' },
    {
      name: 'Object',
      type: 'string',
      cell: (e) =>
        `${(getString(e, ['involvedObject', 'kind']) ?? '').toLowerCase()}/${getString(e, ['involvedObject', 'name']) ?? ''}`,
    },
    { name: 'Message', type: 'string', cell: (e) => getString(e, ['message']) ?? '' },
    { name: 'Name', type: 'string', priority: 1, cell: (e) => getString(e, ['metadata', 'name']) ?? '' },
  ];
}

export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((part) => part.includes('as=Table') && part.includes('g=meta.k8s.io'));
}

/** A Table of `objects`; rows carry the object's metadata, or the whole object when asked for. */
export function buildTable(options: {
  resource: ResourceType;
  objects: JsonObject[];
  resourceVersion: string;
  now: number;
  includeObject: string | null;
}): JsonObject {
  const specific = options.resource.custom ? [] : (COLUMNS[options.resource.kind] ?? []);
  const isEvent = options.resource.kind === 'Event' && !options.resource.custom;
  const columns: Column[] = isEvent
    ? eventColumns(options.now)
    : [
        { name: 'Name', type: 'string', cell: (o) => getString(o, ['metadata', 'name']) ?? '' },
        ...specific.filter((c) => !c.priority),
        {
          name: 'Age',
          type: 'string',
          cell: (o) =>
            humanDuration(options.now - Date.parse(getString(o, ['metadata', 'creationTimestamp']) ?? '')),
        },
        ...specific.filter((c) => c.priority),
      ];
  const rowObject = (object: JsonObject): JsonValue =>
    options.includeObject === 'Object'
      ? object
      : options.includeObject === 'None'
        ? null
        : {
            kind: 'PartialObjectMetadata',
            apiVersion: 'meta.k8s.io/v1',
            metadata: getObject(object, ['metadata']) ?? {},
          };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: options.resourceVersion },
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.name === 'Name' ? 'name' : '',
      description: '',
      priority: c.priority ?? 0,
    })),
    rows: options.objects.map((object) => ({
      cells: columns.map((c) => c.cell(object)),
      object: rowObject(object),
    })),
  };
}
