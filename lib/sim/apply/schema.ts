/**
 * The slice of the Kubernetes OpenAPI schema that server-side apply needs: which lists are
 * associative (merged by key), which are sets, and which structs are atomic. Values follow the
 * `+listType`, `+listMapKey` and `+structType` markers in k8s.io/api.
 */
import { isObject, type JsonObject } from '../json.ts';

export type ListType =
  | { type: 'map'; keys: string[]; defaults?: Record<string, string> }
  | { type: 'set' }
  | { type: 'atomic' };

const BY_NAME: ListType = { type: 'map', keys: ['name'] };
const PROTOCOL_DEFAULT = { protocol: 'TCP' };

/** List types by the field's own name, for fields whose name alone says what they hold. */
const LISTS_BY_FIELD: Record<string, ListType> = {
  containers: BY_NAME,
  initContainers: BY_NAME,
  ephemeralContainers: BY_NAME,
  volumes: BY_NAME,
  env: BY_NAME,
  imagePullSecrets: BY_NAME,
  resourceClaims: BY_NAME,
  schedulingGates: BY_NAME,
  volumeMounts: { type: 'map', keys: ['mountPath'] },
  volumeDevices: { type: 'map', keys: ['devicePath'] },
  resizePolicy: { type: 'map', keys: ['resourceName'] },
  hostAliases: { type: 'map', keys: ['ip'] },
  topologySpreadConstraints: { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] },
  conditions: { type: 'map', keys: ['type'] },
  ownerReferences: { type: 'map', keys: ['uid'] },
  finalizers: { type: 'set' },
};

/** Struct fields that are atomic: LabelSelector and the `*KeyRef`/`fieldRef` selectors are `+structType=atomic`. */
const ATOMIC_STRUCTS = new Set([
  'podSelector',
  'namespaceSelector',
  'labelSelector',
  'fieldRef',
  'resourceFieldRef',
  'configMapKeyRef',
  'secretKeyRef',
]);

/** Where in an object a field sits: the kind and the field names from the root (list items skipped). */
export interface SchemaPosition {
  kind: string;
  custom: boolean;
  /** The custom resource's openAPIV3Schema, whose x-kubernetes-* markers say what lists and maps are. */
  schema?: JsonObject | undefined;
  names: readonly string[];
}

export function listTypeAt(position: SchemaPosition): ListType {
  if (position.custom && position.names[0] !== 'metadata')
    return customListType(schemaAt(position.schema, position.names));
  const name = position.names[position.names.length - 1] ?? '';
  if (name === 'ports') {
    const parent = position.names[position.names.length - 2];
    // Service ports merge by (port, protocol); container ports by (containerPort, protocol).
    if (position.kind === 'Service' && parent === 'spec' && position.names.length === 2) {
      return { type: 'map', keys: ['port', 'protocol'], defaults: PROTOCOL_DEFAULT };
    }
    if (parent === 'containers' || parent === 'initContainers' || parent === 'ephemeralContainers') {
      return { type: 'map', keys: ['containerPort', 'protocol'], defaults: PROTOCOL_DEFAULT };
    }
    return { type: 'atomic' };
  }
  return LISTS_BY_FIELD[name] ?? { type: 'atomic' };
}

export function isAtomicStruct(position: SchemaPosition): boolean {
  if (position.custom && position.names[0] !== 'metadata') {
    const node = schemaAt(position.schema, position.names);
    return node?.['x-kubernetes-map-type'] === 'atomic';
  }
  const name = position.names[position.names.length - 1] ?? '';
  if (ATOMIC_STRUCTS.has(name)) return true;
  // `selector` is a LabelSelector (atomic) everywhere except Service, whose selector is a plain map.
  return name === 'selector' && position.kind !== 'Service';
}

/** The schema node of a field, stepping through array items (field paths skip list positions). */
export function schemaAt(schema: JsonObject | undefined, names: readonly string[]): JsonObject | undefined {
  let node: JsonObject | undefined = schema;
  for (const name of names) {
    if (!node) return undefined;
    const container: JsonObject | undefined =
      node.type === 'array' && isObject(node.items) ? node.items : node;
    const properties = container.properties;
    const next = isObject(properties) ? properties[name] : undefined;
    node = isObject(next) ? next : undefined;
  }
  return node;
}

/** CRD lists are atomic unless x-kubernetes-list-type says map (with list-map-keys) or set. */
function customListType(node: JsonObject | undefined): ListType {
  const listType = node?.['x-kubernetes-list-type'];
  const keys = node?.['x-kubernetes-list-map-keys'];
  if (listType === 'map' && Array.isArray(keys)) return { type: 'map', keys: keys.map(String) };
  if (listType === 'set') return { type: 'set' };
  return { type: 'atomic' };
}
