import * as z from 'zod';
import { ACTIONS, type Action, type ChartRef, type ReleaseId } from '../domain/index.ts';
import { describeIssues, dropUndefined } from './codec.ts';
import type { AttributeValue, Condition, Item, StoreDriver, WriteOp } from './driver.ts';
import { StoreCorruptionError, TransactionConflictError } from './errors.ts';
import { automationKey, BAKE_PREFIX, BAKING_PK, bakeKey, bakingKey, releasePk, revisionKey } from './keys.ts';

/*
 * The automation's records (issue 14), beside Helm's: a bake item per revision that was baked
 * (`BAKE#rev` in the release's partition), one "baking now" item per release in the small
 * `BAKING` partition (what the alarm function and the guard look through), and the release's
 * pause switch (`AUTOMATION`). Revision items are never touched: Helm's statuses and
 * descriptions stay as Helm writes them. See docs/store.md.
 */

/**
 * - `baking`: the window is open; trouble rolls the revision back.
 * - `verified`: the window ended without trouble.
 * - `failed`: trouble during the window; the automatic rollback was claimed (at most one per revision).
 * - `ended`: the window closed unverified: another revision was deployed first, or trouble came
 *   while the automation was paused.
 */
export type BakeState = 'baking' | 'verified' | 'failed' | 'ended';

export interface BakeRecord {
  readonly release: ReleaseId;
  readonly revision: number;
  /** The request that made the revision. */
  readonly requestId: string;
  readonly action: Action;
  readonly chart: ChartRef;
  /** Epoch ms: when the revision was deployed, and when its bake ends. */
  readonly startedAt: number;
  readonly endsAt: number;
  readonly alarms: readonly string[];
  readonly health: boolean;
  readonly state: BakeState;
  readonly endedAt?: number;
  /** failed: what went wrong; ended: why it ended unverified. Never values. */
  readonly reason?: string;
  readonly cause?: 'alarm' | 'health';
  readonly alarm?: string;
  /** The automatic rollback claimed for this revision. */
  readonly rollback?: { readonly requestId: string; readonly to: number; readonly sentAt?: number };
  /** Since when the guard has seen the workloads not ready (epoch ms), and why. */
  readonly unhealthySince?: number;
  readonly unhealthyReason?: string;
  /** Trouble seen while the automation was paused: said once, and the bake cannot end verified. */
  readonly ignored?: string;
}

/** A release baking now: what the alarm function and the guard look through. */
export interface ActiveBake {
  readonly release: ReleaseId;
  readonly revision: number;
  readonly endsAt: number;
  readonly alarms: readonly string[];
  readonly health: boolean;
}

export interface AutomationPause {
  readonly paused: boolean;
  readonly by: string;
  /** ISO 8601. */
  readonly at: string;
}

export type StartBakeResult = 'started' | 'exists' | 'not-deployed';

export interface StartBakeInput {
  readonly release: ReleaseId;
  readonly revision: number;
  /** The request that made the revision. */
  readonly requestId: string;
  readonly action: Action;
  readonly chart: ChartRef;
  /** Epoch ms: when the revision was deployed. */
  readonly startedAt: number;
  readonly forMs: number;
  readonly alarms: readonly string[];
  readonly health: boolean;
}

const MAX_START_ATTEMPTS = 3;

const bakeItemSchema = z.object({
  revision: z.int().positive(),
  requestId: z.string(),
  action: z.enum(ACTIONS),
  chartName: z.string(),
  chartVersion: z.string(),
  appVersion: z.string().optional(),
  startedAt: z.number(),
  endsAt: z.number(),
  alarms: z.array(z.string()),
  health: z.boolean(),
  state: z.enum(['baking', 'verified', 'failed', 'ended']),
  endedAt: z.number().optional(),
  reason: z.string().optional(),
  cause: z.enum(['alarm', 'health']).optional(),
  alarm: z.string().optional(),
  rollbackRequestId: z.string().optional(),
  rollbackTo: z.int().optional(),
  rollbackSentAt: z.number().optional(),
  unhealthySince: z.number().optional(),
  unhealthyReason: z.string().optional(),
  ignored: z.string().optional(),
});

const activeItemSchema = z.object({
  cluster: z.string(),
  namespace: z.string(),
  name: z.string(),
  revision: z.int().positive(),
  endsAt: z.number(),
  alarms: z.array(z.string()),
  health: z.boolean(),
});

const pauseItemSchema = z.object({ paused: z.boolean(), by: z.string(), at: z.string() });

