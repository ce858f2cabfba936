import { describe } from 'vitest';
import { sharedCorpusCases } from './corpus/cases.ts';
import { itRendersLikeHelm } from './corpus/expect-like-helm.ts';

describe('every case of the shared real-chart corpus renders as the real helm 4.1.4 renders it', () => {
  itRendersLikeHelm(sharedCorpusCases());
});
