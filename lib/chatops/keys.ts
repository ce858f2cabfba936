import type { Key } from '../store/index.ts';

/*
 * Chat-ops items in the release table (docs/chatops.md). Each kind has a partition prefix of its own,
 * so the chat function's role may write only `SLACK#REPLAY#…` and the notifier's only `SLACK#THREAD#…`
 * (IAM's dynamodb:LeadingKeys), while grants are written only by operators through the CLI.
 */

/** One partition for the whole access policy: it is small, and one Query reads it whole. */
export const ACCESS_PK = 'ACCESS';
export const GRANT_PREFIX = 'G#';
export const grantSk = (
  subject: string,
  right: string,
  cluster: string,
  namespace: string,
  release: string,
) => `${GRANT_PREFIX}${subject}#${right}#${cluster}#${namespace}#${release}`;

/** Channel defaults and chart repositories: chat-ops settings an operator manages. */
export const SETTINGS_PK = 'CHATOPS';
export const channelKey = (channel: string): Key => ({ pk: SETTINGS_PK, sk: `CHANNEL#${channel}` });
export const repositoryKey = (name: string): Key => ({ pk: SETTINGS_PK, sk: `REPO#${name}` });

/** Prefixes the functions' roles are allowed to write under. */
export const REPLAY_PREFIX = 'SLACK#REPLAY#';
export const THREAD_PREFIX = 'SLACK#THREAD#';

/** A signed request accepted once: keyed by its signature (unique per timestamp and body). */
export const replayKey = (signature: string): Key => ({ pk: `${REPLAY_PREFIX}${signature}`, sk: 'REPLAY' });

/** The Slack thread of a release in a channel on one UTC day. */
export const threadKey = (channel: string, release: string, day: string): Key => ({
  pk: `${THREAD_PREFIX}${channel}#${release}#${day}`,
  sk: 'THREAD',
});
