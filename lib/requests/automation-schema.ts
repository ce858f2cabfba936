import * as z from 'zod';
import { parseDuration } from './duration.ts';
import { DurationSyntaxError } from './errors.ts';
import { messages } from './messages.ts';

/*
 * The automation's part of DeployRequest v1 (issue 14), kept apart from the rest of the schema:
 * `bake` (watch a new revision for a while, roll it back automatically when it turns bad) and
 * `automation` (why a request that nobody typed was sent: a schedule, an alarm, a failed health
 * check). Their JSON Schema twins are `$defs/bake` and `$defs/automation` in
 * events/schemas/deploy-request.v1.schema.json, with the rules in its `allOf`.
 */

export const AUTOMATION_CAUSES = ['schedule', 'alarm', 'health'] as const;
export type AutomationCause = (typeof AUTOMATION_CAUSES)[number];
/** Causes of an automatic rollback: such a request names the revision whose bake went bad. */
export const ROLLBACK_CAUSES: readonly AutomationCause[] = ['alarm', 'health'];
/** CloudWatch's limit on an alarm name. */
export const ALARM_NAME_MAX = 255;
export const BAKE_ALARMS_MAX = 20;
/** EventBridge Scheduler's limit on a schedule name. */
export const SCHEDULE_NAME_MAX = 64;

/** How long a new revision is watched, and for what. */
export interface BakeSpec {
  /** A positive Go duration (`15m`). */
  readonly for: string;
  /** CloudWatch alarm names: one entering ALARM during the bake rolls the release back. */
  readonly alarms: readonly string[];
  /** Whether the guard re-checks the workloads' readiness during the bake. */
  readonly health: boolean;
}

/** Why a request was sent by quayside rather than typed by someone. Holds no values. */
export interface AutomationOrigin {
  readonly cause: AutomationCause;
  readonly reason?: string;
  /** alarm, health: the revision whose bake went bad; the rollback does nothing once another is deployed. */
  readonly forRevision?: number;
  readonly alarm?: string;
  /** schedule: the schedule's name and who made it. */
  readonly schedule?: string;
  readonly createdBy?: string;
  /** schedule: the revision deployed when the schedule was made (absent: none was). */
  readonly revisionAtCreation?: number;
}

const positiveDuration = z.string().check((ctx) => {
  try {
    if (parseDuration(ctx.value) > 0) return;
    ctx.issues.push({ code: 'custom', message: messages.timeoutNotPositive, input: ctx.value });
  } catch (error) {
    if (!(error instanceof DurationSyntaxError)) throw error;
    ctx.issues.push({ code: 'custom', message: messages.timeout(error.reason), input: ctx.value });
  }
});

export const bakeSchema = z
  .strictObject({
    for: positiveDuration,
    alarms: z.array(z.string().min(1).max(ALARM_NAME_MAX)).max(BAKE_ALARMS_MAX).optional(),
    health: z.boolean().optional(),
  })
  .check((ctx) => {
    const alarms = ctx.value.alarms ?? [];
    if (new Set(alarms).size !== alarms.length) {
      ctx.issues.push({ code: 'custom', message: messages.alarmsUnique, path: ['alarms'], input: ctx.value });
    }
  });

export const automationSchema = z.strictObject({
  cause: z.enum(AUTOMATION_CAUSES),
  reason: z.string().min(1).max(1024).optional(),
  forRevision: z.int().min(1).optional(),
  alarm: z.string().min(1).max(ALARM_NAME_MAX).optional(),
  schedule: z.string().min(1).max(SCHEDULE_NAME_MAX).optional(),
  createdBy: z.string().min(1).max(256).optional(),
  revisionAtCreation: z.int().min(1).optional(),
});

type RawAutomationFields = {
  readonly action: string;
  readonly bake?: z.infer<typeof bakeSchema> | undefined;
  readonly automation?: z.infer<typeof automationSchema> | undefined;
};

/** The rules between the automation's fields and the rest of the request (the JSON Schema's allOf). */
export function checkAutomationFields(
  request: RawAutomationFields,
  add: (message: string, path: (string | number)[]) => void,
): void {
  if (request.bake !== undefined && request.action === 'uninstall') {
    add(messages.notForAction(request.action), ['bake']);
  }
  const automation = request.automation;
  if (automation === undefined) return;
  if (ROLLBACK_CAUSES.includes(automation.cause)) {
    if (request.action !== 'rollback') add(messages.automaticRollbackOnly, ['automation', 'cause']);
    if (automation.forRevision === undefined) add(messages.required, ['automation', 'forRevision']);
    if (automation.reason === undefined) add(messages.required, ['automation', 'reason']);
  }
  if (automation.cause === 'schedule') {
    if (automation.schedule === undefined) add(messages.required, ['automation', 'schedule']);
    if (automation.createdBy === undefined) add(messages.required, ['automation', 'createdBy']);
  }
}

/** The parsed fields with their defaults, as they go into a DeployRequest. */
export function automationFieldsOf(raw: {
  bake?: z.infer<typeof bakeSchema> | undefined;
  automation?: z.infer<typeof automationSchema> | undefined;
}): { bake?: BakeSpec; automation?: AutomationOrigin } {
  return {
    ...(raw.bake === undefined
      ? {}
      : { bake: { for: raw.bake.for, alarms: raw.bake.alarms ?? [], health: raw.bake.health ?? false } }),
    ...(raw.automation === undefined ? {} : { automation: dropUndefined(raw.automation) }),
  };
}

function dropUndefined<T extends object>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as T;
}
