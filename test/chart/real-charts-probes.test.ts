import { describe } from 'vitest';
import { knownDifferenceCases } from './real-charts/cases.ts';
import { itRendersLikeHelm } from './real-charts/expect-like-helm.ts';
import { probeCases } from './real-charts/probes.ts';

describe('each known difference from helm, reproduced in its smallest chart, is gone', () => {
  itRendersLikeHelm(knownDifferenceCases());
});

describe('the same rules hold on the real charts beyond the corpus cases', () => {
  itRendersLikeHelm(probeCases());
});
