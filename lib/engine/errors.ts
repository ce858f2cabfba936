import { QuaysideError } from '../domain/index.ts';

/** Base of the engine's own errors; none of them is worth retrying. */
export class EngineError extends QuaysideError {}

/** `install` of a name that is in use (Helm: "cannot re-use a name that is still in use"). */
export class ReleaseExistsError extends EngineError {
  constructor(name: string, namespace: string) {
    super(
      `cannot re-use a name that is still in use: release "${name}" exists in namespace "${namespace}" — upgrade it instead`,
    );
  }
}

/** A rollback with nothing to roll back to. */
export class NothingToRollBackError extends EngineError {
  constructor(name: string) {
    super(`release "${name}" has no earlier revision to roll back to`);
  }
}

/**
 * A guarded rollback whose revision is no longer the latest: someone deployed since the request was
 * made (a stale chat button, an automation that lost a race). Nothing is changed.
 */
export class StaleGuardError extends EngineError {
  readonly guard: number;
  readonly latest: number;

  constructor(name: string, guard: number, latest: number) {
    super(
      `rollback of "${name}" was made for revision ${guard}, but revision ${latest} is the latest now: nothing was rolled back`,
    );
    this.guard = guard;
    this.latest = latest;
  }
}

/** A rendered manifest that is not Kubernetes objects. */
export class ManifestError extends EngineError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}
