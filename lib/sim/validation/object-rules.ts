/** Rules every stored object of a kind must satisfy, on create and update alike. */
import { goLabelSelector, goScalar, goString, goStringMap } from '../go-format.ts';
import { getArray, getObject, getPath, getString, type JsonObject } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import type { ResourceType } from '../resources.ts';
import { checkAgainstSchema } from './custom-schema.ts';
import type { FieldError } from './field-errors.ts';
import { templateMetadataLabels, validateMetadataLabels } from './metadata-rules.ts';
import { validateName } from './names.ts';

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
          detail: MESSAGES.portRange,
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
      detail: MESSAGES.notNegative,
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
      detail: MESSAGES.emptySelector,
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
      detail: MESSAGES.supportedValues(SERVICE_TYPES),
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
        detail: MESSAGES.portRange,
      });
    }
    const nodePort = getPath(port, ['nodePort']);
    if (nodePort !== undefined && nodePort !== 0 && type === 'ClusterIP') {
      errors.push({
        type: 'Forbidden',
        field: `spec.ports[${index}].nodePort`,
        detail: MESSAGES.nodePortForClusterIP,
      });
    } else if (typeof nodePort === 'number' && nodePort !== 0 && (nodePort < 30000 || nodePort > 32767)) {
      errors.push({
        type: 'Invalid',
        field: `spec.ports[${index}].nodePort`,
        value: String(nodePort),
        detail: MESSAGES.nodePortRange,
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
      detail: MESSAGES.supportedValues(['OnFailure', 'Never']),
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

/** Type errors of a custom resource as the apiextensions validator words them. */
function customTypeErrors(resource: ResourceType, object: JsonObject): FieldError[] {
  if (!resource.schema) return [];
  return checkAgainstSchema(resource.schema, object).typeErrors.map((e) => {
    const actual = Array.isArray(e.value) ? 'array' : e.value === null ? 'null' : typeof e.value;
    return {
      type: 'Invalid',
      field: e.path,
      value: goString(actual),
      detail: `${e.path} in body must be of type ${e.expected}: ${goString(actual)}`,
    };
  });
}

/** Field errors of an object about to be stored (create or update). */
export function validateObject(resource: ResourceType, object: JsonObject): FieldError[] {
  const name = getString(object, ['metadata', 'name']) ?? '';
  const metadata = validateMetadataLabels(getObject(object, ['metadata']), 'metadata');
  if (resource.custom)
    return [...validateName(resource, name), ...metadata, ...customTypeErrors(resource, object)];
  return [
    ...validateName(resource, name),
    ...metadata,
    ...templateMetadataLabels(resource.kind, object),
    ...(CREATE_VALIDATORS[resource.kind]?.(object) ?? []),
  ];
}
