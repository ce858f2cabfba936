import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EventPublishError, EventTooLargeError, type PublishFailure } from './errors.ts';
import type { EventPublisher, StatusEvent } from './types.ts';

/** PutEvents takes at most 10 entries per call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** ... and at most 256 KiB per call, counted as EventBridge counts entry sizes. */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

export interface EventBridgePublisherOptions {
  readonly client: EventBridgeClient;
  /** The bus name or ARN. */
  readonly busName: string;
  /** Calls per batch, first one included, before failed entries are given up on. Default 4. */
  readonly maxAttempts?: number;
  /** Backoff before the second call; doubled each time up to maxDelayMs. Defaults 100 ms and 2 s. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

interface Pending {
  readonly event: StatusEvent;
  readonly entry: PutEventsRequestEntry;
}

/**
 * Publishes to an EventBridge bus with PutEvents: batches of at most 10 entries and 256 KiB,
 * and a bounded retry of the entries a call reports as failed (a call can succeed while some
 * of its entries fail: FailedEntryCount). Errors of a whole call (throttling, 5xx, network)
 * are the SDK's own retry policy's to handle; what is left of them is reported like failed entries.
 */
export class EventBridgePublisher implements EventPublisher {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: EventBridgePublisherOptions) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 2_000;
  }

  /**
   * Sends every batch, even after one fails, so that one bad batch does not hold back the rest.
   * @throws EventTooLargeError before sending anything, if one event alone is over the limit.
   * @throws EventPublishError listing every event not delivered after the retries.
   */
  async publish(events: readonly StatusEvent[]): Promise<void> {
    const pending = events.map((event) => this.toPending(event));
    const failures: PublishFailure[] = [];
    let firstCause: unknown;
    for (const batch of splitIntoBatches(pending)) {
      const result = await this.sendWithRetries(batch);
      failures.push(...result.failures);
      firstCause ??= result.cause;
    }
    if (failures.length > 0) {
      throw new EventPublishError({ failures, total: events.length, cause: firstCause });
    }
  }

  private toPending(event: StatusEvent): Pending {
    const entry: PutEventsRequestEntry = {
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      EventBusName: this.options.busName,
      Time: new Date(event.time),
    };
    const bytes = entrySize(entry);
    if (bytes > PUT_EVENTS_MAX_BYTES) {
      throw new EventTooLargeError({ detailType: event.detailType, bytes, limit: PUT_EVENTS_MAX_BYTES });
    }
    return { event, entry };
  }

  private async sendWithRetries(
    batch: readonly Pending[],
  ): Promise<{ failures: PublishFailure[]; cause?: unknown }> {
    let remaining = batch;
    for (let attempt = 1; ; attempt += 1) {
      let failed: { pending: Pending; code: string; message: string }[];
      try {
        // Loaded on first use: whoever imports lib/events for the builders or the stream
        // publisher (the CLI, the local stack) does not pay for the SDK at start-up.
        const { PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
        const output = await this.options.client.send(
          new PutEventsCommand({ Entries: remaining.map((pending) => pending.entry) }),
        );
        // Results come back in the order of the entries sent.
        failed = remaining.flatMap((pending, index) => {
          const result = output.Entries?.[index];
          if (result?.ErrorCode === undefined && result?.EventId !== undefined) return [];
          return [{ pending, code: result?.ErrorCode ?? 'NoResult', message: result?.ErrorMessage ?? '' }];
        });
      } catch (error) {
        const code = error instanceof Error ? error.name : 'Error';
        const failures = remaining.map(({ event }) => ({
          event,
          code,
          message: String((error as Error)?.message),
        }));
        return { failures, cause: error };
      }
      if (failed.length === 0) return { failures: [] };
      if (attempt >= this.maxAttempts) {
        return {
          failures: failed.map(({ pending, code, message }) => ({ event: pending.event, code, message })),
        };
      }
      await sleep(Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1)));
      remaining = failed.map(({ pending }) => pending);
    }
  }
}

/**
 * An entry's size as EventBridge counts it against the 256 KiB limit: 14 bytes for Time,
 * plus the UTF-8 bytes of Source, DetailType, Detail and each resource.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (text !== undefined) size += Buffer.byteLength(text, 'utf8');
  }
  return size;
}

function splitIntoBatches(pending: readonly Pending[]): Pending[][] {
  const batches: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const item of pending) {
    const size = entrySize(item.entry);
    if (
      current.length === PUT_EVENTS_MAX_ENTRIES ||
      (current.length > 0 && bytes + size > PUT_EVENTS_MAX_BYTES)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
