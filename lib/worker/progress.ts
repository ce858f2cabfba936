import type { EngineProgress } from '../engine/index.ts';
import type { ProgressLine, ReleaseStore } from '../store/index.ts';

/** Lines kept per request: enough to follow a run, small enough for one item. */
const MAX_LINES = 40;
/** At most one write per request this often: a rollout's wait loop must not turn into a write per poll. */
const WRITE_EVERY_MS = 500;

/**
 * Writes a request's recent progress lines to the store, throttled, so that a
 * sender following the request sees each step and object as it happens.
 * Progress is best effort: a failed write never fails the request.
 */
export class ProgressRecorder {
  private readonly lines = new Map<string, ProgressLine[]>();
  /** Requests with lines noted since their last write. */
  private readonly unwritten = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly writes = new Set<Promise<void>>();

  constructor(private readonly store: ReleaseStore) {}

  note(requestId: string, event: EngineProgress): void {
    const lines = this.lines.get(requestId) ?? [];
    lines.push({ at: event.at, message: event.message });
    if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
    this.lines.set(requestId, lines);
    this.unwritten.add(requestId);
    // The engine is about to make the revision final: what it did goes out now, ahead of that write, so
    // a sender that sees the revision final and then reads the steps (lib/client's followRequest) finds
    // them, even for a run shorter than the throttle.
    if (event.step === 'record') {
      this.write(requestId);
      return;
    }
    if (!this.timers.has(requestId)) {
      this.timers.set(
        requestId,
        setTimeout(() => this.write(requestId), WRITE_EVERY_MS),
      );
    }
  }

  /** Writes what is left for the request, if anything is new since the last write, and forgets it. */
  async flush(requestId: string): Promise<void> {
    this.write(requestId);
    this.lines.delete(requestId);
    await Promise.all(this.writes);
  }

  /** Writes the request's lines now; a write the throttle had planned is no longer needed. */
  private write(requestId: string): void {
    clearTimeout(this.timers.get(requestId));
    this.timers.delete(requestId);
    // Nothing new since the last write (the one at 'record', typically): no second write of the same lines.
    if (!this.unwritten.delete(requestId)) return;
    const lines = this.lines.get(requestId) as ProgressLine[];
    const write = this.store
      .recordProgress(requestId, [...lines])
      .catch(() => {})
      .finally(() => this.writes.delete(write));
    this.writes.add(write);
  }
}
