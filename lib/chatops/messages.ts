/** Every text chat-ops shows people (Slack replies, HTTP refusals, CLI errors), in one place. */

export const SLASH = '/quayside';

export const COMMAND_USAGE = {
  upgrade: `${SLASH} upgrade RELEASE CHART[@VERSION] [--set k=v]… [--set-string k=v]… [--install] [--atomic] [--reuse-values] [--timeout 5m] [-n NAMESPACE] [--cluster CLUSTER]`,
  install: `${SLASH} install RELEASE CHART[@VERSION] [--set k=v]… [--set-string k=v]… [--atomic] [--create-namespace] [--timeout 5m] [-n NAMESPACE] [--cluster CLUSTER]`,
  rollback: `${SLASH} rollback RELEASE [REVISION] [--timeout 5m] [-n NAMESPACE] [--cluster CLUSTER]`,
  status: `${SLASH} status RELEASE [-n NAMESPACE] [--cluster CLUSTER]`,
  history: `${SLASH} history RELEASE [--max 10] [-n NAMESPACE] [--cluster CLUSTER]`,
  diff: `${SLASH} diff RELEASE [REVISION [REVISION]] [-n NAMESPACE] [--cluster CLUSTER]`,
  schedule: [
    `${SLASH} schedule rollback RELEASE [REVISION] --at TIME [--tz ZONE] [--timeout 5m] [-n NAMESPACE] [--cluster CLUSTER]`,
    `${SLASH} schedule upgrade RELEASE CHART[@VERSION] [--set k=v]… [--set-string k=v]… [--install] [--atomic] [--reuse-values] [--timeout 5m] --at TIME [--tz ZONE] [-n NAMESPACE] [--cluster CLUSTER]`,
    `${SLASH} schedule uninstall RELEASE [--keep-history] [--timeout 5m] --at TIME [--tz ZONE] [-n NAMESPACE] [--cluster CLUSTER]`,
    `${SLASH} schedule list [RELEASE] [-n NAMESPACE] [--cluster CLUSTER]`,
    `${SLASH} schedule cancel SCHEDULE`,
  ].join('\n'),
  help: `${SLASH} help`,
} as const;

export const GENERAL_USAGE = [
  'Commands:',
  ...Object.values(COMMAND_USAGE),
  '',
  'CHART is REPO/CHART (a repository an operator registered) or oci://REGISTRY/PATH/CHART; never a path.',
  'REVISION: rollback without one goes to the revision before the latest; diff RELEASE N shows what rolling back to N would change.',
  'TIME: 2026-12-01T06:00 in --tz ZONE (an IANA zone such as Europe/Paris; UTC without it), or 2026-12-01T05:00Z. A schedule',
  'sends its request once at that time; it needs the right its action needs (rollback; deploy for upgrade and uninstall).',
  "Cluster and namespace come from the flags, else the channel's defaults. Each command needs a right",
  '(read, deploy or rollback) on the release; ask an operator: quayside access grant RIGHT slack:YOUR_ID …',
].join('\n');

export const PARSE_MESSAGES = {
  unclosedQuote: 'a quote is not closed',
  metacharacter: (position: number, what: string) =>
    `argument ${position} holds ${what}, a shell metacharacter: refused. quayside runs no shell, and takes no such characters in any argument`,
  traversal: (position: number) =>
    `argument ${position} holds a path traversal (..): refused. Charts come from a registered repository or an OCI registry, never from a path`,
  unknownCommand: (name: string) => `unknown command "${name}"`,
  unknownFlag: (name: string) => `unknown flag ${name}`,
  flagTakesNoValue: (name: string) => `--${name} takes no value`,
  flagNeedsValue: (name: string) => `--${name} needs a value`,
  flagTwice: (name: string) => `--${name} is given twice`,
  setEntry: (name: string) => `each --${name} must be key=value`,
  arguments: (command: string, min: number, max: number, given: number) =>
    `${command} takes ${min === max ? min : `${min} to ${max}`} argument(s); ${given} given`,
  notARevision: (what: string) => `${what} must be a revision number`,
  maxRange: '--max must be 1 to 50',
  badTimeout: '--timeout must be a duration such as 90s, 5m or 1h30m',
  versionTwice: 'give the version either as CHART@VERSION or with --version, not both',
  badVersion: 'the chart version may hold letters, digits and . + ~ ^ * - only',
  badOci: 'an OCI chart is oci://REGISTRY[:PORT]/PATH/CHART, with letters, digits and . _ - in each part',
  scheduleVerb: (verbs: readonly string[]) => `schedule takes one of ${verbs.join(', ')} first`,
  scheduleName: 'SCHEDULE is the name of a schedule, as `schedule list` shows it (letters, digits and . _ -)',
  atRequired:
    '--at is required: when the request is sent (2026-12-01T06:00 with --tz ZONE, or 2026-12-01T05:00Z)',
  chartForm:
    'CHART must be REPO/CHART (a repository an operator registered with quayside chatops repo add) or oci://REGISTRY/PATH/CHART; charts never come from a path',
} as const;

