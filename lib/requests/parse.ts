import type * as z from 'zod';
import {
  ACTIONS,
  type Action,
  type FieldProblem,
  findReleaseIdProblems,
  type ReleaseId,
} from '../domain/index.ts';
import { messages } from './messages.ts';
import { deployRequestSchema, REQUEST_ID_PATTERN, REQUEST_VERSION } from './schema.ts';
import type { ParseResult } from './types.ts';

/**
 * Reads one queue message body as a DeployRequest v1. Never throws for bad input: each
 * problem is named by its field path, and no message quotes the input (it may hold secrets).
 * When the request is refused, whatever identifies it (request id, action, release) and is
 * itself valid comes back too, so that the rejection can be reported against it.
 */
export function parseQueueMessage(body: string): ParseResult {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    // JSON.parse's own message quotes the text around the error: it could be a secret.
    return { ok: false, problems: [{ field: 'body', message: messages.notJson }] };
  }
  return parseDeployRequest(document);
}

/** Validates an already-decoded document; see parseQueueMessage. */
export function parseDeployRequest(document: unknown): ParseResult {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return { ok: false, problems: [{ field: 'body', message: messages.notObject }] };
  }
  const raw = document as Record<string, unknown>;
  const identity = salvageIdentity(raw);
  // Another version's fields mean other things: judging them by v1's rules would only confuse.
  if (raw.version !== REQUEST_VERSION) {
    const message =
      raw.version === undefined ? messages.required : messages.unsupportedVersion(REQUEST_VERSION);
    return { ok: false, problems: [{ field: 'version', message }], ...identity };
  }
  const result = deployRequestSchema.safeParse(document, { error: describeIssue });
  if (result.success) return { ok: true, request: result.data };
  return { ok: false, problems: result.error.issues.flatMap(toProblems), ...identity };
}

function salvageIdentity(raw: Record<string, unknown>): {
  requestId?: string;
  action?: Action;
  release?: ReleaseId;
} {
  const identity: { requestId?: string; action?: Action; release?: ReleaseId } = {};
  if (typeof raw.requestId === 'string' && REQUEST_ID_PATTERN.test(raw.requestId))
    identity.requestId = raw.requestId;
  if (ACTIONS.includes(raw.action as Action)) identity.action = raw.action as Action;
  const release = raw.release as Record<string, unknown> | undefined;
  if (typeof release === 'object' && release !== null && findReleaseIdProblems(release).length === 0) {
    identity.release = {
      cluster: release.cluster as string,
      namespace: release.namespace as string,
      name: release.name as string,
    };
  }
  return identity;
}

/** Texts for zod's generic issues; schema-specific ones carry their own message. */
function describeIssue(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? messages.required : messages.mustBe(article(issue.expected));
    case 'invalid_value':
      return messages.oneOf(issue.values);
    case 'too_big':
      if (issue.origin === 'string') return messages.tooLong(issue.maximum as number);
      if (issue.origin === 'array') return messages.tooMany(issue.maximum as number);
      return messages.tooLarge(issue.maximum as number);
    case 'too_small':
      if (issue.origin === 'string') return messages.tooShort(issue.minimum as number);
      return messages.tooSmall(issue.minimum as number);
    default:
      return messages.invalid;
  }
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  if (expected === 'record') return 'an object';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function toProblems(issue: z.core.$ZodIssue): FieldProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: formatPath([...issue.path, key]),
      message: messages.unknownField,
    }));
  }
  return [{ field: formatPath(issue.path), message: issue.message }];
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text === '' ? 'body' : text;
}
