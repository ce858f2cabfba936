/**
 * A minimal OpenAPI v3 surface. kubectl (--validate=strict, the default) asks /openapi/v3 whether
 * each kind's PATCH operation takes the `fieldValidation` query parameter; when it does, kubectl
 * leaves validation to the server instead of downloading full schemas. So each group-version
 * document lists the object paths with their x-kubernetes-group-version-kind and parameters.
 */
import type { JsonObject } from '../json.ts';
import { groupVersionOf, type ResourceType } from '../resources.ts';
import { SERVER_VERSION } from './discovery.ts';

const WRITE_PARAMETERS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
}));

function gvPath(resource: ResourceType): string {
  return resource.group ? `apis/${resource.group}/${resource.version}` : `api/${resource.version}`;
}

export function openApiRoot(resources: ResourceType[]): JsonObject {
  const paths: JsonObject = {};
  for (const resource of resources) {
    const path = gvPath(resource);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${SERVER_VERSION.gitCommit.slice(0, 16)}` };
  }
  return { paths };
}

export function openApiGroupVersion(resources: ResourceType[], path: string): JsonObject | undefined {
  const served = resources.filter((resource) => `/openapi/v3/${gvPath(resource)}` === path);
  if (served.length === 0) return undefined;
  const paths: JsonObject = {};
  for (const resource of served) {
    const prefix = `/${gvPath(resource)}${resource.namespaced ? '/namespaces/{namespace}' : ''}/${resource.plural}`;
    const gvk = { group: resource.group, version: resource.version, kind: resource.kind };
    const operation = (verb: string) => ({
      operationId: `${verb}${resource.kind}`,
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
      parameters: WRITE_PARAMETERS,
      responses: { '200': { description: 'OK' } },
    });
    paths[`${prefix}/{name}`] = { patch: operation('patch'), put: operation('put') };
    paths[prefix] = { post: operation('post') };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas: {} },
    'x-group-version': served[0] ? groupVersionOf(served[0]) : '',
  };
}