const stillBaking: Condition = { op: 'eq', name: 'state', value: 'baking' };

/**
 * The automation's records over any StoreDriver: every change is one conditional transaction, so
 * that two alarms (or an alarm and the guard) racing for one revision claim its rollback once.
 */
export class AutomationRecords {
  constructor(private readonly driver: StoreDriver) {}

  /**
   * Opens the bake of a deployed revision: its bake item and the release's "baking now" item, in
   * one transaction conditioned on the revision still being deployed. A bake of an earlier
   * revision still open is ended (superseded) in the same transaction. Idempotent.
   */
  async startBake(input: StartBakeInput, attempt = 1): Promise<StartBakeResult> {
    const { release, revision } = input;
    const endsAt = input.startedAt + input.forMs;
    const active = await this.driver.get(bakingKey(release), { consistent: true });
    const earlier = active === undefined ? undefined : Number(active.revision);
    const earlierBake =
      earlier === undefined || earlier === revision ? undefined : await this.getBake(release, earlier);
    const ops: WriteOp[] = [
      {
        type: 'check',
        key: revisionKey(release, revision),
        condition: { op: 'eq', name: 'status', value: 'deployed' },
      },
      { type: 'put', item: bakeItem(input, endsAt), condition: { op: 'itemAbsent' } },
      {
        type: 'put',
        item: activeItem(release, { revision, endsAt, alarms: input.alarms, health: input.health }),
        condition:
          earlier === undefined ? { op: 'itemAbsent' } : { op: 'eq', name: 'revision', value: earlier },
      },
    ];
    if (earlierBake?.state === 'baking') {
      ops.push({
        type: 'update',
        key: bakeKey(release, earlierBake.revision),
        set: { state: 'ended', endedAt: input.startedAt, reason: supersededReason(revision) },
        condition: { op: 'and', of: [{ op: 'itemExists' }, stillBaking] },
      });
    }
    try {
      await this.driver.transact(ops);
      return 'started';
    } catch (error) {
      if (!(error instanceof TransactionConflictError)) throw error;
      if ((await this.getBake(release, revision)) !== undefined) return 'exists';
      if (error.failedOp === 0) return 'not-deployed';
      // Another bake began or the earlier one ended meanwhile: look again, a few times at most.
      if (attempt < MAX_START_ATTEMPTS) return this.startBake(input, attempt + 1);
      throw error;
    }
  }

  async getBake(release: ReleaseId, revision: number): Promise<BakeRecord | undefined> {
    const item = await this.driver.get(bakeKey(release, revision), { consistent: true });
    return item === undefined ? undefined : decodeBake(release, item);
  }

