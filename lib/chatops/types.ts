import type { ReleaseId } from '../domain/index.ts';

/** What a grant allows. Each is its own: a right to roll back does not imply a right to deploy. */
export const RIGHTS = ['read', 'deploy', 'rollback'] as const;
export type Right = (typeof RIGHTS)[number];

/**
 * Who a grant is for: a Slack user (`slack:U0123ABC`), a Slack user group (`slack-group:S0123ABC`),
 * or an IAM principal for other producers (`iam:arn:aws:iam::123456789012:role/deployer`).
 */
export type Subject = string;

/** Where a grant applies: glob patterns (`*` any run of characters, `?` one) on each part of a release id. */
export interface Scope {
  readonly cluster: string;
  readonly namespace: string;
  readonly release: string;
}

export interface Grant {
  readonly subject: Subject;
  readonly right: Right;
  readonly scope: Scope;
  /** Who granted it and when (the CLI's user), for `access list`. */
  readonly grantedBy?: string;
  readonly grantedAt?: string;
}

/** A verified caller: the Slack user, the groups they are in (when the policy has group grants). */
export interface Caller {
  /** `slack:U0123ABC` */
  readonly subject: Subject;
  /** The Slack user id alone. */
  readonly userId: string;
  /** The Slack user name, for people (never for decisions). */
  readonly name: string;
  /** `slack-group:S…` subjects of the user groups the caller belongs to. */
  readonly groups: readonly Subject[];
}

/** One authorization decision, as it is logged. */
export interface AccessDecision {
  readonly subject: Subject;
  readonly groups: readonly Subject[];
  readonly right: Right;
  readonly target: ReleaseId;
  readonly allowed: boolean;
  /** The grant that allowed it. */
  readonly grant?: Grant;
}

/** Defaults for commands typed in a Slack channel that name no cluster or namespace. */
export interface ChannelDefaults {
  readonly channel: string;
  readonly cluster?: string;
  readonly namespace?: string;
}

/** A chart repository registered for chat-ops (`REPO/CHART` in commands), as `helm repo add` names one. */
export interface ChartRepository {
  readonly name: string;
  /** An https chart repository URL, or an `oci://` prefix. */
  readonly url: string;
}
