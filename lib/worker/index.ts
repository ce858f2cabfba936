export { createExecutor, type ExecutorOptions, toActionOptions, toChartSource } from './execute.ts';
