/** The HTTP side of the API: authentication, faults, the request log, and dispatch to operations. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Cluster } from '../cluster.ts';
import { StatusError } from '../errors.ts';
import type { FaultInjector } from '../faults.ts';
import { isObject, type JsonObject, type JsonValue } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import { deleteCollection, deleteObject, parsePropagationPolicy } from '../operations/delete.ts';
import { getObjectOrThrow, listObjects } from '../operations/read.ts';
import { getScale, writeScale } from '../operations/scale.ts';
import { badRequest, methodNotAllowed } from '../operations/status-errors.ts';
import {
  createObject,
  type PatchType,
  patchObject,
  updateObject,
  type WriteOptions,
} from '../operations/write.ts';
import { parseFieldSelector, parseLabelSelector } from '../selectors.ts';
import type { RequestLogEntry } from '../types.ts';
import { apiGroup, apiGroupList, apiResourceList, coreVersions, SERVER_VERSION } from './discovery.ts';
import { openApiGroupVersion, openApiRoot } from './openapi.ts';
import { parseRequest, type RequestInfo } from './request-info.ts';
import type { WatchHub } from './watch.ts';

export interface HandlerContext {
  cluster: Cluster;
  token: string;
  faults: FaultInjector;
  requests: RequestLogEntry[];
  watches: WatchHub;
  serverAddress: () => string;
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
};

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz']);

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonObject(raw: string): JsonObject {
  let value: JsonValue;
  try {
    value = JSON.parse(raw) as JsonValue;
  } catch (error) {
    throw badRequest(MESSAGES.badJson(error instanceof Error ? error.message : String(error)));
  }
  if (!isObject(value)) throw badRequest(MESSAGES.badJson('expected an object'));
  return value;
}

function send(
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

function discovery(context: HandlerContext, path: string): JsonObject | undefined {
  const resources = context.cluster.registry.all();
  const trimmed = path.replace(/\/+$/, '') || '/';
  if (trimmed === '/version') return SERVER_VERSION;
  if (trimmed === '/api') return coreVersions(context.serverAddress());
  if (trimmed === '/api/v1')
    return apiResourceList(
      'v1',
      resources.filter((r) => r.group === '' && r.version === 'v1'),
    );
  if (trimmed === '/apis') return apiGroupList(resources);
  if (trimmed === '/openapi/v3') return openApiRoot(resources);
  if (trimmed.startsWith('/openapi/v3/')) return openApiGroupVersion(resources, trimmed);
  if (PUBLIC_PATHS.has(trimmed)) return undefined;
  const parts = trimmed.split('/').filter(Boolean);
  if (parts[0] !== 'apis') return undefined;
  const [, group = '', version] = parts;
  if (version === undefined) return apiGroup(resources, group);
  const served = resources.filter((r) => r.group === group && r.version === version);
  return served.length > 0 ? apiResourceList(`${group}/${version}`, served) : undefined;
}

function notFoundPath(): StatusError {
  return new StatusError({ code: 404, reason: 'NotFound', message: MESSAGES.notFoundPath, details: {} });
}

function writeOptions(url: URL, request: IncomingMessage): WriteOptions {
  const dryRun = url.searchParams.getAll('dryRun');
  if (dryRun.some((value) => value !== 'All'))
    throw badRequest(`Unsupported value: "${dryRun.join(',')}": supported values: "All"`);
  const fieldManager = url.searchParams.get('fieldManager');
  const userAgent = request.headers['user-agent'];
  return {
    dryRun: dryRun.length > 0,
    force: url.searchParams.get('force') === 'true',
    ...(fieldManager ? { fieldManager } : {}),
    ...(userAgent ? { userAgent } : {}),
  };
}

async function serveResource(
  context: HandlerContext,
  info: Extract<RequestInfo, { type: 'resource' }>,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<number> {
  const { cluster } = context;
  const { resource, namespace, name, subresource } = info;
  if (subresource === 'scale' && resource.hasScale) return serveScale(context, info, url, request, response);
  if (subresource !== undefined && (subresource !== 'status' || !resource.hasStatus)) throw notFoundPath();
  const query = {
    ...(resource.namespaced && namespace ? { namespace } : {}),
    labelSelector: url.searchParams.get('labelSelector'),
    fieldSelector: url.searchParams.get('fieldSelector'),
  };
  const target = { resource, namespace, ...(subresource ? { subresource } : {}) };
  switch (info.verb) {
    case 'get':
      send(response, 200, getObjectOrThrow(cluster, resource, namespace, name ?? ''));
      return 200;
    case 'list':
      send(response, 200, listObjects(cluster, resource, query));
      return 200;
    case 'watch': {
      const byLabel = parseLabelSelector(query.labelSelector);
      const byField = parseFieldSelector(query.fieldSelector);
      const resourceVersion = url.searchParams.get('resourceVersion');
      const timeout = url.searchParams.get('timeoutSeconds');
      context.watches.serve(
        {
          resource,
          ...(query.namespace ? { namespace: query.namespace } : {}),
          ...(resourceVersion ? { resourceVersion } : {}),
          ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
          matches: (object) => byLabel(object) && byField(object),
        },
        response,
      );
      return 200;
    }
    case 'create': {
      if (subresource) throw methodNotAllowed('post', resource);
      const result = createObject(
        cluster,
        target,
        parseJsonObject(await readBody(request)),
        writeOptions(url, request),
      );
      send(response, 201, result.object);
      return 201;
    }
    case 'update': {
      const result = updateObject(
        cluster,
        target,
        name ?? '',
        parseJsonObject(await readBody(request)),
        writeOptions(url, request),
      );
      send(response, 200, result.object);
      return 200;
    }
    case 'patch': {
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
      const patchType = PATCH_TYPES[contentType];
      if (!patchType || (patchType === 'strategic' && resource.custom)) {
        throw new StatusError({
          code: 415,
          reason: 'UnsupportedMediaType',
          message: MESSAGES.unsupportedPatch(contentType),
        });
      }
      const result = patchObject(
        cluster,
        target,
        name ?? '',
        patchType,
        await readBody(request),
        writeOptions(url, request),
      );
      const code = result.created ? 201 : 200;
      send(response, code, result.object);
      return code;
    }
    case 'delete':
    case 'deletecollection': {
      const raw = await readBody(request);
      const body = raw.trim() ? parseJsonObject(raw) : {};
      const options = {
        dryRun:
          writeOptions(url, request).dryRun || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
        ...(() => {
          const policy = parsePropagationPolicy(
            url.searchParams.get('propagationPolicy') ?? body.propagationPolicy,
          );
          return policy ? { propagationPolicy: policy } : {};
        })(),
      };
      if (info.verb === 'deletecollection') {
        send(response, 200, deleteCollection(cluster, resource, query, options));
        return 200;
      }
      const result = deleteObject(cluster, resource, namespace, name ?? '', options);
      send(response, result.code, result.body);
      return result.code;
    }
  }
}

async function serveScale(
  context: HandlerContext,
  info: Extract<RequestInfo, { type: 'resource' }>,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<number> {
  const { resource, namespace, name = '' } = info;
  if (info.verb === 'get') {
    send(response, 200, getScale(context.cluster, resource, namespace, name));
    return 200;
  }
  if (info.verb !== 'update' && info.verb !== 'patch') throw methodNotAllowed(info.verb, resource);
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const patchType = info.verb === 'patch' ? PATCH_TYPES[contentType] : undefined;
  if (info.verb === 'patch' && (!patchType || patchType === 'apply')) {
    throw new StatusError({
      code: 415,
      reason: 'UnsupportedMediaType',
      message: MESSAGES.unsupportedPatch(contentType),
    });
  }
  const scale = writeScale({
    cluster: context.cluster,
    resource,
    namespace,
    name,
    body: await readBody(request),
    ...(patchType ? { patchType } : {}),
    write: writeOptions(url, request),
  });
  send(response, 200, scale);
  return 200;
}

function unauthorized(): StatusError {
  return new StatusError({ code: 401, reason: 'Unauthorized', message: MESSAGES.unauthorized });
}

function injectedError(status: 429 | 500 | 503, retryAfterSeconds?: number): StatusError {
  if (status === 429) {
    return new StatusError({
      code: 429,
      reason: 'TooManyRequests',
      message: MESSAGES.tooManyRequests,
      details: { retryAfterSeconds: retryAfterSeconds ?? 1 },
    });
  }
  if (status === 503)
    return new StatusError({ code: 503, reason: 'ServiceUnavailable', message: MESSAGES.serviceUnavailable });
  return new StatusError({
    code: 500,
    reason: 'InternalError',
    message: MESSAGES.internalError,
    details: { causes: [{ message: 'injected fault' }] },
  });
}

/** Handles one HTTP request end to end; never throws. */
export async function handleRequest(
  context: HandlerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'https://127.0.0.1');
  const method = request.method ?? 'GET';
  const info = parseRequest(method, url, context.cluster.registry);
  const entry: RequestLogEntry = {
    method,
    verb: info.verb,
    path: url.pathname,
    status: 0,
    at: context.cluster.clock().getTime(),
  };
  context.requests.push(entry);
  try {
    if (!PUBLIC_PATHS.has(url.pathname) && request.headers.authorization !== `Bearer ${context.token}`)
      throw unauthorized();
    const fault = context.faults.decide(info.verb);
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.kind === 'drop') {
      entry.status = 0;
      request.socket.destroy();
      return;
    }
    if (fault.kind === 'error') {
      const error = injectedError(fault.status, fault.retryAfterSeconds);
      entry.status = error.code;
      const headers: Record<string, string> =
        fault.status === 429 ? { 'Retry-After': String(fault.retryAfterSeconds ?? 1) } : {};
      send(response, error.code, error.toStatus(), headers);
      return;
    }
    if (PUBLIC_PATHS.has(url.pathname)) {
      entry.status = 200;
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    if (info.type === 'discovery') {
      const document = method === 'GET' ? discovery(context, url.pathname) : undefined;
      if (!document) throw notFoundPath();
      entry.status = 200;
      send(response, 200, document);
      return;
    }
    if (info.type === 'unknown') throw notFoundPath();
    const bodyType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    if (
      (method === 'POST' || method === 'PUT') &&
      bodyType &&
      bodyType !== 'application/json' &&
      bodyType !== 'application/yaml'
    ) {
      throw new StatusError({
        code: 415,
        reason: 'UnsupportedMediaType',
        message: MESSAGES.unsupportedBody(bodyType),
      });
    }
    entry.status = await serveResource(context, info, url, request, response);
  } catch (error) {
    const status =
      error instanceof StatusError
        ? error
        : new StatusError({
            code: 500,
            reason: 'InternalError',
            message: `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`,
          });
    entry.status = status.code;
    if (!response.headersSent) send(response, status.code, status.toStatus());
    else response.end();
  }
}
