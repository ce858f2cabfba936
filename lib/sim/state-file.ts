/**
 * Persistence of the object store for the standalone `--state DIR` mode.
 *
 * Saves are serialised (one write at a time; changes made during a write are saved by one more
 * write right after it), atomic (a uniquely named temporary file, flushed to disk, renamed over
 * the state file) and never fatal: a failing save is reported and retried, and the simulator keeps
 * serving. Two saves once shared one temporary name, and the second rename failed with ENOENT and
 * took the whole process down.
 */
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SimStateSaveError, SimUsageError } from './errors.ts';
import type { StoreSnapshot } from './store.ts';

const FILE = 'cluster.json';
const TEMPORARY = /^cluster\.json\.\d+\.\d+\.tmp$/;
/** First retry after a failed save; doubled per failure up to the maximum. */
const RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * Reads `DIR/cluster.json`; undefined when there is none. Removes temporary files a killed save
 * left behind. Throws SimUsageError when the file cannot be read or is not JSON.
 */
export async function loadState(dir: string): Promise<StoreSnapshot | undefined> {
  await removeLeftovers(dir);
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

async function removeLeftovers(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) if (TEMPORARY.test(name)) await unlink(join(dir, name)).catch(() => {});
}

let sequence = 0;

/**
 * Writes `DIR/cluster.json` atomically: a temporary file of its own (pid and sequence number, so
 * no two writes ever share one), fsync, rename, then fsync of the folder so the rename survives a
 * power cut. A crash at any point leaves the previous state file or the new one, never half of one.
 */
export async function saveState(dir: string, snapshot: StoreSnapshot): Promise<void> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, FILE);
  sequence += 1;
  const temporary = `${target}.${process.pid}.${sequence}.tmp`;
  try {
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify(snapshot));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
  await syncFolder(dir);
}

async function syncFolder(dir: string): Promise<void> {
  try {
    const folder = await open(dir, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch {
    // Some file systems refuse fsync on a folder; the rename itself is still atomic there.
  }
}

export interface StateSaverOptions {
  dir: string;
  /** Takes the snapshot at write time, so each write saves the newest state. */
  snapshot: () => StoreSnapshot;
  /** Delay between a change and its save, so a burst of changes costs one write. */
  debounceMs: number;
  /** Told of every failed save; the saver retries by itself. */
  onError: (error: SimStateSaveError) => void;
  /** Told when a save succeeds after failures. */
  onRecovered?: (dir: string) => void;
  /** The write itself; default saveState. Tests slow it down or make it fail. */
  write?: (dir: string, snapshot: StoreSnapshot) => Promise<void>;
}

/**
 * Saves the store after changes, one write at a time. `changed()` never throws and never starts
 * a second write while one runs; `flush()` resolves once everything changed so far is saved (or
 * the attempt failed and was reported).
 */
export class StateSaver {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private failures = 0;
  private closed = false;

  constructor(private readonly options: StateSaverOptions) {}

  /** Notes a change; a save follows after the debounce (counted from the end of a running write). */
  changed(): void {
    if (this.closed) return;
    this.dirty = true;
    if (!this.timer && !this.running) this.arm(this.options.debounceMs);
  }

  /** Saves now what has changed, after any write in flight; true when the state on disk is current. */
  async flush(): Promise<boolean> {
    this.dirty = true;
    while (this.running) await this.running;
    this.cancelTimer();
    await this.run(true);
    return !this.dirty;
  }

  /** Stops saving on changes; a pending timer is cancelled (call flush() first to keep them). */
  close(): void {
    this.closed = true;
    this.cancelTimer();
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Only a throwing reporter can reject here; saving must never take the process down.
      this.run().catch((error: unknown) => process.emitWarning(String(error)));
    }, delayMs);
    this.timer.unref();
  }

  private run(untilClean = false): Promise<void> {
    this.running ??= this.writeWhileDirty(untilClean).finally(() => {
      this.running = undefined;
      // Changes made during the write wait one debounce too (a failure waits its retry delay), so
      // a steady stream of changes costs one write per write-time-plus-debounce, never
      // back-to-back writes of a large state.
      if (this.dirty && !this.closed && !this.timer) this.arm(this.delayMs());
    });
    return this.running;
  }

  private delayMs(): number {
    if (this.failures === 0) return this.options.debounceMs;
    return Math.min(RETRY_MS * 2 ** (this.failures - 1), MAX_RETRY_MS);
  }

  /** Writes once, or (flush) until nothing changed is left unsaved or a write fails. */
  private async writeWhileDirty(untilClean: boolean): Promise<void> {
    const write = this.options.write ?? saveState;
    do {
      this.dirty = false;
      try {
        await write(this.options.dir, this.options.snapshot());
      } catch (cause) {
        this.dirty = true;
        this.failures += 1;
        this.options.onError(
          new SimStateSaveError({ dir: this.options.dir, retryMs: this.delayMs(), cause }),
        );
        return;
      }
      if (this.failures > 0) this.options.onRecovered?.(this.options.dir);
      this.failures = 0;
    } while (untilClean && this.dirty);
  }
}
