import { rollbackRelease } from './rollback.ts';
import { type TestOutcome, testRelease } from './test-release.ts';
import type {
  ActionResult,
  EngineDeps,
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
    return upgradeRelease(this.deps, input, request, 'install');
  }

  upgrade(input: UpgradeInput, request: RequestContext): Promise<ActionResult> {
    return upgradeRelease(this.deps, input, request, 'upgrade');
  }

  rollback(input: RollbackInput, request: RequestContext): Promise<ActionResult> {
    return rollbackRelease(this.deps, input, request);
  }

  uninstall(input: UninstallInput, request: RequestContext): Promise<ActionResult> {
    return uninstallRelease(this.deps, input, request);
  }

  test(input: UninstallInput, request: RequestContext): Promise<TestOutcome> {
    return testRelease(this.deps, input, request);
  }
}
