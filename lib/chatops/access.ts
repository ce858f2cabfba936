import { type Clock, formatReleaseId, type ReleaseId, ValidationError } from '../domain/index.ts';
import { type StoreDriver, TransactionConflictError } from '../store/index.ts';
import { AccessDeniedError } from './errors.ts';
import { ACCESS_PK, GRANT_PREFIX, grantSk } from './keys.ts';
import { ACCESS_MESSAGES } from './messages.ts';
import { type AccessDecision, type Caller, type Grant, RIGHTS, type Right, type Scope } from './types.ts';

const SUBJECT_FORMS = [
  { prefix: 'slack:', pattern: /^[UW][A-Z0-9]{2,31}$/ },
  { prefix: 'slack-group:', pattern: /^S[A-Z0-9]{2,31}$/ },
  { prefix: 'iam:', pattern: /^arn:aws[a-z-]*:(iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/:-]{1,512}$/ },
] as const;
/** What a scope pattern may hold: the characters of cluster, namespace and release names, and `*` `?`. */
const PATTERN = /^[A-Za-z0-9._:@*?-]{1,128}$/;

/**
 * Reads a subject as `access grant` takes it.
 * @throws ValidationError naming the accepted forms.
 */
export function parseSubject(text: string): string {
  const form = SUBJECT_FORMS.find((f) => text.startsWith(f.prefix));
  if (form === undefined || !form.pattern.test(text.slice(form.prefix.length))) {
    throw new ValidationError([{ field: 'subject', message: ACCESS_MESSAGES.badSubject(text) }]);
  }
  return text;
}

/**
 * Reads a right and a scope as `access grant` takes them; absent patterns match everything.
 * @throws ValidationError naming each bad part.
 */
export function parseGrant(input: {
  subject: string;
  right: string;
  cluster?: string;
  namespace?: string;
  release?: string;
}): Omit<Grant, 'grantedBy' | 'grantedAt'> {
  const problems: { field: string; message: string }[] = [];
  if (!(RIGHTS as readonly string[]).includes(input.right)) {
    problems.push({ field: 'right', message: ACCESS_MESSAGES.badRight(input.right) });
  }
  const scope = {
    cluster: input.cluster ?? '*',
    namespace: input.namespace ?? '*',
    release: input.release ?? '*',
  };
  for (const [field, pattern] of Object.entries(scope)) {
    if (!PATTERN.test(pattern)) problems.push({ field, message: ACCESS_MESSAGES.badPattern(pattern) });
  }
  let subject = input.subject;
  try {
    subject = parseSubject(input.subject);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { subject, right: input.right as Right, scope };
}

/** Whether a glob pattern (`*` any run, `?` one character) matches the whole of a value. */
export function matchesPattern(pattern: string, value: string): boolean {
  // Iterative glob matching with one backtrack point: linear in practice, no regular expression built
  // from operator input.
  let p = 0;
  let v = 0;
  let star = -1;
  let mark = 0;
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v])) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = v;
    } else if (star >= 0) {
      p = star + 1;
      v = ++mark;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Whether a grant's scope covers a release. */
export function scopeCovers(scope: Scope, target: ReleaseId): boolean {
  return (
    matchesPattern(scope.cluster, target.cluster) &&
    matchesPattern(scope.namespace, target.namespace) &&
    matchesPattern(scope.release, target.name)
  );
}

/**
 * Default deny: allowed only when a grant of exactly this right, to the caller or one of their
 * groups, covers the release. Rights never imply each other.
 */
export function decideAccess(input: {
  grants: readonly Grant[];
  caller: Pick<Caller, 'subject' | 'groups'>;
  right: Right;
  target: ReleaseId;
}): AccessDecision {
  const subjects = new Set([input.caller.subject, ...input.caller.groups]);
  const grant = input.grants.find(
    (g) => g.right === input.right && subjects.has(g.subject) && scopeCovers(g.scope, input.target),
  );
  return {
    subject: input.caller.subject,
    groups: input.caller.groups,
    right: input.right,
    target: input.target,
    allowed: grant !== undefined,
    ...(grant === undefined ? {} : { grant }),
  };
}

/** The refusal of a decision that did not allow: which right is missing, on what, and how to get it. */
export function deniedError(decision: AccessDecision, who: string): AccessDeniedError {
  const target = formatReleaseId(decision.target);
  return new AccessDeniedError(
    decision.right,
    target,
    ACCESS_MESSAGES.denied({ who, right: decision.right, target, subject: decision.subject }),
  );
}

/** `cluster/namespace/release` of a scope, as people read it. */
export const formatScope = (scope: Scope) => `${scope.cluster}/${scope.namespace}/${scope.release}`;

/**
 * The access policy, kept in the release table (one partition): grants are added, revoked and
 * listed by operators (`quayside access`), and read whole for each decision, so a revocation
 * holds from the next request on.
 */
export class AccessPolicy {
  private readonly driver: StoreDriver;
  private readonly clock: Clock;

  constructor(options: { driver: StoreDriver; clock: Clock }) {
    this.driver = options.driver;
    this.clock = options.clock;
  }

  /** Adds a grant (granting the same again only updates who granted it and when). */
  async grant(grant: Omit<Grant, 'grantedAt'>): Promise<Grant> {
    const stored: Grant = { ...grant, grantedAt: new Date(this.clock.now()).toISOString() };
    await this.driver.transact([
      {
        type: 'put',
        item: {
          pk: ACCESS_PK,
          sk: grantSk(
            grant.subject,
            grant.right,
            grant.scope.cluster,
            grant.scope.namespace,
            grant.scope.release,
          ),
          subject: stored.subject,
          right: stored.right,
          cluster: stored.scope.cluster,
          namespace: stored.scope.namespace,
          release: stored.scope.release,
          grantedAt: stored.grantedAt as string,
          ...(stored.grantedBy === undefined ? {} : { grantedBy: stored.grantedBy }),
        },
      },
    ]);
    return stored;
  }

  /** Removes a grant; false when there was no such grant (nothing changed). */
  async revoke(grant: Omit<Grant, 'grantedAt' | 'grantedBy'>): Promise<boolean> {
    const { scope } = grant;
    try {
      await this.driver.transact([
        {
          type: 'delete',
          key: {
            pk: ACCESS_PK,
            sk: grantSk(grant.subject, grant.right, scope.cluster, scope.namespace, scope.release),
          },
          condition: { op: 'itemExists' },
        },
      ]);
      return true;
    } catch (error) {
      if (error instanceof TransactionConflictError) return false;
      throw error;
    }
  }

  /** Every grant, or a subject's, sorted by subject, right and scope. */
  async list(subject?: string): Promise<Grant[]> {
    const grants: Grant[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.driver.query({
        pk: ACCESS_PK,
        sk: { beginsWith: subject === undefined ? GRANT_PREFIX : `${GRANT_PREFIX}${subject}#` },
        consistent: true,
        ...(cursor === undefined ? {} : { cursor }),
      });
      for (const item of page.items) {
        grants.push({
          subject: String(item.subject),
          right: String(item.right) as Right,
          scope: {
            cluster: String(item.cluster),
            namespace: String(item.namespace),
            release: String(item.release),
          },
          ...(typeof item.grantedBy === 'string' ? { grantedBy: item.grantedBy } : {}),
          ...(typeof item.grantedAt === 'string' ? { grantedAt: item.grantedAt } : {}),
        });
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
    return grants;
  }
}
