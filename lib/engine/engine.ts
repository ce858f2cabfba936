import type { ReleaseId } from '../domain/index.ts';
import { findHelmReleases, importRelease } from './helm-import.ts';
import { readHelmRecordsOf, syncHelmRecords } from './helm-records.ts';
import { rollbackRelease } from './rollback.ts';
import { type TestOutcome, testRelease } from './test-release.ts';
import type {
  ActionOptions,
  ActionResult,
  EngineDeps,
  ImportInput,
  RequestContext,
  RollbackInput,
  UninstallInput,
  UpgradeInput,
} from './types.ts';
import { uninstallRelease } from './uninstall.ts';
import { upgradeRelease } from './upgrade.ts';

/**
 * Helm's release actions over a store, a chart loader and clusters. Every
 * action is idempotent per request id and safe to retry after a crash.
 */
export class ReleaseEngine {
  constructor(readonly deps: EngineDeps) {}

  install(input: UpgradeInput, request: RequestContext): Promise<ActionResult> {
    return this.withHelmRecords(input, request, () => upgradeRelease(this.deps, input, request, 'install'));
  }

  upgrade(input: UpgradeInput, request: RequestContext): Promise<ActionResult> {
    return this.withHelmRecords(input, request, () => upgradeRelease(this.deps, input, request, 'upgrade'));
  }

  rollback(input: RollbackInput, request: RequestContext): Promise<ActionResult> {
    return this.withHelmRecords(input, request, () => rollbackRelease(this.deps, input, request));
  }

  uninstall(input: UninstallInput, request: RequestContext): Promise<ActionResult> {
    return this.withHelmRecords(input, request, () => uninstallRelease(this.deps, input, request));
  }

  /**
   * After an action, helm's records follow quayside's history where they are kept (helm-records.ts);
   * they are read while the action runs.
   */
  private async withHelmRecords(
    input: { release: ReleaseId; options?: ActionOptions },
    request: RequestContext,
    action: () => Promise<ActionResult>,
  ): Promise<ActionResult> {
    const records = readHelmRecordsOf(this.deps, input, request);
    const result = await action();
    await syncHelmRecords(
      this.deps,
      { release: input.release, ...(input.options ? { options: input.options } : {}), result },
      request,
      records,
    );
    return result;
  }

  /** Takes a release helm made into quayside's store with its whole history (helm's records are only read). */
  import(input: ImportInput, request: RequestContext): Promise<ActionResult> {
    return importRelease(this.deps, input, request);
  }

  /** The releases helm has records of on a cluster, in one namespace or all. */
  helmReleases(
    input: { cluster: string; namespace?: string },
    request: RequestContext,
  ): Promise<ReleaseId[]> {
    return findHelmReleases(this.deps, input, request);
  }

  test(input: UninstallInput, request: RequestContext): Promise<TestOutcome> {
    return testRelease(this.deps, input, request);
  }
}
