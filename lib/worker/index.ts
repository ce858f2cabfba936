export { createExecutor, type ExecutorOptions, toActionOptions, toChartSource } from './execute.ts';
export { publishRecordingRejections } from './rejections.ts';