export const CHAT_MESSAGES = {
  missingHeaders:
    'refused: the request carries no Slack signature (X-Slack-Signature, X-Slack-Request-Timestamp)',
  malformedSignature: 'refused: the Slack signature or timestamp is malformed',
  staleTimestamp: (ageSeconds: number) =>
    `refused: the request was signed ${ageSeconds} s away from now; Slack requests are accepted within 5 minutes`,
  badSignature: 'refused: the Slack signature does not match the request',
  replayed: 'refused: this signed request was already received; each is accepted once',
  methodNotAllowed: 'only POST is accepted here',
  unsupportedContentType: 'refused: Slack sends application/x-www-form-urlencoded',
  notConfigured:
    'quayside chat-ops is not configured: its Slack secret cannot be read (see the function logs)',
  wrongTeam: 'refused: this Slack workspace is not the one quayside serves',
  unknownPayload: 'refused: neither a slash command nor an interaction quayside knows',
  storeUnavailable: 'quayside could not reach its store; nothing was done. Try again in a moment.',
  unexpected: (id: string) =>
    `something went wrong on quayside's side; nothing was queued (see the logs, ${id})`,
  invalidRequest: (problems: string) => `the request is not valid, nothing was queued: ${problems}`,
  noCluster: (channel: string) =>
    `no cluster: give --cluster, or have an operator set this channel's default (quayside chatops channel set ${channel} --cluster NAME)`,
  unknownRepository: (repo: string) =>
    `no chart repository "${repo}" is registered; an operator adds it with: quayside chatops repo add ${repo} URL`,
  queued: (what: string, requestId: string) =>
    `:hourglass_flowing_sand: Queued: ${what} (request \`${requestId}\`). How it ends will be posted to the release's thread.`,
  staleButton: (input: { release: string; guard: number; latest: number; to: number; command: string }) =>
    `:warning: Nothing was rolled back: this button was made when revision ${input.guard} of ${input.release} was the latest, and revision ${input.latest} is now. A stale button never rolls back a newer deploy. To roll back to ${input.to} anyway, type \`${input.command}\`.`,
  releaseGone: (release: string) => `Nothing was rolled back: ${release} is not in the store any more.`,
  unknownAction: 'this button is not one quayside knows; nothing was done',
  nothingToRollBack: (release: string) => `${release} has no earlier revision to roll back to`,
} as const;

export const SCHEDULE_MESSAGES = {
  scheduled: (input: { what: string; when: string; name: string; requestId: string }) =>
    `:alarm_clock: Scheduled: ${input.what}, at ${input.when}. Schedule \`${input.name}\` sends request \`${input.requestId}\` once, then is deleted; \`${SLASH} schedule cancel ${input.name}\` cancels it. How it ends will be posted to the release's thread.`,
  notScheduled: (problems: string) => `nothing was scheduled: ${problems}`,
  cancelled: (input: { name: string; what: string; when: string }) =>
    `:wastebasket: Cancelled schedule \`${input.name}\` (${input.what}, at ${input.when}); nothing will be sent.`,
  none: (where: string) => `No schedules${where}.`,
  listed: (count: number, where: string) => `${count} schedule(s)${where}, soonest first:`,
  hidden: (count: number) =>
    `${count} more on releases you have no \`read\` right on ${count === 1 ? 'is' : 'are'} not shown.`,
  notQuaysides: (name: string) =>
    `schedule "${name}" is not one quayside made (it names no release); cancel it where it was made`,
  notConfigured:
    'scheduling is not set up for this chat endpoint (its function has no QUAYSIDE_QUEUE_ARN); nothing was scheduled',
  needsRelease: (release: string) =>
    `${release} is not in the store: only an upgrade with --install may be scheduled for a release that does not exist yet`,
} as const;

export const ACCESS_MESSAGES = {
  badSubject: (text: string) =>
    `"${text.slice(0, 80)}" is not a subject: use slack:USER_ID (U…), slack-group:GROUP_ID (S…) or iam:ARN`,
  badRight: (text: string) => `"${text.slice(0, 40)}" is not a right: use read, deploy or rollback`,
  badPattern: (text: string) =>
    `"${text.slice(0, 80)}" is not a pattern: letters, digits, . _ : @ - and the wildcards * and ?`,
  denied: (input: { who: string; right: string; target: string; subject: string }) =>
    `:no_entry: ${input.who} may not do that: the right \`${input.right}\` on ${input.target} is missing (rights never imply each other). An operator can grant it: \`quayside access grant ${input.right} ${input.subject} --cluster … --namespace … --release …\``,
} as const;

export const SETTINGS_MESSAGES = {
  badChannel: (text: string) => `"${text.slice(0, 40)}" is not a Slack channel id (C…, G… or D…)`,
  badRepoName: (text: string) =>
    `"${text.slice(0, 80)}" is not a repository name: lower case letters, digits and -`,
  badRepoUrl: (text: string) =>
    `"${text.slice(0, 200)}" is not an https:// chart repository or an oci:// prefix`,
} as const;

export const SECRET_MESSAGES = {
  unreadable: (secretId: string, error: string) => `the secret ${secretId} cannot be read (${error})`,
  notJson: (secretId: string, fields: readonly string[]) =>
    `the secret ${secretId} must be JSON with ${fields.join(', ')}`,
  missingFields: (secretId: string, fields: readonly string[]) =>
    `the secret ${secretId} lacks ${fields.join(', ')} (a non-empty string each)`,
} as const;