  /** Every bake of the release still on record, oldest first. */
  async listBakes(release: ReleaseId): Promise<BakeRecord[]> {
    const bakes: BakeRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.driver.query({
        pk: releasePk(release),
        sk: { beginsWith: BAKE_PREFIX },
        consistent: true,
        ...(cursor === undefined ? {} : { cursor }),
      });
      bakes.push(...page.items.map((item) => decodeBake(release, item)));
      cursor = page.cursor;
    } while (cursor !== undefined);
    return bakes;
  }

  /** Every release baking now (one small partition). */
  async activeBakes(): Promise<ActiveBake[]> {
    const bakes: ActiveBake[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.driver.query({
        pk: BAKING_PK,
        consistent: true,
        ...(cursor === undefined ? {} : { cursor }),
      });
      bakes.push(...page.items.map(decodeActive));
      cursor = page.cursor;
    } while (cursor !== undefined);
    return bakes;
  }

  /**
   * Closes a bake still open: `verified`, or `ended` with the reason. Returns false when it was not
   * open any more (another closed or claimed it first).
   */
  closeBake(
    release: ReleaseId,
    revision: number,
    outcome: { state: 'verified' | 'ended'; at: number; reason?: string },
  ): Promise<boolean> {
    return this.endWindow(release, revision, {
      state: outcome.state,
      endedAt: outcome.at,
      ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    });
  }

  /**
   * Claims the bake's one automatic rollback: the bake becomes `failed` with the reason, only if it
   * was still open. With a rollback to send, the release stays listed as baking until
   * `markRollbackSent`, so that a sender that dies in between is followed by another (the next
   * alarm, the guard) that sends it. Returns the record as it is after the attempt and whether this
   * call claimed it.
   */
  async claimRollback(
    release: ReleaseId,
    revision: number,
    claim: {
      at: number;
      reason: string;
      cause: 'alarm' | 'health';
      alarm?: string;
      rollback?: { requestId: string; to: number };
    },
  ): Promise<{ claimed: boolean; record: BakeRecord | undefined }> {
    const set: Record<string, AttributeValue> = {
      state: 'failed',
      endedAt: claim.at,
      reason: claim.reason,
      cause: claim.cause,
      ...(claim.alarm === undefined ? {} : { alarm: claim.alarm }),
      ...(claim.rollback === undefined
        ? {}
        : { rollbackRequestId: claim.rollback.requestId, rollbackTo: claim.rollback.to }),
    };
    const claimed =
      claim.rollback === undefined
        ? await this.endWindow(release, revision, set)
        : await this.endWindowOnly(release, revision, set);
    return { claimed, record: await this.getBake(release, revision) };
  }

  /** Records that the claimed rollback request is on the queue; the release is no longer listed as baking. */
  async markRollbackSent(release: ReleaseId, revision: number, at: number): Promise<void> {
    await this.driver
      .transact([
        {
          type: 'update',
          key: bakeKey(release, revision),
          set: { rollbackSentAt: at },
          condition: { op: 'and', of: [{ op: 'itemExists' }, { op: 'attrAbsent', name: 'rollbackSentAt' }] },
        },
        {
          type: 'delete',
          key: bakingKey(release),
          condition: {
            op: 'or',
            of: [{ op: 'itemAbsent' }, { op: 'eq', name: 'revision', value: revision }],
          },
        },
      ])
      .catch(async (error) => {
        if (!(error instanceof TransactionConflictError)) throw error;
        // A later bake is listed: note this one sent all the same (noted already: nothing to do).
        if (error.failedOp === 1) {
          await this.endWindowOnly(
            release,
            revision,
            { rollbackSentAt: at },
            { op: 'attrAbsent', name: 'rollbackSentAt' },
          );
        }
      });
  }

  /** Notes (or, with `since` undefined, clears) workloads seen not ready during an open bake. */
  async noteUnhealthy(
    release: ReleaseId,
    revision: number,
    seen: { since: number; reason: string } | undefined,
  ): Promise<void> {
    await this.driver
      .transact([
        {
          type: 'update',
          key: bakeKey(release, revision),
          ...(seen === undefined
            ? { remove: ['unhealthySince', 'unhealthyReason'] }
            : { set: { unhealthySince: seen.since, unhealthyReason: seen.reason } }),
          condition: { op: 'and', of: [{ op: 'itemExists' }, stillBaking] },
        },
      ])
      .catch((error) => {
        if (!(error instanceof TransactionConflictError)) throw error;
      });
  }

  /**
   * Notes trouble seen while the automation was paused. Returns true the first time for the bake
   * (so that it is said once), false after, or when the bake is not open.
   */
  async noteIgnored(release: ReleaseId, revision: number, reason: string): Promise<boolean> {
    try {
      await this.driver.transact([
        {
          type: 'update',
          key: bakeKey(release, revision),
          set: { ignored: reason },
          condition: {
            op: 'and',
            of: [{ op: 'itemExists' }, stillBaking, { op: 'attrAbsent', name: 'ignored' }],
          },
        },
      ]);
      return true;
    } catch (error) {
      if (error instanceof TransactionConflictError) return false;
      throw error;
    }
  }

  /** Pauses or resumes the release's automatic rollbacks. */
  async setPaused(release: ReleaseId, pause: AutomationPause): Promise<void> {
    await this.driver.transact([
      {
        type: 'put',
        item: {
          ...automationKey(release),
          type: 'automation',
          paused: pause.paused,
          by: pause.by,
          at: pause.at,
        },
      },
    ]);
  }

  /** The release's pause switch; undefined when nobody ever set it (automation on). */
  async getPause(release: ReleaseId): Promise<AutomationPause | undefined> {
    const item = await this.driver.get(automationKey(release), { consistent: true });
    if (item === undefined) return undefined;
    const parsed = pauseItemSchema.safeParse(item);
    if (!parsed.success) throw corrupt(item, parsed.error);
    return parsed.data;
  }

  /** Ends an open bake's window (its bake item and the "baking now" item) in one transaction. */
  private async endWindow(
    release: ReleaseId,
    revision: number,
    set: Record<string, AttributeValue>,
  ): Promise<boolean> {
    try {
      await this.driver.transact([
        {
          type: 'update',
          key: bakeKey(release, revision),
          set,
          condition: { op: 'and', of: [{ op: 'itemExists' }, stillBaking] },
        },
        {
          type: 'delete',
          key: bakingKey(release),
          condition: {
            op: 'or',
            of: [{ op: 'itemAbsent' }, { op: 'eq', name: 'revision', value: revision }],
          },
        },
      ]);
      return true;
    } catch (error) {
      if (!(error instanceof TransactionConflictError)) throw error;
      if (error.failedOp === 1) {
        // A later bake replaced the "baking now" item: close this one alone.
        return this.endWindowOnly(release, revision, set);
      }
      return false;
    }
  }

  private async endWindowOnly(
    release: ReleaseId,
    revision: number,
    set: Record<string, AttributeValue>,
    condition: Condition = stillBaking,
  ): Promise<boolean> {
    try {
      await this.driver.transact([
        {
          type: 'update',
          key: bakeKey(release, revision),
          set,
          condition: { op: 'and', of: [{ op: 'itemExists' }, condition] },
        },
      ]);
      return true;
    } catch (error) {
      if (error instanceof TransactionConflictError) return false;
      throw error;
    }
  }
}

