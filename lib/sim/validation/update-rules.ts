/** Rules of updates: immutable fields and fields only some updates may change. */
import { goLabelSelector, goStringSlice } from '../go-format.ts';
import { deepEqual, getArray, getObject, getPath, getString, type JsonObject } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import type { ResourceType } from '../resources.ts';
import type { FieldError } from './field-errors.ts';
import { validateObject } from './object-rules.ts';

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
        detail: MESSAGES.statefulSetForbidden,
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
        detail: MESSAGES.claimSpecImmutable,
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
