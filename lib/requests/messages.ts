import { formatDuration } from './duration.ts';

/**
 * Every text a producer sees when quayside refuses a request. None of them quotes the
 * offending input: requests carry values, and values may hold secrets (DESIGN.md, invariant 6).
 */
export const messages = {
  notJson: 'the message body is not valid JSON',
  notObject: 'the message body must be a JSON object',
  unsupportedVersion: (supported: string) => `unsupported request version; this worker reads "${supported}"`,
  required: 'is required',
  unknownField: 'is not a known field',
  mustBe: (expected: string) => `must be ${expected}`,
  oneOf: (values: readonly unknown[]) => `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
  tooLong: (max: number | bigint) => `must be at most ${max} characters long`,
  tooShort: (min: number | bigint) =>
    min === 1 ? 'must not be empty' : `must be at least ${min} characters long`,
  tooMany: (max: number | bigint) => `must have at most ${max} entries`,
  tooSmall: (min: number | bigint) => `must be at least ${min}`,
  tooLarge: (max: number | bigint) => `must be at most ${max}`,
  invalid: 'is invalid',
  requestId: 'must be 1-128 letters, digits or _ . : -',
  chartRepo: 'must be an http:// or https:// URL of a Helm chart repository',
  chartOci: 'must be an oci:// reference',
  chartName: 'must be a chart name: letters, digits, and . _ - (not first)',
  chartInline: (maxChars: number) =>
    `must be a base64-encoded .tgz of at most ${maxChars} characters (the whole message must fit SQS's 256 KB)`,
  chartSourceMissing: 'needs exactly one source: repo (with name), oci, inline or path',
  chartSourcesExclusive: (found: readonly string[]) =>
    `has ${found.join(' and ')}; repo, oci, inline and path are mutually exclusive`,
  chartNameNeedsRepo: 'is only allowed with repo (an OCI reference or archive names its own chart)',
  chartVersionNotAllowed: 'is only allowed with repo or oci (an inline archive or path is one version)',
  chartNameRequired: 'is required with repo',
  chartRequired: (action: string) => `is required for ${action}`,
  notForAction: (action: string) => `does not apply to ${action}`,
  setEntry: 'must be key=value (a Helm --set expression)',
  timeout: (reason: string) => `must be a positive Go duration such as 5m0s or 90s: ${reason}`,
  timeoutNotPositive: 'must be a positive Go duration such as 5m0s or 90s',
  dateTime: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-11-23T12:00:00Z',
  exclusiveOptions: (a: string, b: string) =>
    `cannot be combined with ${b}; ${a} and ${b} are mutually exclusive`,
  atomicNeedsWait: 'cannot be true with wait false: atomic waits for the release to become healthy',
  serverSideOnly:
    'must be true, "true" or "auto": quayside always applies server-side (Helm 4\'s default); client-side apply is not offered',
  alarmsUnique: 'must not name an alarm twice',
  automaticRollbackOnly: 'alarm and health automation send only rollback requests',
} as const;

/** Reasons given with per-message outcomes (for logs and metrics); like the above, never quoting input. */
export const outcomeReasons = {
  invalid: (problems: readonly { field: string }[]) =>
    `invalid request (${problems.map((p) => p.field).join(', ')})`,
  outOfTime: 'not started: too little time is left in this invocation',
  heldBack: 'an earlier message of the same group is to be retried; this one waits to keep the order',
  unexpected: (type: string, receiveCount: number, maxReceives: number) =>
    `unexpected ${type} (receive ${receiveCount} of ${maxReceives})`,
  gaveUp: (type: string, receiveCount: number) =>
    `unexpected ${type} on receive ${receiveCount}; giving up so that it does not retry forever: the request stays in the dead-letter queue (quayside dlq list, quayside dlq redrive)`,
  gaveUpRetrying: (receiveCount: number, cause: string) =>
    `still failing on receive ${receiveCount} (${cause}); giving up so that it does not retry forever: the request stays in the dead-letter queue (quayside dlq list, quayside dlq redrive)`,
  timeoutTooLong: (maxMs: number) =>
    `is longer than this worker can give one action (${formatDuration(maxMs)}, its function timeout less a margin); ask for less`,
  rejectionNotPublished: (type: string) => `the rejection could not be published (${type}); retrying`,
} as const;
