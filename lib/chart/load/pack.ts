import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { DEFAULT_MAX_UNPACKED_BYTES } from './archive.ts';
import { readChartDirectory } from './directory.ts';

/** Every entry's time: packing the same folder twice gives the same bytes. */
const EPOCH = new Date(0);

/**
 * Packs a chart directory into a .tgz as `helm package` lays it out (every file under one
 * top-level folder), with the same files loading the directory would read: .helmignore applies,
 * symlinks are followed, the size is bounded. The result loads as the directory does.
 * @throws ChartInvalidError as readChartDirectory does.
 */
export async function packChartDirectory(
  dir: string,
  maxUnpackedBytes = DEFAULT_MAX_UNPACKED_BYTES,
): Promise<Uint8Array> {
  const files = await readChartDirectory(dir, maxUnpackedBytes);
  const root = basename(dir.replace(/[/\\]+$/, '')) || 'chart';
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const file of files) {
    archive.entry({ name: `${root}/${file.name}`, mode: 0o644, mtime: EPOCH }, Buffer.from(file.data));
  }
  archive.finalize();
  await finished;
  return gzipSync(Buffer.concat(chunks));
}
