/** Resource requests: the verbs on a resource and its status and scale subresources. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError } from '../errors.ts';
import { getArray, getString, isObject, type JsonObject } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import { deleteCollection, deleteObject, parsePropagationPolicy } from '../operations/delete.ts';
import { getObjectOrThrow, listObjects } from '../operations/read.ts';
import { getScale, writeScale } from '../operations/scale.ts';
import { methodNotAllowed } from '../operations/status-errors.ts';
import { createObject, patchObject, updateObject } from '../operations/write.ts';
import type { ResourceType } from '../resources.ts';
import { parseFieldSelector, parseLabelSelector } from '../selectors.ts';
import type { HandlerContext } from './handler.ts';
import {
  notFoundPath,
  PATCH_TYPES,
  readBody,
  readDeleteOptions,
  readObjectBody,
  send,
  writeOptions,
} from './http.ts';
import type { RequestInfo } from './request-info.ts';
import { buildTable, wantsTable } from './table.ts';

/** Watch events as one-row Tables; like kube-apiserver, only the first carries the column definitions. */
function tableRows(
  context: HandlerContext,
  resource: ResourceType,
  url: URL,
): (object: JsonObject) => JsonObject {
  let first = true;
  return (object) => {
    const table = buildTable({
      resource,
      objects: [object],
      resourceVersion: getString(object, ['metadata', 'resourceVersion']) ?? '',
      now: context.cluster.clock().getTime(),
      includeObject: url.searchParams.get('includeObject'),
    });
    if (!first) delete table.columnDefinitions;
    first = false;
    return table;
  };
}

export async function serveResource(
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
    case 'list': {
      const found =
        info.verb === 'get'
          ? getObjectOrThrow(cluster, resource, namespace, name ?? '')
          : listObjects(cluster, resource, query);
      if (!wantsTable(request.headers.accept)) {
        send(response, 200, found);
        return 200;
      }
      const objects = info.verb === 'get' ? [found] : getArray(found, ['items']).filter(isObject);
      const table = buildTable({
        resource,
        objects,
        resourceVersion: getString(found, ['metadata', 'resourceVersion']) ?? cluster.store.resourceVersion,
        now: cluster.clock().getTime(),
        includeObject: url.searchParams.get('includeObject'),
      });
      send(response, 200, table);
      return 200;
    }
    case 'watch': {
      const byLabel = parseLabelSelector(query.labelSelector);
      const byField = parseFieldSelector(query.fieldSelector);
      const resourceVersion = url.searchParams.get('resourceVersion');
      const timeout = url.searchParams.get('timeoutSeconds');
      const sendInitialEvents = watchListRequested(url);
      context.watches.serve(
        {
          resource,
          ...(query.namespace ? { namespace: query.namespace } : {}),
          ...(resourceVersion ? { resourceVersion } : {}),
          ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
          matches: (object) => byLabel(object) && byField(object),
          ...(wantsTable(request.headers.accept) ? { present: tableRows(context, resource, url) } : {}),
          sendInitialEvents,
        },
        response,
      );
      return 200;
    }
    case 'create': {
      if (subresource) throw methodNotAllowed('post', resource);
      const result = createObject(cluster, target, await readObjectBody(request), writeOptions(url, request));
      send(response, 201, result.object);
      return 201;
    }
    case 'update': {
      const result = updateObject(
        cluster,
        target,
        name ?? '',
        await readObjectBody(request),
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
      const body = await readDeleteOptions(request);
      const orphan = body.orphanDependents === true ? 'Orphan' : undefined;
      const policy = parsePropagationPolicy(
        url.searchParams.get('propagationPolicy') ?? body.propagationPolicy ?? orphan,
      );
      const preconditions = isObject(body.preconditions) ? body.preconditions : undefined;
      const options = {
        dryRun:
          writeOptions(url, request).dryRun || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
        ...(policy ? { propagationPolicy: policy } : {}),
        ...(preconditions
          ? {
              preconditions: {
                ...(typeof preconditions.uid === 'string' ? { uid: preconditions.uid } : {}),
                ...(typeof preconditions.resourceVersion === 'string'
                  ? { resourceVersion: preconditions.resourceVersion }
                  : {}),
              },
            }
          : {}),
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

/**
 * Whether a watch asks for its initial events (a watch-list), checked as the API server checks it:
 * `sendInitialEvents=true` needs `resourceVersionMatch=NotOlderThan` and `allowWatchBookmarks=true`.
 */
function watchListRequested(url: URL): boolean {
  if (url.searchParams.get('sendInitialEvents') !== 'true') return false;
  const problems: string[] = [];
  if (url.searchParams.get('resourceVersionMatch') !== 'NotOlderThan')
    problems.push(MESSAGES.watchListNeedsNotOlderThan);
  if (url.searchParams.get('allowWatchBookmarks') !== 'true') problems.push(MESSAGES.watchListNeedsBookmarks);
  if (problems.length > 0) {
    throw new StatusError({ code: 422, reason: 'Invalid', message: MESSAGES.invalidListOptions(problems) });
  }
  return true;
}
