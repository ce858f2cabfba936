import * as z from 'zod';
import type { ReleaseId } from '../domain/index.ts';
import { AUTOMATION_MESSAGES as M } from './messages.ts';
import { type AutomationDeps, type Reaction, reactToTrouble } from './react.ts';

/** The part of a "CloudWatch Alarm State Change" event the automation reads. */
export interface AlarmChange {
  readonly alarmName: string;
  readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  /** Epoch ms of the state change. */
  readonly at: number;
}

const alarmEventSchema = z.object({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  time: z.string(),
  detail: z.object({
    alarmName: z.string().min(1),
    state: z.object({
      value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
      // CloudWatch writes 2026-11-30T09:07:12.551+0000.
      timestamp: z.string().optional(),
    }),
  }),
});

/**
 * Reads the alarm change out of an EventBridge event, or undefined for any other event (the rule
 * should deliver none, but a function must not act on what it does not understand).
 */
export function readAlarmChange(event: unknown): AlarmChange | undefined {
  const parsed = alarmEventSchema.safeParse(event);
  if (!parsed.success) return undefined;
  const { detail, time } = parsed.data;
  const stamped = parseCloudWatchTime(detail.state.timestamp) ?? Date.parse(time);
  if (!Number.isFinite(stamped)) return undefined;
  return { alarmName: detail.alarmName, state: detail.state.value, at: stamped };
}

/** CloudWatch's `+0000` offsets, which Date.parse does not read everywhere. */
function parseCloudWatchTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const at = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(at) ? at : undefined;
}

export interface AlarmOutcome {
  readonly release: ReleaseId;
  readonly revision: number;
  readonly reaction: Reaction;
}

/**
 * The alarm function: an alarm entering ALARM rolls back every release baking with that alarm
 * named, each guarded as `reactToTrouble` says. Other states, and alarms no bake names, do nothing.
 */
export async function handleAlarmEvent(deps: AutomationDeps, event: unknown): Promise<AlarmOutcome[]> {
  const change = readAlarmChange(event);
  if (change === undefined || change.state !== 'ALARM') return [];
  const watching = (await deps.records.activeBakes()).filter((bake) =>
    bake.alarms.includes(change.alarmName),
  );
  const outcomes: AlarmOutcome[] = [];
  for (const active of watching) {
    const bake = await deps.records.getBake(active.release, active.revision);
    if (bake === undefined) continue;
    const reaction = await reactToTrouble(deps, bake, {
      cause: 'alarm',
      at: change.at,
      alarm: change.alarmName,
      reason: M.alarmFired(change.alarmName, bake.revision),
    });
    outcomes.push({ release: active.release, revision: active.revision, reaction });
  }
  return outcomes;
}
