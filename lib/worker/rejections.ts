import type { StatusEvent } from '../events/index.ts';
import type { ReleaseStore } from '../store/index.ts';

/**
 * The batch processor's publish step, recording each `Request Rejected` in the
 * store before it is published, so that a sender following its request (by
 * id, through the store) learns why it was refused.
 */
export function publishRecordingRejections(
  store: ReleaseStore,
  publish: (event: StatusEvent) => Promise<void>,
): (event: StatusEvent) => Promise<void> {
  return async (event) => {
    const requestId = event.detail.requestId;
    if (event.detailType === 'Request Rejected' && requestId !== undefined) {
      // Best effort: when the store is what is broken, the event must still go out.
      await store.recordRejection({ requestId, reason: event.detail.description }).catch(() => {});
    }
    await publish(event);
  };
}
