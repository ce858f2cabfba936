/** How controllers read and write: through the same operations as API clients, so metadata stays real. */
import type { Cluster } from '../cluster.ts';
import { StatusError } from '../errors.ts';
import { clone, getArray, getObject, getString, isObject, type JsonObject } from '../json.ts';
import { deleteObject } from '../operations/delete.ts';
import { createObject, updateObject } from '../operations/write.ts';
import type { ResourceType } from '../resources.ts';

export const CONTROLLER_MANAGER = 'kube-controller-manager';

export class ControllerClient {
  constructor(readonly cluster: Cluster) {}

  type(kind: string): ResourceType {
    return this.cluster.registry.builtIn(kind);
  }

  get(kind: string, namespace: string, name: string): JsonObject | undefined {
    return this.cluster.store.get(this.type(kind), namespace, name);
  }

  list(kind: string, namespace?: string): JsonObject[] {
    return this.cluster.store.list(this.type(kind), namespace);
  }

  /** Objects of `kind` whose controller owner reference names `owner`. */
  owned(kind: string, owner: JsonObject): JsonObject[] {
    const uid = getString(owner, ['metadata', 'uid']);
    return this.cluster.store.list(this.type(kind), getString(owner, ['metadata', 'namespace']), (object) =>
      getArray(object, ['metadata', 'ownerReferences']).some(
        (ref) => isObject(ref) && ref.uid === uid && ref.controller === true,
      ),
    );
  }

  create(kind: string, object: JsonObject, manager = CONTROLLER_MANAGER): JsonObject | undefined {
    return this.attempt(
      () =>
        createObject(
          this.cluster,
          { resource: this.type(kind), namespace: getString(object, ['metadata', 'namespace']) ?? '' },
          object,
          { dryRun: false, fieldManager: manager },
        ).object,
    );
  }

  update(kind: string, object: JsonObject, manager = CONTROLLER_MANAGER): JsonObject | undefined {
    return this.write(kind, object, manager);
  }

  updateStatus(kind: string, object: JsonObject, manager = CONTROLLER_MANAGER): JsonObject | undefined {
    return this.write(kind, object, manager, 'status');
  }

  delete(kind: string, object: JsonObject): void {
    this.attempt(() =>
      deleteObject(
        this.cluster,
        this.type(kind),
        getString(object, ['metadata', 'namespace']) ?? '',
        getString(object, ['metadata', 'name']) ?? '',
        {
          dryRun: false,
          propagationPolicy: 'Background',
        },
      ),
    );
  }

  private write(
    kind: string,
    object: JsonObject,
    manager: string,
    subresource?: string,
  ): JsonObject | undefined {
    const body = clone(object);
    const metadata = getObject(body, ['metadata']);
    if (metadata) delete metadata.resourceVersion;
    return this.attempt(
      () =>
        updateObject(
          this.cluster,
          {
            resource: this.type(kind),
            namespace: getString(object, ['metadata', 'namespace']) ?? '',
            ...(subresource ? { subresource } : {}),
          },
          getString(object, ['metadata', 'name']) ?? '',
          body,
          { dryRun: false, fieldManager: manager },
        ).object,
    );
  }

  /** Objects vanish between a read and a write (deleted by a user); the next event reconciles again. */
  private attempt<T>(action: () => T): T | undefined {
    try {
      return action();
    } catch (error) {
      if (error instanceof StatusError && (error.code === 404 || error.code === 409 || error.code === 403))
        return undefined;
      throw error;
    }
  }
}

export function ownerReference(owner: JsonObject): JsonObject {
  return {
    apiVersion: String(owner.apiVersion ?? ''),
    kind: String(owner.kind ?? ''),
    name: getString(owner, ['metadata', 'name']) ?? '',
    uid: getString(owner, ['metadata', 'uid']) ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Sets a condition, keeping lastTransitionTime when the status did not change. */
export function setCondition(conditions: JsonObject[], condition: JsonObject, now: string): JsonObject[] {
  const existing = conditions.find((c) => c.type === condition.type);
  const transition =
    existing && existing.status === condition.status ? (existing.lastTransitionTime ?? now) : now;
  const next = { ...condition, lastTransitionTime: transition };
  return existing ? conditions.map((c) => (c === existing ? next : c)) : [...conditions, next];
}

export function conditionsOf(object: JsonObject): JsonObject[] {
  return getArray(object, ['status', 'conditions']).filter(isObject);
}
