import { ChartSourceError } from '../errors.ts';
import type { ChartSource, LoadOptions } from '../types.ts';

type RepositorySource = Extract<ChartSource, { kind: 'repository' }>;

export async function fetchRepositoryChart(
  source: RepositorySource,
  _options: LoadOptions,
): Promise<Uint8Array> {
  throw new ChartSourceError('chart repositories are not supported yet', source.repoUrl);
}
