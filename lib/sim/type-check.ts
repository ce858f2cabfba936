/**
 * Type errors in request bodies. kube-apiserver catches them in two places with two texts:
 * decoding a JSON body into Go structs (400, "cannot unmarshal …") and typing an applied
 * configuration against the OpenAPI schema (structured-merge-diff, "expected numeric …").
 */
import { getPath, type JsonObject, type JsonValue } from './json.ts';

interface TypedField {
  path: readonly string[];
  /** Go struct and JSON path as encoding/json names them in unmarshal errors. */
  goStruct: (kind: string) => string;
  goType: 'int32' | 'int64' | 'string';
}

const INT_FIELDS: TypedField[] = [
  { path: ['spec', 'replicas'], goStruct: (kind) => `${kind}Spec.spec.replicas`, goType: 'int32' },
  {
    path: ['spec', 'progressDeadlineSeconds'],
    goStruct: (kind) => `${kind}Spec.spec.progressDeadlineSeconds`,
    goType: 'int32',
  },
  {
    path: ['spec', 'minReadySeconds'],
    goStruct: (kind) => `${kind}Spec.spec.minReadySeconds`,
    goType: 'int32',
  },
  {
    path: ['spec', 'revisionHistoryLimit'],
    goStruct: (kind) => `${kind}Spec.spec.revisionHistoryLimit`,
    goType: 'int32',
  },
  { path: ['spec', 'backoffLimit'], goStruct: (kind) => `${kind}Spec.spec.backoffLimit`, goType: 'int32' },
  { path: ['spec', 'completions'], goStruct: (kind) => `${kind}Spec.spec.completions`, goType: 'int32' },
  { path: ['spec', 'parallelism'], goStruct: (kind) => `${kind}Spec.spec.parallelism`, goType: 'int32' },
];

function typeName(value: JsonValue): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}

interface FoundTypeError {
  field: string;
  decodeMessage: string;
  applyMessage: string;
}

function findTypeError(kind: string, version: string, object: JsonObject): FoundTypeError | undefined {
  const check = (value: JsonValue | undefined, field: string, goStruct: string, goType: string) => {
    if (value === undefined || value === null || typeof value === 'number') return undefined;
    return {
      field,
      decodeMessage: `${kind} in version "${version}" cannot be handled as a ${kind}: json: cannot unmarshal ${typeName(value)} into Go struct field ${goStruct} of type ${goType}`,
      applyMessage: `.${field}: expected numeric (int or float), got ${typeName(value)}`,
    };
  };
  for (const typed of INT_FIELDS) {
    const found = check(
      getPath(object, typed.path),
      typed.path.join('.'),
      typed.goStruct(kind),
      typed.goType,
    );
    if (found) return found;
  }
  const podSpecPath = kind === 'Pod' ? ['spec'] : ['spec', 'template', 'spec'];
  const containers = getPath(object, [...podSpecPath, 'containers']);
  if (Array.isArray(containers)) {
    for (const container of containers) {
      const name = getPath(container, ['name']);
      const ports = getPath(container, ['ports']);
      if (!Array.isArray(ports)) continue;
      for (const [index, port] of ports.entries()) {
        const value = getPath(port, ['containerPort']);
        const found = check(
          value,
          `${podSpecPath.join('.')}.containers[name=${JSON.stringify(name)}].ports.containerPort`,
          `ContainerPort.${podSpecPath.join('.')}.containers.ports.containerPort`,
          'int32',
        );
        if (found)
          return {
            ...found,
            applyMessage: `.${podSpecPath.join('.')}.containers[name=${JSON.stringify(name)}].ports: element ${index}: expected numeric (int or float), got ${typeName(value as JsonValue)}`,
          };
      }
    }
  }
  if (kind === 'Service') {
    const ports = getPath(object, ['spec', 'ports']);
    if (Array.isArray(ports)) {
      for (const port of ports) {
        const found = check(
          getPath(port, ['port']),
          'spec.ports.port',
          'ServicePort.spec.ports.port',
          'int32',
        );
        if (found) return found;
      }
    }
  }
  return undefined;
}

/** The decode error text for a JSON body, or undefined when the known typed fields are fine. */
export function decodeTypeError(kind: string, version: string, object: JsonObject): string | undefined {
  return findTypeError(kind, version, object)?.decodeMessage;
}

/** The structured-merge-diff error text for an applied configuration, or undefined. */
export function applyTypeError(kind: string, version: string, object: JsonObject): string | undefined {
  return findTypeError(kind, version, object)?.applyMessage;
}
