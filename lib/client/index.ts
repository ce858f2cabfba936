export {
  DeadLetterQueueError,
  type DeadRequest,
  deadLetterQueueOf,
  listDeadRequests,
  redriveDeadRequests,
} from './dlq.ts';
export { type FollowUpdate, followRequest } from './follow.ts';
export { checkRequestSize, RequestTooLargeError, sendRequest } from './send.ts';
