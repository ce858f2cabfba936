/** Chat-ops: Slack requests verified and authorized, and status notifications to Slack, Teams and webhooks. */
export {
  AccessPolicy,
  decideAccess,
  formatScope,
  matchesPattern,
  parseGrant,
  parseSubject,
  scopeCovers,
} from './access.ts';
export { ACTION_IDS, decodeButton, encodeHistoryButton, encodeRollbackButton } from './buttons.ts';
export { type CommandDeps, RIGHT_OF, runCommand } from './commands.ts';
export {
  type ChatHttpRequest,
  type ChatHttpResponse,
  type ChatRequestLog,
  createChatEndpoint,
  type EndpointDeps,
  type SlackSecrets,
} from './endpoint.ts';
export {
  AccessDeniedError,
  ArgumentRefusedError,
  ChatConfigError,
  ChatOpsError,
  ChatSecretError,
  ChatUsageError,
  NotifyError,
  SlackVerificationError,
  StaleButtonError,
  type VerificationFailure,
} from './errors.ts';
export { CHAT_MESSAGES, COMMAND_USAGE, GENERAL_USAGE, SCHEDULE_MESSAGES, SLASH } from './messages.ts';
export { createNotifier, type DeliveryResult, type NotifierTargets } from './notify/notifier.ts';
export { buildSlackMessage } from './notify/slack-message.ts';
export { summarizeEvent } from './notify/summary.ts';
export { buildTeamsMessage } from './notify/teams-card.ts';
export { dayOf, SlackThreads } from './notify/threads.ts';
export { postJson, sendWebhook, signWebhook, verifyWebhook, WEBHOOK_HEADERS } from './notify/webhook.ts';
export { type ChatCommand, COMMAND_NAMES, parseCommand, type ScheduleCommand, tokenize } from './parse.ts';
export { acceptOnce } from './replay.ts';
export {
  type ChatSchedules,
  runSchedule,
  SCHEDULE_RIGHT_OF,
  SchedulingUnavailableError,
  schedulerSchedules,
} from './schedule.ts';
export { cachedJsonSecret } from './secrets.ts';
export {
  type ChatConfig,
  createChatService,
  createNotifierService,
  type NotifierConfig,
  readChatConfig,
  readNotifierConfig,
} from './service.ts';
export { ChatSettings } from './settings.ts';
export { type SlackPort, slackWebApi } from './slack.ts';
export {
  blockActionBody,
  localUserId,
  postToChat,
  type SlackUser,
  slackHeaders,
  slashCommandBody,
} from './slack-requests.ts';
export type {
  AccessDecision,
  Caller,
  ChannelDefaults,
  ChartRepository,
  Grant,
  Right,
  Scope,
} from './types.ts';
export { RIGHTS } from './types.ts';
export {
  MAX_REQUEST_AGE_SECONDS,
  rawBodyOf,
  SLACK_HEADERS,
  signSlackRequest,
  verifySlackRequest,
} from './verify.ts';
