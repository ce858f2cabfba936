export { createExecutor, type ExecutorOptions, toActionOptions, toChartSource } from './execute.ts';
export { ProgressRecorder } from './progress.ts';
export { publishRecordingRejections } from './rejections.ts';
