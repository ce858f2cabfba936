export {
  createExecutor,
  type ExecutorAutomation,
  type ExecutorOptions,
  toActionOptions,
  toChartSource,
} from './execute.ts';
export { ProgressRecorder } from './progress.ts';
export { publishRecordingRejections } from './rejections.ts';
export {
  clusterConnections,
  createSweeper,
  createWorker,
  openReleaseStore,
  readWorkerConfig,
  sqsVisibility,
  type Worker,
  type WorkerConfig,
  WorkerConfigError,
  type WorkerHooks,
} from './service.ts';
export {
  HELD_VISIBILITY_SECONDS,
  INVOCATION_MARGIN_MS,
  processSqsBatch,
  type SqsBatchInput,
  type SqsRecord,
  toQueueMessage,
  type VisibilityPort,
} from './sqs-batch.ts';
export { type SweepResult, sweepExpiredLeases } from './sweep.ts';
