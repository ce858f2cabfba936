import { gunzipSync, gzipSync, constants as zlib } from 'node:zlib';
import { HelmRecordUnreadableError } from './errors.ts';
import { type HelmRelease, helmReleaseSchema } from './record.ts';

const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/**
 * Reads the text helm keeps in a record's `release` field: base64 of gzipped JSON (or of plain
 * JSON, from helm versions before compression). `name` names the record in errors.
 * @throws HelmRecordUnreadableError
 */
export function decodeHelmRelease(text: string, name: string): HelmRelease {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0 || bytes.toString('base64') !== text.replace(/\s/g, '')) {
    throw new HelmRecordUnreadableError(name, 'not base64');
  }
  let json: Buffer = bytes;
  if (GZIP_MAGIC.every((b, i) => bytes[i] === b)) {
    try {
      json = gunzipSync(bytes);
    } catch (error) {
      throw new HelmRecordUnreadableError(name, 'not gzip', { cause: error });
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch (error) {
    throw new HelmRecordUnreadableError(name, 'not JSON', { cause: error });
  }
  const release = helmReleaseSchema.safeParse(parsed);
  if (!release.success) {
    const issue = release.error.issues[0];
    throw new HelmRecordUnreadableError(
      name,
      `${issue?.path.join('.') || 'the record'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return release.data;
}

/** Writes a release as helm writes it: JSON, gzipped at best compression, base64. */
export function encodeHelmRelease(release: HelmRelease): string {
  const json = Buffer.from(JSON.stringify(release), 'utf8');
  return gzipSync(json, { level: zlib.Z_BEST_COMPRESSION }).toString('base64');
}
