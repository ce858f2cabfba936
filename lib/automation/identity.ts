import { createHash } from 'node:crypto';
import { formatReleaseId, type ReleaseId, type Requester } from '../domain/index.ts';
import { AUTOMATION_MESSAGES as M } from './messages.ts';

/**
 * The request id of the one automatic rollback a bake may make: the same for every alarm and every
 * guard run that finds the bake bad, so that sending it twice makes one revision (the queue drops
 * the copy, the store answers it as a duplicate). The bake's start is part of it: a release purged
 * and installed again under the same name gets new ids.
 */
export function autoRollbackRequestId(bake: {
  release: ReleaseId;
  revision: number;
  startedAt: number;
}): string {
  const digest = createHash('sha256')
    .update(`${formatReleaseId(bake.release)}\n${bake.revision}\n${bake.startedAt}`)
    .digest('hex')
    .slice(0, 16);
  return `auto-rollback-${digest}-r${bake.revision}`;
}

/** Who an automatic request is from: the automation, naming what moved it. */
export function automationRequester(cause: {
  cause: 'alarm' | 'health' | 'bake';
  alarm?: string;
}): Requester {
  const what =
    cause.cause === 'alarm'
      ? `alarm "${clip(cause.alarm ?? '', 200)}"`
      : cause.cause === 'health'
        ? 'health guard'
        : 'bake';
  return { principal: M.automationPrincipal(what), channel: 'automation' };
}

/** Who a scheduled request is from: the schedule, naming who made it. */
export function scheduleRequester(name: string, createdBy: string): Requester {
  return { principal: M.schedulePrincipal(name, clip(createdBy, 150)), channel: 'schedule' };
}

/** A request's principal holds at most 256 characters. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
