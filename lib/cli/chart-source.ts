import { statSync } from 'node:fs';
import type { ChartSource } from '../chart/index.ts';

export interface ChartSourceFlags {
  repo?: string;
  version?: string;
  username?: string;
  password?: string;
  'plain-http'?: boolean;
}

/**
 * The ChartSource a chart argument names: `oci://…`, `NAME` with --repo URL, a directory,
 * else a .tgz file (which loadChart reports as missing when it is not there).
 * `at` maps a local path to where it is read (a caller with its own working folder).
 */
export async function chartSourceOf(
  ref: string,
  flags: ChartSourceFlags,
  at: (path: string) => string = (path) => path,
): Promise<ChartSource> {
  const auth =
    flags.username !== undefined && flags.password !== undefined
      ? { username: flags.username, password: flags.password }
      : undefined;
  const version = flags.version ? { version: flags.version } : {};
  if (ref.startsWith('oci://')) {
    return {
      kind: 'oci',
      reference: ref,
      plainHttp: flags['plain-http'] ?? false,
      ...version,
      ...(auth ? { auth } : {}),
    };
  }
  if (flags.repo) {
    // helm accepts `repo/name` with --repo too; the chart is the part after the slash.
    const chart = ref.includes('/') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
    return { kind: 'repository', repoUrl: flags.repo, chart, ...version, ...(auth ? { auth } : {}) };
  }
  // Synchronous: the one file operation of a command's start that would otherwise start libuv's thread
  // pool (four threads to create, and to join at exit) for a single stat.
  let info: ReturnType<typeof statSync>;
  try {
    info = statSync(at(ref), { throwIfNoEntry: false });
  } catch {
    // Not readable as a folder: loading it as an archive says what is wrong with it.
    info = undefined;
  }
  if (info?.isDirectory()) return { kind: 'directory', path: at(ref) };
  return { kind: 'archive-file', path: at(ref) };
}
