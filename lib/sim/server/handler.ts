/** The HTTP side of the API: authentication, faults, the request log, discovery, and dispatch. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Cluster } from '../cluster.ts';
import { StatusError } from '../errors.ts';
import type { FaultInjector } from '../faults.ts';
import type { JsonObject } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import type { ResourceType } from '../resources.ts';
import type { RequestLogEntry } from '../types.ts';
import { type Authenticator, unauthorized } from './auth.ts';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedVersionAccepted,
  apiGroup,
  apiGroupList,
  apiResourceList,
  coreVersions,
  SERVER_VERSION,
} from './discovery.ts';
import { notFoundPath, send } from './http.ts';
import { openApiGroupVersion, openApiRoot } from './openapi.ts';
import { parseRequest } from './request-info.ts';
import { serveResource } from './resource-routes.ts';
import type { WatchHub } from './watch.ts';

export interface HandlerContext {
  cluster: Cluster;
  auth: Authenticator;
  faults: FaultInjector;
  requests: RequestLogEntry[];
  watches: WatchHub;
  serverAddress: () => string;
  /** Serve only the legacy discovery documents, as a server before Kubernetes 1.26 does. */
  legacyDiscovery?: boolean;
}

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz']);

/** A discovery document; for /api and /apis, chosen by the Accept header, with its content type. */
interface DiscoveryAnswer {
  document: JsonObject;
  negotiated?: { contentType: string };
}

function discovery(
  context: HandlerContext,
  path: string,
  accept: string | undefined,
): DiscoveryAnswer | undefined {
  const resources = context.cluster.registry.all();
  const trimmed = path.replace(/\/+$/, '') || '/';
  if (trimmed === '/api' || trimmed === '/apis') {
    const aggregated = context.legacyDiscovery ? undefined : aggregatedVersionAccepted(accept);
    if (aggregated !== undefined) {
      const document = aggregatedDiscovery(resources, trimmed === '/api' ? 'api' : 'apis', aggregated);
      return { document, negotiated: { contentType: aggregatedContentType(aggregated) } };
    }
    return { document: trimmed === '/api' ? coreVersions(context.serverAddress()) : apiGroupList(resources) };
  }
  const document = documentAt(resources, trimmed);
  return document === undefined ? undefined : { document };
}

/** The discovery documents that are the same whatever the client accepts. */
function documentAt(resources: ResourceType[], trimmed: string): JsonObject | undefined {
  if (trimmed === '/version') return SERVER_VERSION;
  if (trimmed === '/api/v1')
    return apiResourceList(
      'v1',
      resources.filter((r) => r.group === '' && r.version === 'v1'),
    );
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
    query: url.search,
    status: 0,
    at: context.cluster.clock().getTime(),
  };
  context.requests.push(entry);
  try {
    const identity = PUBLIC_PATHS.has(url.pathname)
      ? undefined
      : await context.auth.authenticate(request.headers.authorization);
    if (!PUBLIC_PATHS.has(url.pathname) && identity === undefined) throw unauthorized();
    if (identity !== undefined) context.auth.authorize(identity, info);
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
      const answer = method === 'GET' ? discovery(context, url.pathname, request.headers.accept) : undefined;
      if (!answer) throw notFoundPath();
      entry.status = 200;
      const { negotiated } = answer;
      send(
        response,
        200,
        answer.document,
        negotiated === undefined ? {} : { 'Content-Type': negotiated.contentType, Vary: 'Accept' },
      );
      return;
    }
    if (info.type === 'unknown') throw notFoundPath();
    const bodyType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    if (
      (method === 'POST' || method === 'PUT') &&
      bodyType &&
      bodyType !== 'application/json' &&
      bodyType !== 'application/yaml' &&
      bodyType !== 'application/vnd.kubernetes.protobuf'
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
