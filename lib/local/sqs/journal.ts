import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { type FileHandle, open as openFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Op, SqsState } from './state.ts';

/** The journal is rewritten as a snapshot once it holds this many ops. */
const COMPACT_AFTER_OPS = 20_000;

/**
 * The local SQS's durability: every change is appended to a journal file and
 * flushed to disk (fdatasync) before the server answers, as SQS acknowledges a
 * message only once it is stored. Changes that arrive together share one flush.
 * A crash (kill -9) loses nothing that was answered; a half-written last line
 * is ignored on load. The journal is compacted into a snapshot on open and
 * whenever it grows long.
 */
export class Journal {
  private pending: { op: Op; done: () => void; failed: (error: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private ops = 0;

  private constructor(
    private readonly path: string,
    private handle: FileHandle,
    readonly state: SqsState,
  ) {}

  /** Loads the journal at `path` (or starts an empty one) and compacts it. */
  static async open(path: string): Promise<Journal> {
    const state = new SqsState();
    if (existsSync(path)) {
      const lines = readFileSync(path, 'utf8').split('\n');
      for (const line of lines) {
        if (line.trim() === '') continue;
        let op: Op;
        try {
          op = JSON.parse(line) as Op;
        } catch {
          // Only the last line can be torn, by a crash in the middle of a write.
          break;
        }
        state.apply(op);
      }
    }
    writeSnapshot(path, state.snapshot());
    const handle = await openFile(path, 'a');
    const journal = new Journal(path, handle, state);
    journal.ops = 0;
    return journal;
  }

  /** Applies a change and resolves once it is on disk. */
  record(op: Op): Promise<void> {
    this.state.apply(op);
    return new Promise<void>((done, failed) => {
      this.pending.push({ op, done, failed });
      this.flushing ??= this.flush();
    });
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.handle.close();
  }

  private async flush(): Promise<void> {
    // Let the changes of this turn of the event loop join the same write.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.handle.write(batch.map((entry) => `${JSON.stringify(entry.op)}\n`).join(''));
        await this.handle.datasync();
        this.ops += batch.length;
        for (const entry of batch) entry.done();
      } catch (error) {
        for (const entry of batch) entry.failed(error);
      }
      if (this.ops >= COMPACT_AFTER_OPS) await this.compact();
    }
    this.flushing = undefined;
  }

  private async compact(): Promise<void> {
    await this.handle.close();
    writeSnapshot(this.path, this.state.snapshot());
    this.handle = await openFile(this.path, 'a');
    this.ops = 0;
  }
}

/** Writes ops to a new file, flushes it, and renames it over `path`: the old journal stays whole until then. */
function writeSnapshot(path: string, ops: readonly Op[]): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, ops.map((op) => `${JSON.stringify(op)}\n`).join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
