import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ChartInvalidError } from '../errors.ts';
import { CHART_MESSAGES } from '../messages.ts';
import type { ChartFile } from '../types.ts';
import { HelmIgnore } from './helmignore.ts';

/**
 * Reads a chart directory the way Helm does: .helmignore applies (plus the
 * default rule hiding dotfiles in templates/), symlinks are followed, files
 * come in lexical order, and the total is bounded like an archive's.
 */
export async function readChartDirectory(root: string, maxBytes: number): Promise<ChartFile[]> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new ChartInvalidError(CHART_MESSAGES.notADirectory(root));
  let ignoreText = '';
  try {
    ignoreText = await readFile(join(root, '.helmignore'), 'utf8');
  } catch {
    // no .helmignore: only the default rule applies
  }
  const rules = HelmIgnore.parse(ignoreText);
  const files: ChartFile[] = [];
  let total = 0;
  // Symlinked folders are followed (as Helm does) but each real folder is read
  // once, so a link back up the tree cannot loop forever.
  const visited = new Set<string>();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const real = await realpath(dir);
    if (visited.has(real)) throw new ChartInvalidError(CHART_MESSAGES.symlinkLoop(prefix));
    visited.add(real);
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const rel = prefix ? `${prefix}/${name}` : name;
      const full = join(dir, name);
      const linkInfo = await lstat(full);
      const entry = linkInfo.isSymbolicLink() ? await stat(full) : linkInfo;
      if (entry.isDirectory()) {
        if (!rules.ignores(rel, true)) await walk(full, rel);
        continue;
      }
      if (rules.ignores(rel, false)) continue;
      if (!entry.isFile()) throw new ChartInvalidError(CHART_MESSAGES.irregularFile(rel));
      total += entry.size;
      if (total > maxBytes) throw new ChartInvalidError(CHART_MESSAGES.directoryTooLarge(maxBytes));
      let data: Uint8Array = await readFile(full);
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
      files.push({ name: rel, data });
    }
  };
  await walk(root, '');
  return files;
}
