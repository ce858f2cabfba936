import { readFile } from 'node:fs/promises';
import { ChartInvalidError } from '../errors.ts';
import { LOAD_MESSAGES } from '../messages.ts';
import { fetchOciChart } from '../sources/oci.ts';
import { fetchRepositoryChart } from '../sources/repository.ts';
import type { Chart, ChartSource, LoadOptions } from '../types.ts';
import { DEFAULT_MAX_UNPACKED_BYTES, unpackChartArchive } from './archive.ts';
import { buildChart } from './chart-files.ts';
import { readChartDirectory } from './directory.ts';

/**
 * Loads a chart from a directory, a .tgz file, inline base64 .tgz, a Helm
 * HTTP repository or an OCI registry. Throws ChartInvalidError and its
 * subclasses, UnsafeArchiveError, ArchiveTooLargeError, YamlError and, for
 * remote sources, ChartSourceError and its subclasses.
 */
export async function loadChart(source: ChartSource, options: LoadOptions = {}): Promise<Chart> {
  const maxUnpackedBytes = options.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES;
  switch (source.kind) {
    case 'directory':
      return buildChart(await readChartDirectory(source.path, maxUnpackedBytes), { maxUnpackedBytes });
    case 'archive-file': {
      let data: Uint8Array;
      try {
        data = await readFile(source.path);
      } catch (error) {
        throw new ChartInvalidError(LOAD_MESSAGES.cannotRead(source.path), { cause: error });
      }
      return loadChartArchive(data, maxUnpackedBytes);
    }
    case 'archive-base64':
      return loadChartArchive(Buffer.from(source.data, 'base64'), maxUnpackedBytes);
    case 'repository':
      return loadChartArchive(await fetchRepositoryChart(source, options), maxUnpackedBytes);
    case 'oci':
      return loadChartArchive(await fetchOciChart(source, options), maxUnpackedBytes);
  }
}

/** Loads a chart from the bytes of a .tgz. */
export async function loadChartArchive(
  data: Uint8Array,
  maxUnpackedBytes = DEFAULT_MAX_UNPACKED_BYTES,
): Promise<Chart> {
  return buildChart(await unpackChartArchive(data, maxUnpackedBytes), { maxUnpackedBytes });
}
