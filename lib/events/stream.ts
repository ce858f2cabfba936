import { formatEventLine } from './format.ts';
import { toEventJson } from './schema.ts';
import type { EventPublisher, StatusEvent } from './types.ts';

/** The part of a Node writable stream the publisher uses (process.stdout, a file, a PassThrough). */
export interface LineSink {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
}

export interface StreamPublisherOptions {
  readonly stream: LineSink;
  /** `jsonl`: one JSON event per line, the status-event schema's form. `human`: formatEventLine. */
  readonly format: 'jsonl' | 'human';
}

/** Writes each event as one line: JSONL for machines (the local stack's log), or a sentence for people. */
export class StreamPublisher implements EventPublisher {
  constructor(private readonly options: StreamPublisherOptions) {}

  async publish(events: readonly StatusEvent[]): Promise<void> {
    if (events.length === 0) return;
    const lines = events.map((event) =>
      this.options.format === 'jsonl' ? JSON.stringify(toEventJson(event)) : formatEventLine(event),
    );
    // One write per call keeps a batch's lines together when several publishers share stdout.
    await new Promise<void>((resolve, reject) => {
      this.options.stream.write(`${lines.join('\n')}\n`, (error) => (error ? reject(error) : resolve()));
    });
  }
}
