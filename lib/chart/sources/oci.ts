import { ChartSourceError } from '../errors.ts';
import type { ChartSource, LoadOptions } from '../types.ts';

type OciSource = Extract<ChartSource, { kind: 'oci' }>;

export async function fetchOciChart(source: OciSource, _options: LoadOptions): Promise<Uint8Array> {
  throw new ChartSourceError('OCI registries are not supported yet', source.reference);
}
