/** HTTP plumbing shared by the request handlers: bodies, JSON answers, write options. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError } from '../errors.ts';
import { isObject, type JsonObject, type JsonValue } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import { badRequest } from '../operations/status-errors.ts';
import type { PatchType, WriteOptions } from '../operations/write.ts';
import { decodeProtobufDeleteOptions, decodeProtobufObject } from './protobuf.ts';

export const PATCH_TYPES: Record<string, PatchType> = {
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
};

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** The object a create or update sends: JSON, or protobuf for the kinds protobuf.ts decodes (else 415). */
export async function readObjectBody(request: IncomingMessage): Promise<JsonObject> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  if (type !== PROTOBUF) return parseJsonObject(body.toString('utf8'));
  const decoded = decodeProtobufObject(body);
  if (!decoded)
    throw new StatusError({
      code: 415,
      reason: 'UnsupportedMediaType',
      message: MESSAGES.unsupportedBody(type),
    });
  return decoded;
}

/** A delete's DeleteOptions body: none, JSON, or protobuf as client-go sends it; {} when empty. */
export async function readDeleteOptions(request: IncomingMessage): Promise<JsonObject> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  if (type === PROTOBUF) {
    const decoded = decodeProtobufDeleteOptions(body);
    if (!decoded)
      throw new StatusError({
        code: 415,
        reason: 'UnsupportedMediaType',
        message: MESSAGES.unsupportedBody(type),
      });
    return decoded;
  }
  const raw = body.toString('utf8');
  return raw.trim() ? parseJsonObject(raw) : {};
}

export function parseJsonObject(raw: string): JsonObject {
  let value: JsonValue;
  try {
    value = JSON.parse(raw) as JsonValue;
  } catch (error) {
    throw badRequest(MESSAGES.badJson(error instanceof Error ? error.message : String(error)));
  }
  if (!isObject(value)) throw badRequest(MESSAGES.badJson('expected an object'));
  return value;
}

export function send(
  response: ServerResponse,
  code: number,
  body: JsonValue,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function notFoundPath(): StatusError {
  return new StatusError({ code: 404, reason: 'NotFound', message: MESSAGES.notFoundPath, details: {} });
}

export function writeOptions(url: URL, request: IncomingMessage): WriteOptions {
  const dryRun = url.searchParams.getAll('dryRun');
  if (dryRun.some((value) => value !== 'All'))
    throw badRequest(`Unsupported value: "${dryRun.join(',')}": supported values: "All"`);
  const fieldManager = url.searchParams.get('fieldManager');
  const fieldValidation = url.searchParams.get('fieldValidation');
  const userAgent = request.headers['user-agent'];
  return {
    dryRun: dryRun.length > 0,
    force: url.searchParams.get('force') === 'true',
    ...(fieldManager ? { fieldManager } : {}),
    ...(fieldValidation ? { fieldValidation } : {}),
    ...(userAgent ? { userAgent } : {}),
  };
}
