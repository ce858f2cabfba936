import { randomUUID } from 'node:crypto';
import type { Clock, Timers } from '../../domain/index.ts';
import type { SchedulesFile, StoredSchedule } from './schedules-file.ts';

/** Longest single timer: setTimeout cannot wait past ~24.8 days, and a far schedule is looked at again. */
const MAX_TIMER_MS = 3_600_000;

/** What the scheduler does when a schedule is due: send its input, or dead-letter it. */
export interface Delivery {
  /** Sends the (substituted) input to the target. Throws when the target refused or did not answer. */
  send(target: StoredSchedule['Target'], input: string): Promise<void>;
  /** Sends the input to the target's DLQ with Scheduler's attributes saying why. */
  deadLetter(
    target: StoredSchedule['Target'],
    input: string,
    why: Record<
      | 'ERROR_CODE'
      | 'ERROR_MESSAGE'
      | 'EXHAUSTED_RETRY_CONDITION'
      | 'RETRY_ATTEMPTS'
      | 'SCHEDULE_ARN'
      | 'TARGET_ARN',
      string
    >,
  ): Promise<void>;
}

export interface FiringOptions {
  readonly file: SchedulesFile;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly delivery: Delivery;
  /** Told of each run (for the person running the stack). */
  readonly onRun?: (schedule: StoredSchedule, outcome: 'sent' | 'dead-lettered', detail?: string) => void;
}

/**
 * Runs one-time schedules as EventBridge Scheduler does: at their time (at once when it passed
 * while the stack was down, unless it is older than the retry policy's maximum event age), the
 * input is sent with Scheduler's context attributes filled in; a failed send is retried with
 * growing waits until the retry policy runs out, then dead-lettered; afterwards the schedule is
 * deleted (ActionAfterCompletion DELETE) or kept, never to run again. Disabled schedules do not run.
 */
export class ScheduleFiring {
  private readonly armed = new Map<string, { cancel(): void }>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: FiringOptions) {}

  /** Arms every schedule on file: what the scheduler does when it starts. */
  armAll(): void {
    for (const schedule of this.options.file.all()) this.arm(schedule);
  }

  arm(schedule: StoredSchedule): void {
    const key = keyOf(schedule);
    this.armed.get(key)?.cancel();
    this.armed.delete(key);
    if (this.stopped || schedule.State !== 'ENABLED' || schedule.completedAt !== undefined) return;
    const wait = Math.max(0, schedule.dueAt - this.options.clock.now());
    this.armed.set(
      key,
      this.options.timers.schedule(
        () => this.track(this.due(schedule.GroupName, schedule.Name)),
        Math.min(wait, MAX_TIMER_MS),
      ),
    );
  }

  disarm(group: string, name: string): void {
    this.armed.get(`${group}/${name}`)?.cancel();
    this.armed.delete(`${group}/${name}`);
  }

  /** Resolves once every run in progress has ended (tests moving a manual clock wait for it). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.armed.values()) timer.cancel();
    this.armed.clear();
    await this.idle();
  }

  private track(run: Promise<void>): void {
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async due(group: string, name: string, attempt = 1): Promise<void> {
    this.armed.delete(`${group}/${name}`);
    const schedule = this.options.file.get(group, name);
    if (
      this.stopped ||
      schedule === undefined ||
      schedule.State !== 'ENABLED' ||
      schedule.completedAt !== undefined
    )
      return;
    const now = this.options.clock.now();
    if (now < schedule.dueAt) return this.arm(schedule);
    const policy = schedule.Target.RetryPolicy ?? {};
    const maxAgeMs = (policy.MaximumEventAgeInSeconds ?? 86_400) * 1000;
    const maxRetries = policy.MaximumRetryAttempts ?? 185;
    const input = substitute(schedule, attempt);
    if (now - schedule.dueAt > maxAgeMs) {
      return this.giveUp(
        schedule,
        input,
        attempt,
        'MaximumEventAgeInSeconds',
        'the event was older than the retry policy allows',
      );
    }
    try {
      await this.options.delivery.send(schedule.Target, input);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt > maxRetries) return this.giveUp(schedule, input, attempt, 'MaximumRetryAttempts', message);
      const backoff = Math.min(60_000, 1000 * 2 ** (attempt - 1));
      this.armed.set(
        `${group}/${name}`,
        this.options.timers.schedule(() => this.track(this.due(group, name, attempt + 1)), backoff),
      );
      return;
    }
    this.options.onRun?.(schedule, 'sent');
    await this.complete(schedule);
  }

  private async giveUp(
    schedule: StoredSchedule,
    input: string,
    attempt: number,
    condition: string,
    message: string,
  ): Promise<void> {
    const dlq = schedule.Target.DeadLetterConfig?.Arn;
    if (dlq !== undefined) {
      await this.options.delivery
        .deadLetter(schedule.Target, input, {
          ERROR_CODE: condition === 'MaximumRetryAttempts' ? 'SQS.SendMessageFailed' : 'EventAgeExceeded',
          ERROR_MESSAGE: message,
          EXHAUSTED_RETRY_CONDITION: condition,
          RETRY_ATTEMPTS: String(attempt - 1),
          SCHEDULE_ARN: schedule.Arn,
          TARGET_ARN: schedule.Target.Arn,
        })
        .catch((error) =>
          this.options.onRun?.(schedule, 'dead-lettered', `and the DLQ refused it too: ${String(error)}`),
        );
    }
    this.options.onRun?.(schedule, 'dead-lettered', message);
    await this.complete(schedule);
  }

  private async complete(schedule: StoredSchedule): Promise<void> {
    if (schedule.ActionAfterCompletion === 'DELETE') {
      await this.options.file.delete(schedule.GroupName, schedule.Name);
    } else {
      await this.options.file.put({ ...schedule, completedAt: this.options.clock.now() });
    }
  }
}

/** Scheduler's context attributes, filled in the input as Scheduler does when it invokes the target. */
function substitute(schedule: StoredSchedule, attempt: number): string {
  const scheduled = new Date(Math.floor(schedule.dueAt / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return (schedule.Target.Input ?? '')
    .replaceAll('<aws.scheduler.scheduled-time>', scheduled)
    .replaceAll('<aws.scheduler.schedule-arn>', schedule.Arn)
    .replaceAll('<aws.scheduler.execution-id>', randomUUID().replaceAll('-', '').slice(0, 16))
    .replaceAll('<aws.scheduler.attempt-number>', String(attempt));
}

function keyOf(schedule: StoredSchedule): string {
  return `${schedule.GroupName}/${schedule.Name}`;
}
