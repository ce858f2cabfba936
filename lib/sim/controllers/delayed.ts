/** Runs an action on an object once it has existed for one step, as slow external systems do. */
import { getString, type JsonObject } from '../json.ts';
import type { ControllerContext } from './context.ts';
import type { ReconcileKey, WorkQueue } from './manager.ts';

export function createStepGate(context: ControllerContext, kind: string) {
  const firstSeen = new Map<string, number>();
  return {
    /** True when the object has waited a step; otherwise requeues it for when it will have. */
    ready(object: JsonObject, key: ReconcileKey, queue: WorkQueue): boolean {
      const uid = getString(object, ['metadata', 'uid']) ?? '';
      const seen = firstSeen.get(uid) ?? context.nowMs();
      firstSeen.set(uid, seen);
      const remaining = seen + context.stepMs - context.nowMs();
      if (remaining > 0) {
        queue.add(kind, key, remaining);
        return false;
      }
      return true;
    },
    forget(object: JsonObject): void {
      firstSeen.delete(getString(object, ['metadata', 'uid']) ?? '');
    },
  };
}
