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

/** A rendered manifest that is not Kubernetes objects. */
export class ManifestError extends EngineError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}
