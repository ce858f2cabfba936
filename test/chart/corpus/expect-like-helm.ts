import { afterAll, beforeAll, expect, it } from 'vitest';
import { compareTemplate, helmRuns, type TemplateRun } from '../../fixtures/helm-oracle.ts';
import type { NamedCase } from './cases.ts';

/**
 * One test per case: quayside template prints what helm 4.1.4 prints (see compareTemplate). Helm's
 * runs of every case start at once (two processes at a time) and go on while quayside renders.
 */
export function itRendersLikeHelm(cases: readonly NamedCase[]): void {
  let helm: Map<string, Promise<[TemplateRun, TemplateRun]>>;
  let verify: string | undefined;
  beforeAll(() => {
    helm = new Map(cases.map((c) => [c.id, helmRuns(c)]));
    // These renders are compared with helm itself, which says more than checking the engine's
    // shortcuts against Helm's code paths inside the engine; so that check is left out here.
    verify = process.env.QUAYSIDE_VERIFY_ENGINE_SHORTCUTS;
    process.env.QUAYSIDE_VERIFY_ENGINE_SHORTCUTS = '0';
  });
  afterAll(() => {
    if (verify === undefined) delete process.env.QUAYSIDE_VERIFY_ENGINE_SHORTCUTS;
    else process.env.QUAYSIDE_VERIFY_ENGINE_SHORTCUTS = verify;
  });

  it('has cases to compare', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    it(`${c.id}: quayside template prints what helm 4.1.4 prints`, async () => {
      const result = await compareTemplate(c, helm.get(c.id)!);
      expect(result.problems, `${c.args.join(' ')} (in ${c.cwd})`).toEqual([]);
    });
  }
}
