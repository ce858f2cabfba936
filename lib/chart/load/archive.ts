import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { ArchiveTooLargeError, UnsafeArchiveError } from '../errors.ts';
import { ARCHIVE_MESSAGES } from '../messages.ts';
import type { ChartFile } from '../types.ts';

/** Default limit on the bytes a chart archive may unpack to. */
export const DEFAULT_MAX_UNPACKED_BYTES = 20 * 1024 * 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Unpacks a chart .tgz into files relative to the chart root (the archive's
 * first path segment is dropped, as Helm does). Refuses, with
 * UnsafeArchiveError, entries that escape the root, absolute paths and links;
 * with ArchiveTooLargeError, archives that unpack past `maxUnpackedBytes`.
 */
export async function unpackChartArchive(
  archive: Uint8Array,
  maxUnpackedBytes = DEFAULT_MAX_UNPACKED_BYTES,
): Promise<ChartFile[]> {
  const tarBytes = gunzip(archive, maxUnpackedBytes);
  const files: ChartFile[] = [];
  let total = 0;
  // Loaded here, not at import: only charts that come as archives need the tar reader.
  const { extract } = await import('tar-stream');
  const parser = extract();
  const done = new Promise<void>((resolve, reject) => {
    parser.on('entry', (header, stream, next) => {
      const problem = checkEntry(header.name, header.type ?? 'file');
      if (problem) {
        stream.resume();
        reject(problem);
        return;
      }
      if (header.type !== 'file') {
        stream.on('end', next);
        stream.resume();
        return;
      }
      total += header.size ?? 0;
      if (total > maxUnpackedBytes) {
        stream.resume();
        reject(tooLarge(maxUnpackedBytes));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const name = chartRelativeName(header.name);
        if (name !== undefined) files.push({ name, data: stripBom(Buffer.concat(chunks)) });
        next();
      });
    });
    parser.on('finish', resolve);
    parser.on('error', (error: Error) =>
      reject(new UnsafeArchiveError(ARCHIVE_MESSAGES.invalid(error.message), '', 'invalid-archive')),
    );
  });
  Readable.from([tarBytes]).pipe(parser);
  await done;
  return files;
}

function gunzip(archive: Uint8Array, maxUnpackedBytes: number): Buffer {
  // The tar stream holds headers and padding besides file data: allow for them
  // so the data limit, checked per entry, is the one users see.
  const slack = Math.max(1024 * 1024, Math.floor(maxUnpackedBytes / 4));
  try {
    return gunzipSync(archive, { maxOutputLength: maxUnpackedBytes + slack });
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge(maxUnpackedBytes);
    }
    throw new UnsafeArchiveError(ARCHIVE_MESSAGES.notGzip, '', 'invalid-archive');
  }
}

function tooLarge(limit: number): ArchiveTooLargeError {
  return new ArchiveTooLargeError(ARCHIVE_MESSAGES.tooLarge(limit), limit);
}

function checkEntry(name: string, type: string): UnsafeArchiveError | undefined {
  if (type === 'symlink' || type === 'link') {
    return new UnsafeArchiveError(ARCHIVE_MESSAGES.link(name), name, 'link');
  }
  if (!['file', 'directory', 'pax-header', 'pax-global-header', 'gnu-long-path'].includes(type)) {
    return new UnsafeArchiveError(ARCHIVE_MESSAGES.unsupported(name, type), name, 'unsupported-entry');
  }
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.startsWith('\\')) {
    return new UnsafeArchiveError(ARCHIVE_MESSAGES.absolute(name), name, 'absolute-path');
  }
  if (name.replace(/\\/g, '/').split('/').includes('..')) {
    return new UnsafeArchiveError(ARCHIVE_MESSAGES.traversal(name), name, 'path-traversal');
  }
  return undefined;
}

/** Drops the archive's top folder ("mychart/templates/a.yaml" → "templates/a.yaml"). */
function chartRelativeName(entry: string): string | undefined {
  const parts = entry.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length < 2) return undefined;
  return parts.slice(1).join('/');
}

function stripBom(data: Buffer): Uint8Array {
  if (data[0] === UTF8_BOM[0] && data[1] === UTF8_BOM[1] && data[2] === UTF8_BOM[2]) return data.subarray(3);
  return data;
}
