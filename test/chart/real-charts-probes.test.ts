import { describe } from 'vitest';
import { knownDifferenceCases } from './corpus/cases.ts';
import { itRendersLikeHelm } from './corpus/expect-like-helm.ts';
import { probeCases } from './corpus/probes.ts';

describe('each known difference from helm, reproduced in its smallest chart, is gone', () => {
  itRendersLikeHelm(knownDifferenceCases());
});

describe('the same rules hold on the real charts beyond the corpus cases', () => {
  itRendersLikeHelm(probeCases());
});
