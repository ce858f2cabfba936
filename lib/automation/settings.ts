/**
 * The automation's settings: one definition for the CDK stack, the local stack and the CLI, so that
 * schedules and bakes behave alike everywhere (as QUEUE_SETTINGS does for the request queue).
 */
export const AUTOMATION_SETTINGS = {
  /** The EventBridge Scheduler group quayside's one-time schedules live in. */
  scheduleGroup: 'quayside',
  /**
   * The automation's dead-letter queue: a schedule's request that could not be sent, and an alarm
   * event the alarm function could not take. Scheduler and EventBridge rules need a standard queue.
   */
  automationDeadLetterQueueName: 'quayside-automation-dlq',
  /**
   * A schedule that cannot reach the request queue tries again for an hour (Scheduler backs off
   * between attempts), then its request goes to the schedules' DLQ.
   */
  scheduleRetry: { maximumRetryAttempts: 10, maximumEventAgeSeconds: 3600 },
  /** How often the guard looks at the releases baking: EventBridge's shortest rate. */
  guardEveryMinutes: 1,
  /**
   * Workloads not ready (without a pod that will never start) for this long during a bake count as
   * unhealthy: a rollout or a pod restart takes a moment, an outage does not end by itself.
   */
  notReadyGraceMs: 2 * 60_000,
  /** The automatic rollback's --timeout. */
  rollbackTimeout: '5m0s',
} as const;

/** The role Scheduler assumes to send a schedule's request: one per region, named by the stack. */
export function schedulerRoleName(region: string): string {
  return `quayside-scheduler-${region}`;
}
