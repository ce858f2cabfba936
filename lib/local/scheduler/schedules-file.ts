import { existsSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LocalStackError } from '../messages.ts';

/** A target as Scheduler stores it (the API's field names). */
export interface StoredTarget {
  readonly Arn: string;
  readonly RoleArn: string;
  readonly Input?: string;
  readonly SqsParameters?: { readonly MessageGroupId?: string };
  readonly RetryPolicy?: {
    readonly MaximumRetryAttempts?: number;
    readonly MaximumEventAgeInSeconds?: number;
  };
  readonly DeadLetterConfig?: { readonly Arn?: string };
}

/** One schedule, as GetSchedule answers it, plus when it is due. */
export interface StoredSchedule {
  readonly Name: string;
  readonly GroupName: string;
  readonly Arn: string;
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone: string;
  readonly State: 'ENABLED' | 'DISABLED';
  readonly Description?: string;
  readonly ActionAfterCompletion: 'NONE' | 'DELETE';
  readonly FlexibleTimeWindow: { readonly Mode: string; readonly MaximumWindowInMinutes?: number };
  readonly Target: StoredTarget;
  /** Epoch seconds, as the REST-JSON protocol carries timestamps. */
  readonly CreationDate: number;
  readonly LastModificationDate: number;
  /** Epoch ms the at() expression names. */
  readonly dueAt: number;
  /** Set once it has run (a schedule kept after completion never runs again). */
  readonly completedAt?: number;
}

/**
 * The local scheduler's schedules, kept in one JSON file that is replaced whole on every change
 * (written to a temporary file, flushed, renamed over), before the change is answered: a crash or
 * kill -9 leaves the schedules as they were last answered.
 */
export class SchedulesFile {
  private readonly schedules = new Map<string, StoredSchedule>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly path: string | undefined) {}

  /** @throws LocalStackError when the file exists but cannot be read. */
  static load(dir: string | undefined): SchedulesFile {
    const file = new SchedulesFile(dir === undefined ? undefined : join(dir, 'schedules.json'));
    if (file.path !== undefined && existsSync(file.path)) {
      try {
        const saved = JSON.parse(readFileSync(file.path, 'utf8')) as { schedules: StoredSchedule[] };
        for (const schedule of saved.schedules)
          file.schedules.set(keyOf(schedule.GroupName, schedule.Name), schedule);
      } catch (error) {
        throw new LocalStackError(
          `the local scheduler's ${file.path} cannot be read: ${(error as Error).message}`,
        );
      }
    }
    return file;
  }

  get(group: string, name: string): StoredSchedule | undefined {
    return this.schedules.get(keyOf(group, name));
  }

  all(): StoredSchedule[] {
    return [...this.schedules.values()].sort((a, b) =>
      keyOf(a.GroupName, a.Name).localeCompare(keyOf(b.GroupName, b.Name)),
    );
  }

  async put(schedule: StoredSchedule): Promise<void> {
    this.schedules.set(keyOf(schedule.GroupName, schedule.Name), schedule);
    await this.save();
  }

  async delete(group: string, name: string): Promise<boolean> {
    const had = this.schedules.delete(keyOf(group, name));
    if (had) await this.save();
    return had;
  }

  /** Writes are serialised; each waits for the one before and writes the state as it is then. */
  private save(): Promise<void> {
    const path = this.path;
    if (path === undefined) return Promise.resolve();
    this.writing = this.writing
      .catch(() => {})
      .then(async () => {
        const temporary = join(dirname(path), `.schedules.${process.pid}.tmp`);
        const handle = await open(temporary, 'w');
        try {
          await handle.writeFile(JSON.stringify({ schedules: this.all() }));
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, path);
      });
    return this.writing;
  }
}

function keyOf(group: string, name: string): string {
  return `${group}/${name}`;
}
