/**
 * Validation as kube-apiserver's pkg/apis/<group>/validation does it, for the rules clients hit
 * in practice: names, required fields, selectors, port ranges, and immutable fields on update.
 */
import { type StatusCause, StatusError } from './errors.ts';
import { goLabelSelector, goScalar, goString, goStringMap, goStringSlice } from './go-format.ts';
import { deepEqual, getArray, getObject, getPath, getString, isObject, type JsonObject } from './json.ts';
import { MESSAGES } from './messages.ts';
import type { ResourceType } from './resources.ts';

export type FieldErrorType = 'Invalid' | 'Required' | 'Forbidden' | 'Unsupported';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: string;
  detail?: string;
}

const REASONS: Record<FieldErrorType, string> = {
  Invalid: 'FieldValueInvalid',
  Required: 'FieldValueRequired',
  Forbidden: 'FieldValueForbidden',
  Unsupported: 'FieldValueNotSupported',
};

function errorBody(error: FieldError): string {
  switch (error.type) {
    case 'Invalid':
      return `Invalid value: ${error.value}: ${error.detail}`;
    case 'Unsupported':
      return `Unsupported value: ${error.value}${error.detail ? `: ${error.detail}` : ''}`;
    case 'Required':
      return `Required value${error.detail ? `: ${error.detail}` : ''}`;
    default:
      return `Forbidden${error.detail ? `: ${error.detail}` : ''}`;
  }
}

