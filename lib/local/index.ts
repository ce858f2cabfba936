export { LOCAL_SQS_CREDENTIALS, type LocalQueue, startLocalQueue } from './queue.ts';
export { LOCAL_TABLE, type LocalStack, type LocalStackOptions, startLocalStack } from './stack.ts';
export { type HeldMessage, startWorkerLoop, type WorkerLoop, type WorkerLoopOptions } from './worker-loop.ts';
