import * as z from 'zod';
import { findReleaseIdProblems, formatReleaseId, type ReleaseId } from '../domain/index.ts';

/*
 * The buttons the notifier puts under a status message and the chat endpoint answers. Their value
 * is echoed by Slack inside a signed request, so it cannot be forged by a caller; it is still
 * validated as input, and every click is authorized as a typed command would be.
 */

export const ACTION_IDS = { rollback: 'quayside.rollback', history: 'quayside.history' } as const;

export interface RollbackButton {
  readonly release: ReleaseId;
  /** The revision to roll back to. */
  readonly to: number;
  /** The revision that was the latest when the button was made: the click is refused if it no longer is. */
  readonly guard: number;
}

const releaseText = z.string().transform((text, ctx) => {
  const [cluster, namespace, name, ...rest] = text.split('/');
  const id = { cluster, namespace, name };
  if (rest.length > 0 || findReleaseIdProblems(id).length > 0) {
    ctx.addIssue({ code: 'custom', message: 'not a release id' });
    return z.NEVER;
  }
  return id as ReleaseId;
});
const revision = z.int().min(1);
const rollbackValue = z.strictObject({ release: releaseText, to: revision, guard: revision });
const historyValue = z.strictObject({ release: releaseText });

export const encodeRollbackButton = (button: RollbackButton) =>
  JSON.stringify({ release: formatReleaseId(button.release), to: button.to, guard: button.guard });
export const encodeHistoryButton = (release: ReleaseId) =>
  JSON.stringify({ release: formatReleaseId(release) });

/** A clicked button, read back; undefined when its value is not one quayside made. */
export function decodeButton(
  actionId: string,
  value: string | undefined,
): { kind: 'rollback'; button: RollbackButton } | { kind: 'history'; release: ReleaseId } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(value ?? '');
  } catch {
    return undefined;
  }
  if (actionId === ACTION_IDS.rollback) {
    const parsed = rollbackValue.safeParse(json);
    return parsed.success ? { kind: 'rollback', button: parsed.data } : undefined;
  }
  if (actionId === ACTION_IDS.history) {
    const parsed = historyValue.safeParse(json);
    return parsed.success ? { kind: 'history', release: parsed.data.release } : undefined;
  }
  return undefined;
}