/** The 422 Invalid status kube-apiserver answers for field errors (errors.NewInvalid). */
export function invalidError(resource: ResourceType, name: string, errors: FieldError[]): StatusError {
  const texts = errors.map((e) => `${e.field}: ${errorBody(e)}`);
  const summary = texts.length === 1 ? (texts[0] ?? '') : `[${texts.join(', ')}]`;
  const causes: StatusCause[] = errors.map((e) => ({
    reason: REASONS[e.type],
    message: errorBody(e),
    field: e.field,
  }));
  return new StatusError({
    code: 422,
    reason: 'Invalid',
    message: MESSAGES.invalid(resource, name, summary),
    details: { name, ...(resource.group ? { group: resource.group } : {}), kind: resource.kind, causes },
  });
}

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function validateName(resource: ResourceType, name: string): FieldError[] {
  if (!name)
    return [{ type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' }];
  if (resource.kind === 'Namespace') {
    if (!LABEL.test(name) || name.length > 63)
      return [
        { type: 'Invalid', field: 'metadata.name', value: goString(name), detail: MESSAGES.dns1123Label },
      ];
    return [];
  }
  if (resource.kind === 'Service') {
    if (!DNS1035.test(name) || name.length > 63)
      return [
        { type: 'Invalid', field: 'metadata.name', value: goString(name), detail: MESSAGES.dns1035Label },
      ];
    return [];
  }
  if (resource.custom || resource.kind === 'CustomResourceDefinition') {
    return SUBDOMAIN.test(name)
      ? []
      : [
          {
            type: 'Invalid',
            field: 'metadata.name',
            value: goString(name),
            detail: MESSAGES.dns1123Subdomain,
          },
        ];
  }
  if (!SUBDOMAIN.test(name) || name.length > 253) {
    return [
      { type: 'Invalid', field: 'metadata.name', value: goString(name), detail: MESSAGES.dns1123Subdomain },
    ];
  }
  return [];
}

function validateContainers(spec: JsonObject | undefined, field: string): FieldError[] {
  const errors: FieldError[] = [];
  const containers = getArray(spec, ['containers']);
  if (containers.length === 0) return [{ type: 'Required', field: `${field}.containers`, detail: '' }];
  containers.forEach((container, index) => {
    const at = `${field}.containers[${index}]`;
    if (!getString(container, ['name'])) errors.push({ type: 'Required', field: `${at}.name` });
    if (!getString(container, ['image'])) errors.push({ type: 'Required', field: `${at}.image` });
    getArray(container, ['ports']).forEach((port, portIndex) => {
      const value = getPath(port, ['containerPort']);
      if (typeof value !== 'number' || value < 1 || value > 65535) {
        errors.push({
          type: 'Invalid',
          field: `${at}.ports[${portIndex}].containerPort`,
          value: goScalar(value ?? 0),
          detail: 'must be between 1 and 65535, inclusive',
        });
      }
    });
  });
  return errors.map((e) => (e.type === 'Required' && e.detail === '' ? { type: e.type, field: e.field } : e));
}

function selectorMatches(selector: JsonObject | undefined, labels: JsonObject | undefined): boolean {
  const matchLabels = getObject(selector, ['matchLabels']) ?? {};
  return Object.entries(matchLabels).every(([key, value]) => labels?.[key] === value);
}

function validateWorkload(object: JsonObject, options: { selectorRequired: boolean }): FieldError[] {
  const errors: FieldError[] = [];
  const spec = getObject(object, ['spec']);
  const selector = getObject(spec, ['selector']);
  const replicas = getPath(spec, ['replicas']);
  if (typeof replicas === 'number' && replicas < 0) {
    errors.push({
      type: 'Invalid',
      field: 'spec.replicas',
      value: String(replicas),
      detail: 'must be greater than or equal to 0',
    });
  }
  if (options.selectorRequired && !selector) errors.push({ type: 'Required', field: 'spec.selector' });
  else if (
    selector &&
    Object.keys(getObject(selector, ['matchLabels']) ?? {}).length === 0 &&
    getArray(selector, ['matchExpressions']).length === 0
  ) {
    errors.push({
      type: 'Invalid',
      field: 'spec.selector',
      value: goLabelSelector(selector),
      detail: 'empty selector is invalid for deployment',
    });
  }
  const labels = getObject(spec, ['template', 'metadata', 'labels']);
  if (selector && !selectorMatches(selector, labels)) {
    errors.push({
      type: 'Invalid',
      field: 'spec.template.metadata.labels',
      value: goStringMap(labels),
      detail: MESSAGES.selectorMismatch,
    });
  }
  errors.push(...validateContainers(getObject(spec, ['template', 'spec']), 'spec.template.spec'));
  return errors;
}

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function validateService(object: JsonObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = getObject(object, ['spec']);
  const type = getString(spec, ['type']) ?? 'ClusterIP';
  if (!SERVICE_TYPES.includes(type)) {
    errors.push({
      type: 'Unsupported',
      field: 'spec.type',
      value: goString(type),
      detail: `supported values: ${SERVICE_TYPES.map(goString).join(', ')}`,
    });
    return errors;
  }
  const ports = getArray(spec, ['ports']);
  if (type !== 'ExternalName' && ports.length === 0 && getString(spec, ['clusterIP']) !== 'None') {
    errors.push({ type: 'Required', field: 'spec.ports' });
  }
  ports.forEach((port, index) => {
    const value = getPath(port, ['port']);
    if (typeof value !== 'number' || value < 1 || value > 65535) {
      errors.push({
        type: 'Invalid',
        field: `spec.ports[${index}].port`,
        value: goScalar(value ?? 0),
        detail: 'must be between 1 and 65535, inclusive',
      });
    }
    const nodePort = getPath(port, ['nodePort']);
    if (nodePort !== undefined && nodePort !== 0 && type === 'ClusterIP') {
      errors.push({
        type: 'Forbidden',
        field: `spec.ports[${index}].nodePort`,
        detail: "may not be used when `type` is 'ClusterIP'",
      });
    } else if (typeof nodePort === 'number' && nodePort !== 0 && (nodePort < 30000 || nodePort > 32767)) {
      errors.push({
        type: 'Invalid',
        field: `spec.ports[${index}].nodePort`,
        value: String(nodePort),
        detail: 'provided port is not in the valid range. The range of valid ports is 30000-32767',
      });
    }
  });
  return errors;
}

function validateJob(object: JsonObject): FieldError[] {
  const errors = validateContainers(getObject(object, ['spec', 'template', 'spec']), 'spec.template.spec');
  const restart = getString(object, ['spec', 'template', 'spec', 'restartPolicy']);
  if (restart !== 'OnFailure' && restart !== 'Never') {
    errors.push({
      type: 'Unsupported',
      field: 'spec.template.spec.restartPolicy',
      value: goString(restart ?? ''),
      detail: 'supported values: "OnFailure", "Never"',
    });
  }
  return errors;
}

const CREATE_VALIDATORS: Record<string, (object: JsonObject) => FieldError[]> = {
  Deployment: (o) => validateWorkload(o, { selectorRequired: true }),
  ReplicaSet: (o) => validateWorkload(o, { selectorRequired: true }),
  StatefulSet: (o) => validateWorkload(o, { selectorRequired: true }),
  DaemonSet: (o) => validateWorkload(o, { selectorRequired: true }),
  Service: validateService,
  Job: validateJob,
  Pod: (o) => validateContainers(getObject(o, ['spec']), 'spec'),
};

/** Field errors of an object about to be stored (create or update). */
export function validateObject(resource: ResourceType, object: JsonObject): FieldError[] {
  const name = getString(object, ['metadata', 'name']) ?? '';
  return [...validateName(resource, name), ...(CREATE_VALIDATORS[resource.kind]?.(object) ?? [])];
}

function immutable(field: string, value: string): FieldError {
  return { type: 'Invalid', field, value, detail: MESSAGES.fieldImmutable };
}

const STATEFULSET_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
  'revisionHistoryLimit',
];

const UPDATE_VALIDATORS: Record<string, (old: JsonObject, next: JsonObject) => FieldError[]> = {
  Deployment: selectorImmutable,
  ReplicaSet: selectorImmutable,
  DaemonSet: selectorImmutable,
  StatefulSet(old, next) {
    const errors = selectorImmutable(old, next);
    const strip = (o: JsonObject) =>
      Object.fromEntries(
        Object.entries(getObject(o, ['spec']) ?? {}).filter(
          ([k]) => !STATEFULSET_MUTABLE.includes(k) && k !== 'selector',
        ),
      );
    if (!deepEqual(strip(old), strip(next))) {
      errors.push({
        type: 'Forbidden',
        field: 'spec',
        detail:
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      });
    }
    return errors;
  },
  Job(old, next) {
    const errors = selectorImmutable(old, next);
    if (!deepEqual(getPath(old, ['spec', 'template']), getPath(next, ['spec', 'template']))) {
      // kube-apiserver prints the whole internal core.PodTemplateSpec here; the simulator prints its JSON.
      errors.push(
        immutable(
          'spec.template',
          `core.PodTemplateSpec${JSON.stringify(getPath(next, ['spec', 'template']))}`,
        ),
      );
    }
    return errors;
  },
  Service(old, next) {
    const oldIPs = getArray(old, ['spec', 'clusterIPs']);
    const newIPs = getArray(next, ['spec', 'clusterIPs']);
    const errors: FieldError[] = [];
    if (
      getString(old, ['spec', 'type']) === 'ExternalName' ||
      getString(next, ['spec', 'type']) === 'ExternalName'
    )
      return errors;
    oldIPs.forEach((ip, index) => {
      if (newIPs.length > 0 && newIPs[index] !== undefined && newIPs[index] !== ip) {
        errors.push({
          type: 'Invalid',
          field: `spec.clusterIPs[${index}]`,
          value: goStringSlice(newIPs),
          detail: MESSAGES.mayNotChange,
        });
      }
    });
    return errors;
  },
  PersistentVolumeClaim(old, next) {
    const strip = (o: JsonObject) => {
      const spec = { ...(getObject(o, ['spec']) ?? {}) };
      delete spec.resources;
      delete spec.volumeAttributesClassName;
      delete spec.volumeName;
      return spec;
    };
    if (deepEqual(strip(old), strip(next))) return [];
    return [
      {
        type: 'Forbidden',
        field: 'spec',
        detail:
          'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
      },
    ];
  },
};

function selectorImmutable(old: JsonObject, next: JsonObject): FieldError[] {
  const before = getPath(old, ['spec', 'selector']);
  const after = getPath(next, ['spec', 'selector']);
  return deepEqual(before, after) ? [] : [immutable('spec.selector', goLabelSelector(after))];
}

/** Field errors of an update, immutable fields included; the new object's own validity is checked too. */
export function validateUpdate(resource: ResourceType, old: JsonObject, next: JsonObject): FieldError[] {
  return [...validateObject(resource, next), ...(UPDATE_VALIDATORS[resource.kind]?.(old, next) ?? [])];
}

export function isObjectBody(value: unknown): value is JsonObject {
  return isObject(value);
}
