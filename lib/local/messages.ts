import type { BundleInfo } from '../bundles/index.ts';

const reason = (error: unknown) => (error instanceof Error ? error.message.split('\n')[0] : String(error));

/** Every line the local stack says to the person running it, in one place. */
export const LOCAL_MESSAGES = {
  bundles: (bundles: readonly BundleInfo[]) =>
    `Lambda bundles (as deployed): ${bundles
      .map((b) => `${b.name} ${(b.bytes / 1024 / 1024).toFixed(2)} MB ${b.built ? 'built' : 'unchanged'}`)
      .join(', ')}`,
  noDynamo: (detail: string) => `DynamoDB Local could not start (${detail}); using the file store instead.`,
  eksClusters: (names: readonly string[], sts: string, eks: string) =>
    `${names.length} simulated EKS clusters (${names.join(', ')}), registered in the store and reached with EKS tokens; STS ${sts}, EKS ${eks}`,
  clusterUnreachable: (context: string, file: string, detail: string) =>
    `the cluster of context "${context}" in ${file} does not answer: ${detail}`,
  queueError: (error: unknown) =>
    `the worker's event source cannot read the queue: ${reason(error)}; retrying`,
  badEvent: (detailType: string, error: unknown) =>
    `an event "${detailType}" is not a valid status event: ${reason(error)}`,
  migrated: (count: number) => `Moved ${count} request(s) kept by an earlier version into the queue.`,
  sweeperFailed: (detail: string) => `the sweeper failed: ${detail}`,
  swept: (count: number) => `the sweeper recorded ${count} interrupted operation(s) as failed`,
  storeDown: (error: unknown) =>
    `the store does not answer (${reason(error)}): the worker is paused; queued requests wait and nothing is dead-lettered for it`,
  storeUp: 'the store answers again: the worker carries on',
  dynamoRestarting: (inMemory: boolean) =>
    `DynamoDB Local stopped unexpectedly; starting it again on the same port${inMemory ? ' (--ephemeral: its data is gone)' : ''}`,
  dynamoRestartFailed: (attempt: number, error: unknown) =>
    `DynamoDB Local did not start again (attempt ${attempt}): ${reason(error)}; trying again`,
} as const;

/** What the local stack's automation (scheduler, alarms, guard) says to the person running it. */
export const AUTOMATION_LOCAL_MESSAGES = {
  scheduleSent: (name: string) => `schedule ${name} ran: its request is on the queue`,
  scheduleDeadLettered: (name: string, detail: string) =>
    `schedule ${name} could not send its request (${detail}); it is in the schedules' dead-letter queue`,
  functionFailed: (name: string, detail: string) => `the ${name} function failed: ${detail}`,
} as const;

/** The local stack cannot start as asked. */
export class LocalStackError extends Error {
  override readonly name = 'LocalStackError';
}
