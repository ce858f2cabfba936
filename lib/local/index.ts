export {
  alarmStateChangeEvent,
  type LocalCloudWatch,
  startLocalCloudWatch,
  toTargetEvent,
} from './cloudwatch.ts';
export { type LocalCluster, type LocalEksClusters, startLocalEksClusters } from './clusters.ts';
export { type BusEvent, type PutEventsStub, startPutEventsStub } from './event-bus.ts';
export { type EventSource, type SqsEventRecord, startEventSource, toSqsEventRecord } from './event-source.ts';
export { type InvokeResult, type LocalFunction, startLocalFunction } from './lambda-runtime.ts';
export { LocalStackError } from './messages.ts';
export { createAutomationDeadLetterQueue, createRequestQueues, type RequestQueues } from './queues.ts';
export { LOCAL_SCHEDULE_GROUPS, type LocalScheduler, startLocalScheduler } from './scheduler/index.ts';
export { LOCAL_ACCOUNT, LOCAL_REGION, type LocalSqs, localQueueUrl, startLocalSqs } from './sqs/index.ts';
export {
  LOCAL_CREDENTIALS,
  LOCAL_EVENT_BUS,
  LOCAL_TABLE,
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from './stack.ts';
