import { describe } from 'vitest';
import { sharedCorpusCases } from './real-charts/cases.ts';
import { itRendersLikeHelm } from './real-charts/expect-like-helm.ts';

describe('every case of the shared real-chart corpus renders as the real helm 4.1.4 renders it', () => {
  itRendersLikeHelm(sharedCorpusCases());
});
