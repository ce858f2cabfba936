import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Item, Key, QueryInput, QueryPage, StoreDriver, WriteOp } from './driver.ts';
import { StoreCorruptionError, StoreUnavailableError } from './errors.ts';
import { type Change, MemoryDriver } from './memory.ts';

const JOURNAL = 'releases.jsonl';
const LOCK = 'releases.lock';
/** A lock older than this belongs to a process that died holding it. */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 10_000;
/** Rewrite the journal as a snapshot when it grows past this many bytes and half of it is dead. */
const COMPACT_BYTES = 16 * 1024 * 1024;

/**
 * A store in a folder, for the CLI on a laptop: the memory driver's table,
 * made durable by an append-only journal of committed transactions. Several
 * processes may share the folder: writers take a lock file, and every call
 * first reads what other processes appended.
 */
export class FileDriver implements StoreDriver {
  private readonly table = new MemoryDriver();
  private readonly journal: string;
  private readonly lock: string;
  private offset = 0;
  private inode = -1;
  private liveBytes = 0;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.journal = join(dir, JOURNAL);
    this.lock = join(dir, LOCK);
    this.catchUp();
    this.liveBytes = this.offset;
  }

  get usage() {
    return this.table.usage;
  }

  async get(key: Key, options?: { consistent?: boolean }): Promise<Item | undefined> {
    this.catchUp();
    return this.table.get(key, options);
  }

  async query(input: QueryInput): Promise<QueryPage> {
    this.catchUp();
    return this.table.query(input);
  }

  async transact(ops: readonly WriteOp[]): Promise<void> {
    await this.withLock(() => {
      this.catchUp();
      const changes = this.table.commit(ops);
      const line = `${JSON.stringify({ changes }, encodeBinary)}\n`;
      const fd = openSync(this.journal, 'a');
      try {
        writeSync(fd, line);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.offset += Buffer.byteLength(line);
      if (this.offset > COMPACT_BYTES && this.offset > 2 * this.liveBytes) this.compact();
    });
  }

  /** Reads what was appended since the last call; reloads when the journal was compacted. */
  private catchUp(): void {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(this.journal);
    } catch {
      return;
    }
    if (stat.ino !== this.inode || stat.size < this.offset) {
      this.table.load([]);
      this.offset = 0;
      this.inode = stat.ino;
    }
    if (stat.size === this.offset) return;
    const fd = openSync(this.journal, 'r');
    try {
      const size = fstatSync(fd).size;
      const buffer = Buffer.alloc(size - this.offset);
      readSync(fd, buffer, 0, buffer.length, this.offset);
      // Only whole lines: a writer may be half way through appending the last one.
      const end = buffer.lastIndexOf(0x0a);
      if (end === -1) return;
      const text = buffer.subarray(0, end + 1).toString('utf8');
      for (const line of text.split('\n')) {
        if (line.length === 0) continue;
        this.table.apply(parseLine(line, this.journal));
      }
      this.offset += end + 1;
    } finally {
      closeSync(fd);
    }
  }

  private compact(): void {
    const items = this.table.dump();
    const line = `${JSON.stringify({ changes: items.map((item) => ({ put: item })) }, encodeBinary)}\n`;
    const temp = `${this.journal}.${process.pid}.tmp`;
    writeFileSync(temp, line);
    renameSync(temp, this.journal);
    const stat = statSync(this.journal);
    this.inode = stat.ino;
    this.offset = stat.size;
    this.liveBytes = stat.size;
  }

  private async withLock<T>(run: () => T): Promise<T> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        closeSync(openSync(this.lock, 'wx'));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        this.breakStaleLock();
        if (Date.now() > deadline) {
          throw new StoreUnavailableError(
            `the store folder ${this.dir} stayed locked for ${LOCK_WAIT_MS / 1000} s`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
      }
    }
    try {
      return run();
    } finally {
      rmSync(this.lock, { force: true });
    }
  }

  private breakStaleLock(): void {
    try {
      if (Date.now() - statSync(this.lock).mtimeMs > STALE_LOCK_MS) rmSync(this.lock, { force: true });
    } catch {
      // The holder released it meanwhile.
    }
  }
}

function parseLine(line: string, file: string): Change[] {
  try {
    const parsed = JSON.parse(line, decodeBinary) as { changes?: Change[] };
    if (!Array.isArray(parsed.changes)) throw new Error('no changes');
    return parsed.changes;
  } catch (cause) {
    throw new StoreCorruptionError({ key: file, reason: 'a journal line is not valid JSON', cause });
  }
}

function encodeBinary(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b64: Buffer.from(value).toString('base64') };
  return value;
}

function decodeBinary(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$b64' in value && typeof value.$b64 === 'string') {
    return new Uint8Array(Buffer.from(value.$b64, 'base64'));
  }
  return value;
}
