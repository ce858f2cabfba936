/** Scheduled requests, bake windows and automatic guarded rollbacks (issue 14). See docs/automation.md. */
export { type AlarmChange, type AlarmOutcome, handleAlarmEvent, readAlarmChange } from './alarm.ts';
export { ALARM_STATES, type AlarmState, setAlarmState } from './alarm-state.ts';
export { instantOfAt, isTimeZone, parseScheduleTime, type ScheduleTime } from './at-time.ts';
export {
  AutomationConfigError,
  AutomationError,
  AutomationSkippedError,
  ScheduleInputError,
  ScheduleNotFoundError,
} from './errors.ts';
export { type GuardDeps, type GuardReport, type GuardVerdict, runGuard } from './guard.ts';
export { automationRequester, autoRollbackRequestId, scheduleRequester } from './identity.ts';
export { AUTOMATION_MESSAGES } from './messages.ts';
export {
  type AutomationDeps,
  type Reaction,
  reactToTrouble,
  rollbackRequestOf,
  type Trouble,
} from './react.ts';
export {
  cancelScheduledRequest,
  createScheduledRequest,
  getScheduledRequest,
  listScheduledRequests,
  SCHEDULE_INPUT_MAX,
  type ScheduledAction,
  type ScheduledRequest,
  type ScheduleTarget,
} from './schedules.ts';
export { formatScheduleTime, scheduleTargetFor } from './scheduling.ts';
export {
  type AutomationConfig,
  type AutomationHooks,
  createAlarmFunction,
  createGuardFunction,
  readAutomationConfig,
  scheduleTargetOf,
} from './service.ts';
export { AUTOMATION_SETTINGS, schedulerRoleName } from './settings.ts';
export { chooseRollbackTarget } from './target.ts';
export { workerAutomation } from './worker-hooks.ts';
