import type { EventPublisher, StatusEvent } from './types.ts';

/** Keeps published events in order, for tests and the in-process stack. */
export class MemoryPublisher implements EventPublisher {
  readonly events: StatusEvent[] = [];

  async publish(events: readonly StatusEvent[]): Promise<void> {
    // A copy, so that later changes by the caller cannot rewrite what was "sent".
    this.events.push(...structuredClone(events));
  }
}