/** One cell for a revision's bake, as `history` and `automation status` show it. */
export function summarizeBake(bake: BakeRecord): string {
  switch (bake.state) {
    case 'baking':
      return `baking until ${new Date(bake.endsAt).toISOString().slice(0, 19)}Z`;
    case 'verified':
      return 'verified';
    case 'failed':
      return bake.rollback === undefined
        ? `failed: ${bake.reason ?? ''}`
        : `failed, rolled back to ${bake.rollback.to}: ${bake.reason ?? ''}`;
    case 'ended':
      return `not verified: ${bake.reason ?? ''}`;
  }
}

/** Why a bake ended unverified because a later revision was deployed. */
export const supersededReason = (revision: number): string =>
  `revision ${revision} was deployed before the bake ended`;

function bakeItem(input: StartBakeInput, endsAt: number): Item {
  return dropUndefined({
    ...bakeKey(input.release, input.revision),
    type: 'bake',
    revision: input.revision,
    requestId: input.requestId,
    action: input.action,
    chartName: input.chart.name,
    chartVersion: input.chart.version,
    appVersion: input.chart.appVersion,
    startedAt: input.startedAt,
    endsAt,
    alarms: [...input.alarms],
    health: input.health,
    state: 'baking',
  });
}

function activeItem(
  release: ReleaseId,
  bake: { revision: number; endsAt: number; alarms: readonly string[]; health: boolean },
): Item {
  return {
    ...bakingKey(release),
    type: 'baking',
    cluster: release.cluster,
    namespace: release.namespace,
    name: release.name,
    revision: bake.revision,
    endsAt: bake.endsAt,
    alarms: [...bake.alarms],
    health: bake.health,
  };
}

function decodeBake(release: ReleaseId, item: Item): BakeRecord {
  const parsed = bakeItemSchema.safeParse(item);
  if (!parsed.success) throw corrupt(item, parsed.error);
  const b = parsed.data;
  return dropUndefined({
    release,
    revision: b.revision,
    requestId: b.requestId,
    action: b.action,
    chart: dropUndefined({ name: b.chartName, version: b.chartVersion, appVersion: b.appVersion }),
    startedAt: b.startedAt,
    endsAt: b.endsAt,
    alarms: b.alarms,
    health: b.health,
    state: b.state,
    endedAt: b.endedAt,
    reason: b.reason,
    cause: b.cause,
    alarm: b.alarm,
    rollback:
      b.rollbackRequestId === undefined || b.rollbackTo === undefined
        ? undefined
        : dropUndefined({ requestId: b.rollbackRequestId, to: b.rollbackTo, sentAt: b.rollbackSentAt }),
    unhealthySince: b.unhealthySince,
    unhealthyReason: b.unhealthyReason,
    ignored: b.ignored,
  });
}

function decodeActive(item: Item): ActiveBake {
  const parsed = activeItemSchema.safeParse(item);
  if (!parsed.success) throw corrupt(item, parsed.error);
  const a = parsed.data;
  return {
    release: { cluster: a.cluster, namespace: a.namespace, name: a.name },
    revision: a.revision,
    endsAt: a.endsAt,
    alarms: a.alarms,
    health: a.health,
  };
}

function corrupt(item: Item, error: z.ZodError): StoreCorruptionError {
  return new StoreCorruptionError({ key: `${item.pk} ${item.sk}`, reason: describeIssues(error) });
}
