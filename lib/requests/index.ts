export {
  ALARM_NAME_MAX,
  AUTOMATION_CAUSES,
  type AutomationCause,
  type AutomationOrigin,
  BAKE_ALARMS_MAX,
  type BakeSpec,
  ROLLBACK_CAUSES,
  SCHEDULE_NAME_MAX,
} from './automation-schema.ts';
export {
  type BatchDependencies,
  DEFAULT_BATCH_CONCURRENCY,
  DEFAULT_MAX_RECEIVES,
  type MessageOutcome,
  type Outcome,
  processBatch,
  type QueueMessage,
} from './batch.ts';
export { type SqsBatchResponse, toBatchResponse } from './batch-response.ts';
export { deduplicationIdOf, requestDigest } from './digest.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { DurationSyntaxError, RequestError } from './errors.ts';
export { messages as requestMessages, outcomeReasons } from './messages.ts';
export { parseDeployRequest, parseQueueMessage } from './parse.ts';
export { QUEUE_SETTINGS, retryDelaySeconds } from './queue-settings.ts';
export {
  DEFAULT_HISTORY_MAX,
  DEFAULT_TIMEOUT,
  type DeployRequestInput,
  deployRequestSchema,
  INLINE_CHART_MAX_CHARS,
  REQUEST_CHANNELS,
  REQUEST_ID_PATTERN,
  REQUEST_VERSION,
  SQS_MAX_MESSAGE_BYTES,
} from './schema.ts';
export type {
  ChangeRequest,
  ChartSource,
  DeployRequest,
  ExecutionResult,
  ParseResult,
  RequestChannel,
  RequestOptions,
  RollbackRequest,
  UninstallRequest,
} from './types.ts';
