/** Persistence of the object store for the standalone `--state DIR` mode. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SimUsageError } from './errors.ts';
import type { StoreSnapshot } from './store.ts';

const FILE = 'cluster.json';

export async function loadState(dir: string): Promise<StoreSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SimUsageError(`cannot read simulator state in ${dir}`, { cause: error });
  }
  try {
    return JSON.parse(text) as StoreSnapshot;
  } catch (error) {
    throw new SimUsageError(`simulator state in ${dir} is not valid JSON`, { cause: error });
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a state file. */
export async function saveState(dir: string, snapshot: StoreSnapshot): Promise<void> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(snapshot));
  await rename(temporary, target);
}
