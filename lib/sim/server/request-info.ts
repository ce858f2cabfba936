/** Turns an API path and method into what is asked: discovery, or a verb on a resource. */
import type { ResourceRegistry, ResourceType } from '../resources.ts';

export type ResourceVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection';

export type RequestInfo =
  | { type: 'discovery'; verb: 'get'; path: string }
  | { type: 'unknown'; verb: string }
  | {
      type: 'resource';
      verb: ResourceVerb;
      resource: ResourceType;
      namespace: string;
      name?: string;
      subresource?: string;
    };

function verbFor(method: string, hasName: boolean, watch: boolean): ResourceVerb | undefined {
  switch (method) {
    case 'GET':
      return hasName ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return hasName ? undefined : 'create';
    case 'PUT':
      return hasName ? 'update' : undefined;
    case 'PATCH':
      return hasName ? 'patch' : undefined;
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

export function parseRequest(method: string, url: URL, registry: ResourceRegistry): RequestInfo {
  const parts = url.pathname.split('/').filter(Boolean);
  const watch = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
  let group = '';
  let version = '';
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length <= 2) return { type: 'discovery', verb: 'get', path: url.pathname };
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length <= 3) return { type: 'discovery', verb: 'get', path: url.pathname };
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else return { type: 'discovery', verb: 'get', path: url.pathname };

  let namespace = '';
  // /namespaces/{ns}/{resource}/... addresses namespaced objects; /namespaces/{name}[/status] the Namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1] ?? '';
    rest = rest.slice(2);
  }
  const [plural = '', name, subresource] = rest;
  const resource = registry.find(group, version, plural);
  const verb = verbFor(method, name !== undefined, watch);
  if (!resource || !verb || rest.length > 3) return { type: 'unknown', verb: verb ?? method.toLowerCase() };
  if (resource.namespaced && !namespace && verb !== 'list' && verb !== 'watch')
    return { type: 'unknown', verb };
  return {
    type: 'resource',
    verb,
    resource,
    namespace,
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}
