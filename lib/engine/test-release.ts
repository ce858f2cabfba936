import { type HookRecord, toIso } from '../domain/index.ts';
import { EngineError } from './errors.ts';
import { openSteps, runHooks, type StepContext, StepFailure } from './kube-steps.ts';
import { requireRelease } from './reads.ts';
import type { ActionOptions, EngineDeps, RequestContext } from './types.ts';

export interface TestOutcome {
  readonly passed: boolean;
  /** Each test hook with its last run: phase Succeeded or Failed, started and completed. */
  readonly tests: readonly HookRecord[];
  readonly message: string;
  readonly startedAt: string;
  readonly finishedAt: string;
}

/**
 * `test`: runs the deployed revision's `helm.sh/hook: test` hooks (Pods or
 * Jobs) in weight order and reports each. It changes no revision.
 * @throws ReleaseNotFoundError, or EngineError when nothing is deployed.
 */
export async function testRelease(
  deps: EngineDeps,
  input: { release: StepContext['release']; options?: ActionOptions },
  request: RequestContext,
): Promise<TestOutcome> {
  const startedAt = deps.clock.now();
  const head = await requireRelease(deps.store, input.release);
  if (head.deployedRevision === undefined) {
    throw new EngineError(`release "${input.release.name}" has no deployed revision to test`);
  }
  const revision = await deps.store.getRevision(input.release, head.deployedRevision);
  const options = { ...(input.options ?? {}), disableHooks: false };
  const { ctx } = await openSteps({ deps, release: input.release, request, options });
  const isTest = (hook: HookRecord) => hook.events.includes('test') || hook.events.includes('test-success');
  let tests: HookRecord[];
  let message = 'all tests passed';
  try {
    const ran = await runHooks(
      ctx,
      revision.body.hooks.map((h) => (isTest(h) ? { ...h, events: [...h.events, 'test'] } : h)),
      'test',
    );
    tests = ran.filter(isTest);
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    message = error.reason;
    tests = revision.body.hooks.filter(isTest);
  }
  return {
    passed: message === 'all tests passed',
    tests,
    message,
    startedAt: toIso(startedAt),
    finishedAt: toIso(deps.clock.now()),
  };
}
