/**
 * Just enough of Kubernetes' protobuf encoding for kubectl's typed create commands
 * (`kubectl create namespace|configmap|secret|serviceaccount`), which send protobuf bodies and
 * never fall back to JSON. A body is "k8s\0" + runtime.Unknown{typeMeta, raw}; raw is the object
 * in the field numbers of k8s.io/api's generated.proto. Other kinds answer 415 as before.
 */
import type { JsonObject, JsonValue } from '../json.ts';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface Field {
  number: number;
  wireType: number;
  value: bigint | Buffer;
}

function readVarint(buffer: Buffer, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  let position = offset;
  for (;;) {
    const byte = buffer[position];
    if (byte === undefined) throw new Error('truncated varint');
    position += 1;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, position];
    shift += 7n;
  }
}

function readFields(buffer: Buffer): Field[] {
  const fields: Field[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const [key, afterKey] = readVarint(buffer, offset);
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    offset = afterKey;
    if (wireType === 0) {
      const [value, next] = readVarint(buffer, offset);
      fields.push({ number, wireType, value });
      offset = next;
    } else if (wireType === 2) {
      const [length, next] = readVarint(buffer, offset);
      const end = next + Number(length);
      fields.push({ number, wireType, value: buffer.subarray(next, end) });
      offset = end;
    } else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
  return fields;
}

const text = (field: Field) => (Buffer.isBuffer(field.value) ? field.value.toString('utf8') : '');
const bytes = (field: Field) => (Buffer.isBuffer(field.value) ? field.value : Buffer.alloc(0));

function stringMap(fields: Field[], number: number, asBase64 = false): JsonObject | undefined {
  const entries = fields.filter((f) => f.number === number);
  if (entries.length === 0) return undefined;
  const map: JsonObject = {};
  for (const entry of entries) {
    const parts = readFields(bytes(entry));
    const key = parts.find((p) => p.number === 1);
    const value = parts.find((p) => p.number === 2);
    map[key ? text(key) : ''] = value ? (asBase64 ? bytes(value).toString('base64') : text(value)) : '';
  }
  return map;
}

function strings(fields: Field[], number: number): string[] | undefined {
  const found = fields.filter((f) => f.number === number).map(text);
  return found.length > 0 ? found : undefined;
}

function assign(target: JsonObject, key: string, value: JsonValue | undefined): void {
  if (value !== undefined) target[key] = value;
}

function objectMeta(buffer: Buffer): JsonObject {
  const fields = readFields(buffer);
  const meta: JsonObject = {};
  const one = (n: number) => fields.find((f) => f.number === n);
  for (const [n, key] of [
    [1, 'name'],
    [2, 'generateName'],
    [3, 'namespace'],
  ] as const) {
    const field = one(n);
    if (field) meta[key] = text(field);
  }
  assign(meta, 'labels', stringMap(fields, 11));
  assign(meta, 'annotations', stringMap(fields, 12));
  assign(meta, 'finalizers', strings(fields, 14));
  return meta;
}

const boolean = (fields: Field[], number: number) => {
  const field = fields.find((f) => f.number === number);
  return field ? field.value !== 0n : undefined;
};

const DECODERS: Record<string, (fields: Field[], object: JsonObject) => void> = {
  Namespace(fields, object) {
    const spec = fields.find((f) => f.number === 2);
    const finalizers = spec ? strings(readFields(bytes(spec)), 1) : undefined;
    if (finalizers) object.spec = { finalizers };
  },
  ConfigMap(fields, object) {
    assign(object, 'data', stringMap(fields, 2));
    assign(object, 'binaryData', stringMap(fields, 3, true));
    assign(object, 'immutable', boolean(fields, 4));
  },
  Secret(fields, object) {
    assign(object, 'data', stringMap(fields, 2, true));
    const type = fields.find((f) => f.number === 3);
    if (type) object.type = text(type);
    assign(object, 'stringData', stringMap(fields, 4));
    assign(object, 'immutable', boolean(fields, 5));
  },
  ServiceAccount(fields, object) {
    assign(object, 'automountServiceAccountToken', boolean(fields, 4));
  },
};

/** The JSON form of a protobuf body, or undefined when its kind is not one decoded here. */
export function decodeProtobufObject(body: Buffer): JsonObject | undefined {
  if (!body.subarray(0, 4).equals(MAGIC)) return undefined;
  const unknown = readFields(body.subarray(4));
  const typeMeta = unknown.find((f) => f.number === 1);
  const raw = unknown.find((f) => f.number === 2);
  if (!typeMeta || !raw) return undefined;
  const typeFields = readFields(bytes(typeMeta));
  const apiVersion = text(
    typeFields.find((f) => f.number === 1) ?? { number: 0, wireType: 2, value: Buffer.alloc(0) },
  );
  const kind = text(
    typeFields.find((f) => f.number === 2) ?? { number: 0, wireType: 2, value: Buffer.alloc(0) },
  );
  const decode = DECODERS[kind];
  if (!decode || apiVersion !== 'v1') return undefined;
  const fields = readFields(bytes(raw));
  const metadata = fields.find((f) => f.number === 1);
  const object: JsonObject = { apiVersion, kind, metadata: metadata ? objectMeta(bytes(metadata)) : {} };
  decode(fields, object);
  return object;
}

/**
 * A protobuf DeleteOptions body (client-go sends one with every delete it makes when it talks
 * protobuf, as helm does) in its JSON form, or undefined when the body is not one. Fields of
 * k8s.io/apimachinery meta/v1 DeleteOptions: 1 gracePeriodSeconds, 2 preconditions (1 uid,
 * 2 resourceVersion), 3 orphanDependents, 4 propagationPolicy, 5 dryRun.
 */
export function decodeProtobufDeleteOptions(body: Buffer): JsonObject | undefined {
  if (!body.subarray(0, 4).equals(MAGIC)) return undefined;
  const unknown = readFields(body.subarray(4));
  const typeMeta = unknown.find((f) => f.number === 1);
  const raw = unknown.find((f) => f.number === 2);
  if (!typeMeta || !raw) return undefined;
  const kind = readFields(bytes(typeMeta)).find((f) => f.number === 2);
  if (!kind || text(kind) !== 'DeleteOptions') return undefined;
  const fields = readFields(bytes(raw));
  const options: JsonObject = { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1' };
  const grace = fields.find((f) => f.number === 1);
  if (grace && typeof grace.value === 'bigint')
    options.gracePeriodSeconds = Number(BigInt.asIntN(64, grace.value));
  const preconditions = fields.find((f) => f.number === 2);
  if (preconditions) {
    const parts = readFields(bytes(preconditions));
    const found: JsonObject = {};
    const uid = parts.find((p) => p.number === 1);
    const resourceVersion = parts.find((p) => p.number === 2);
    if (uid) found.uid = text(uid);
    if (resourceVersion) found.resourceVersion = text(resourceVersion);
    options.preconditions = found;
  }
  assign(options, 'orphanDependents', boolean(fields, 3));
  const policy = fields.find((f) => f.number === 4);
  if (policy) options.propagationPolicy = text(policy);
  assign(options, 'dryRun', strings(fields, 5));
  return options;
}
