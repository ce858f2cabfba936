export {
  type AutomationEventInput,
  buildAutomationEvent,
  buildRejectionEvent,
  buildReleaseEvent,
  chooseDetailType,
  countChanges,
  describeError,
  type RejectionEventInput,
  type ReleaseEventInput,
} from './build.ts';
export {
  EventPublishError,
  EventsError,
  EventTooLargeError,
  InvalidStatusEventError,
  type PublishFailure,
} from './errors.ts';
export {
  EventBridgePublisher,
  type EventBridgePublisherOptions,
  entrySize,
  PUT_EVENTS_MAX_BYTES,
  PUT_EVENTS_MAX_ENTRIES,
} from './eventbridge.ts';
export { formatEventLine } from './format.ts';
export { MemoryPublisher } from './memory.ts';
export {
  parseStatusEvent,
  type StatusEventJson,
  statusDetailSchema,
  statusEventJsonSchema,
  toEventJson,
} from './schema.ts';
export { type LineSink, StreamPublisher, type StreamPublisherOptions } from './stream.ts';
export {
  type AutomationDetail,
  type ChangeCounts,
  DETAIL_TYPES,
  type DetailType,
  EVENT_SOURCE,
  EVENT_VERSION,
  type EventPublisher,
  type EventStatus,
  type StatusDetail,
  type StatusEvent,
} from './types.ts';
