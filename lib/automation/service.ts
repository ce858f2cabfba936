import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { sendRequest } from '../client/index.ts';
import { systemClock } from '../domain/index.ts';
import { EventBridgePublisher, type EventPublisher, type StatusEvent } from '../events/index.ts';
import { AutomationRecords, type ReleaseStore } from '../store/index.ts';
import { clusterConnections, openReleaseStore } from '../worker/index.ts';
import { type AlarmOutcome, handleAlarmEvent } from './alarm.ts';
import { AutomationConfigError } from './errors.ts';
import { type GuardReport, runGuard } from './guard.ts';
import type { AutomationDeps } from './react.ts';
import type { ScheduleTarget } from './schedules.ts';
import { scheduleTargetFor } from './scheduling.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The alarm and guard functions' settings, from their environment (the stacks set them). */
export interface AutomationConfig {
  /** QUAYSIDE_TABLE, or QUAYSIDE_STORE (a store URL). */
  readonly table?: string;
  readonly storeUrl?: string;
  /** QUAYSIDE_EVENT_BUS: where Release Verified and Automation Skipped go. */
  readonly eventBus: string;
  /** QUAYSIDE_QUEUE_URL: where automatic rollbacks are sent. */
  readonly queueUrl: string;
  /** QUAYSIDE_KUBECONFIG_SECRET or QUAYSIDE_KUBECONFIG: the clusters (the guard's health checks). */
  readonly kubeconfigSecret?: string;
  readonly kubeconfigFile?: string;
}

/**
 * Reads the automation functions' settings.
 * @throws AutomationConfigError naming every variable that is missing.
 */
export function readAutomationConfig(env: Env): AutomationConfig {
  const problems: { field: string; message: string }[] = [];
  const value = (name: string) => env[name]?.trim() || undefined;
  const table = value('QUAYSIDE_TABLE');
  const storeUrl = value('QUAYSIDE_STORE');
  if (table === undefined && storeUrl === undefined)
    problems.push({ field: 'QUAYSIDE_TABLE', message: 'is required (or QUAYSIDE_STORE, a store URL)' });
  for (const name of ['QUAYSIDE_EVENT_BUS', 'QUAYSIDE_QUEUE_URL']) {
    if (value(name) === undefined) problems.push({ field: name, message: 'is required' });
  }
  const kubeconfigSecret = value('QUAYSIDE_KUBECONFIG_SECRET');
  const kubeconfigFile = value('QUAYSIDE_KUBECONFIG');
  // The guard reaches clusters as the worker does: through the registry in the table, with these
  // (when given) for names the registry lacks.
  if (problems.length > 0) throw new AutomationConfigError(problems);
  return {
    ...(table === undefined ? { storeUrl: storeUrl as string } : { table }),
    eventBus: value('QUAYSIDE_EVENT_BUS') as string,
    queueUrl: value('QUAYSIDE_QUEUE_URL') as string,
    ...(kubeconfigSecret === undefined ? {} : { kubeconfigSecret }),
    ...(kubeconfigFile === undefined ? {} : { kubeconfigFile }),
  };
}

export interface AutomationHooks {
  /** Wraps each AWS SDK client (tracing). */
  instrument?<T>(client: T): T;
  /** Told of each event published (logs). */
  onEvent?(event: StatusEvent): void;
}

async function automationDeps(config: AutomationConfig, hooks: AutomationHooks) {
  const wrap = <T>(client: T): T => hooks.instrument?.(client) ?? client;
  const store: ReleaseStore = await openReleaseStore(config, wrap);
  const bus = new EventBridgePublisher({ client: wrap(new EventBridgeClient({})), busName: config.eventBus });
  const publisher: EventPublisher = {
    publish: async (events) => {
      await bus.publish(events);
      for (const event of events) hooks.onEvent?.(event);
    },
  };
  const sqs = wrap(new SQSClient({}));
  const deps: AutomationDeps = {
    store,
    records: new AutomationRecords(store.driver),
    publisher,
    send: async (request) => {
      await sendRequest(sqs, config.queueUrl, request);
    },
    clock: systemClock,
  };
  return { deps, wrap };
}

/** The alarm function, wired once per container: a CloudWatch alarm state change in, its outcomes out. */
export async function createAlarmFunction(
  config: AutomationConfig,
  hooks: AutomationHooks = {},
): Promise<(event: unknown) => Promise<AlarmOutcome[]>> {
  const { deps } = await automationDeps(config, hooks);
  return (event) => handleAlarmEvent(deps, event);
}

/** The guard function, wired once per container: one round over the releases baking. */
export async function createGuardFunction(
  config: AutomationConfig,
  hooks: AutomationHooks = {},
): Promise<() => Promise<GuardReport>> {
  const { deps, wrap } = await automationDeps(config, hooks);
  const { store } = deps;
  const connections = clusterConnections(config, store, wrap);
  return () => runGuard({ ...deps, connections });
}

/**
 * Where the CLI's schedules go, from the request queue: the stack's group, and the role and DLQ it
 * names by convention in the queue's account and region (QUAYSIDE_SCHEDULE_GROUP,
 * QUAYSIDE_SCHEDULER_ROLE_ARN and QUAYSIDE_SCHEDULE_DLQ_ARN override them).
 */
export async function scheduleTargetOf(
  sqs: SQSClient,
  queueUrl: string,
  env: Env = process.env,
): Promise<ScheduleTarget> {
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return scheduleTargetFor(attributes.Attributes?.QueueArn as string, env);
}
