/** CustomResourceDefinitions: accepted names, Established, and their custom resources served. */

import { getArray, getObject, getString, isObject, type JsonObject } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import type { ResourceType } from '../resources.ts';
import { conditionsOf, setCondition } from './client.ts';
import type { ControllerContext } from './context.ts';
import type { Controller } from './manager.ts';

/** The resource types a CRD serves, one per served version. */
export function customResourceTypes(crd: JsonObject): ResourceType[] {
  const names = getObject(crd, ['spec', 'names']) ?? {};
  const group = getString(crd, ['spec', 'group']) ?? '';
  const plural = String(names.plural ?? '');
  return getArray(crd, ['spec', 'versions'])
    .filter(isObject)
    .filter((version) => version.served !== false)
    .map((version) => {
      const resource: ResourceType = {
        group,
        version: String(version.name ?? ''),
        kind: String(names.kind ?? ''),
        plural,
        singular: String(names.singular ?? String(names.kind ?? '').toLowerCase()),
        namespaced: getString(crd, ['spec', 'scope']) !== 'Cluster',
        hasStatus: getObject(version, ['subresources', 'status']) !== undefined,
        tracksGeneration: true,
        custom: true,
      };
      const schema = getObject(version, ['schema', 'openAPIV3Schema']);
      if (schema) resource.schema = schema;
      const shortNames = getArray(names, ['shortNames']).map(String);
      if (shortNames.length > 0) resource.shortNames = shortNames;
      const categories = getArray(names, ['categories']).map(String);
      if (categories.length > 0) resource.categories = categories;
      return resource;
    });
}

export function createCrdController(context: ControllerContext): Controller {
  const { client, cluster } = context;
  return {
    kind: 'CustomResourceDefinition',
    reconcile(key) {
      const crd = client.get('CustomResourceDefinition', '', key.name);
      if (!crd) return;
      cluster.registry.addCustom(customResourceTypes(crd), key.name);
      const now = context.now();
      let conditions = setCondition(
        conditionsOf(crd),
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: MESSAGES.crdNamesAccepted },
        now,
      );
      conditions = setCondition(
        conditions,
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: MESSAGES.crdEstablished,
        },
        now,
      );
      const storage = getArray(crd, ['spec', 'versions'])
        .filter(isObject)
        .find((v) => v.storage === true);
      client.updateStatus('CustomResourceDefinition', {
        ...crd,
        status: {
          conditions,
          acceptedNames: getObject(crd, ['spec', 'names']) ?? {},
          storedVersions: storage ? [String(storage.name ?? '')] : [],
        },
      });
    },
    deleted(object) {
      const name = getString(object, ['metadata', 'name']) ?? '';
      for (const resource of customResourceTypes(object)) {
        for (const item of cluster.store.list(resource)) {
          cluster.store.remove(
            resource,
            getString(item, ['metadata', 'namespace']) ?? '',
            getString(item, ['metadata', 'name']) ?? '',
          );
        }
      }
      cluster.registry.removeCustom(name);
    },
  };
}
