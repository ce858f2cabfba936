import { formatDuration } from '../requests/index.ts';

/** Reasons go into a revision's description (at most 1024 characters) after `Rollback to N: `. */
const clip = (text: string) => (text.length > 600 ? `${text.slice(0, 599)}…` : text);
const list = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

/** Every text the automation writes: revision descriptions, event reasons, errors. None holds values. */
export const AUTOMATION_MESSAGES = {
  // Why an automatic rollback happens: the revision's description is `Rollback to N: <reason>`.
  alarmFired: (alarm: string, revision: number) =>
    `alarm "${alarm}" fired during bake of revision ${revision}`,
  unhealthy: (revision: number, detail: string) =>
    `workloads unhealthy during bake of revision ${revision}: ${clip(detail)}`,
  notReady: (revision: number, ms: number, detail: string) =>
    `workloads not ready for ${formatDuration(ms)} during bake of revision ${revision}: ${clip(detail)}`,
  rollbackDescription: (target: number, reason: string) => `Rollback to ${target}: ${reason}`,

  // Automation Skipped: why nothing was done.
  newerDeployed: (deployed: number | undefined, revision: number) =>
    deployed === undefined
      ? `No automatic rollback: revision ${revision} is no longer deployed`
      : `No automatic rollback: revision ${deployed} has been deployed since the bake of revision ${revision} began`,
  paused: (release: string, by: string, reason: string) =>
    `Automatic rollback of ${release} is paused (by ${by}): ${reason}; ignored`,
  alreadyRolledBack: (revision: number, earlier: string) =>
    `No second automatic rollback: the bake of revision ${revision} already failed (${earlier}); one automatic rollback per revision`,
  noTarget: (revision: number) =>
    `No automatic rollback: no revision before ${revision} finished its bake or was deployed`,
  workerNewer: (deployed: number | undefined, revision: number) =>
    deployed === undefined
      ? `the automatic rollback for revision ${revision} does nothing: the release has no deployed revision now`
      : `the automatic rollback for revision ${revision} does nothing: revision ${deployed} has been deployed since`,
  workerPaused: (release: string, by: string) =>
    `the automatic rollback of ${release} does nothing: the automation is paused (by ${by})`,
  workerForward: (target: number, revision: number) =>
    `the automatic rollback for revision ${revision} does nothing: revision ${target} is not earlier (never an automatic roll forward)`,

  // Bakes.
  verified: (revision: number, forMs: number) =>
    `Revision ${revision} verified: its ${formatDuration(forMs)} bake ended without trouble`,
  verifiedReason: (revision: number, forMs: number, alarms: readonly string[], health: boolean) => {
    const watched = [
      ...(alarms.length > 0 ? [`alarms ${list(alarms)}`] : []),
      ...(health ? ['health checked'] : []),
    ];
    return `the ${formatDuration(forMs)} bake of revision ${revision} ended without trouble (${
      watched.length > 0 ? watched.join('; ') : 'nothing watched'
    })`;
  },
  notVerifiedPaused: (ignored: string) => `not verified: ${ignored} while the automation was paused`,
  noDeployed: 'the release has no deployed revision',

  // Schedules.
  scheduleReplaced: (atCreation: number | undefined, replaced: number | undefined) =>
    `the release changed since the schedule was made: revision ${atCreation ?? 'none'} was deployed then; this replaced revision ${replaced ?? 'none'}`,
  scheduleAsWritten: (replaced: number | undefined) =>
    replaced === undefined ? 'ran as scheduled' : `ran as scheduled; replaced revision ${replaced}`,
  scheduleDescription: (what: string, release: string, by: string) =>
    `quayside: ${what} ${release} (made by ${by})`,
  scheduleNotFound: (name: string, group: string) =>
    `no schedule "${name}" in group "${group}" (a one-time schedule is deleted once it has run)`,
  inputTooLarge: (chars: number, limit: number) =>
    `the request is ${chars} characters; EventBridge Scheduler carries at most ${limit}: schedule a chart from a repository or an OCI registry (an inline chart does not fit)`,

  // --at and --tz.
  atFormat: 'must be a date and time such as 2026-12-01T06:00 (with --tz), or 2026-12-01T05:00Z',
  atInvalid: 'is not a real date and time',
  atPast: (when: string) => `is in the past (${when}); a schedule must be for a later time`,
  tzUnknown: 'is not a known IANA time zone such as Europe/Paris',
  tzTwice: 'cannot be given with a time that names its own offset',
  atSkipped: (tz: string) => `does not exist in ${tz}: the clocks skip it (daylight saving time)`,

  // Principals.
  automationPrincipal: (what: string) => `quayside-automation: ${what}`,
  schedulePrincipal: (name: string, by: string) => `schedule ${name} (made by ${by})`,
} as const;
