export { type FollowUpdate, followRequest } from './follow.ts';
export { checkRequestSize, RequestTooLargeError, sendRequest } from './send.ts';
