export { type FollowUpdate, followRequest } from './follow.ts';
export { sendRequest } from './send.ts';
