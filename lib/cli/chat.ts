/** `quayside chat`: sign a slash command as Slack would and post it to the chat endpoint. */

import { parseArgs } from 'node:util';
import { localUserId, postToChat, slackHeaders, slashCommandBody } from '../chatops/index.ts';
import { readSubcommand, usageError as usageFailure } from './subcommand.ts';

const USAGE = `Usage: quayside chat TEXT [--user NAME] [--user-id ID] [--channel ID] [--url URL] [--signing-secret SECRET]

Signs TEXT as Slack signs a slash command (v0 signature, now as the timestamp) and posts it to the
chat endpoint, then prints the reply Slack would show. With \`npm start\` running, its printed
QUAYSIDE_CHAT_URL and QUAYSIDE_SLACK_SIGNING_SECRET are all it needs:

  quayside chat '/quayside rollback blog 1' --user alice

  TEXT                    the command as typed in Slack (the leading /quayside may be left out)
  --user NAME             the Slack user name (default $USER); the user id is U and NAME in capitals
                          (alice → UALICE), as in the local stack, unless --user-id is given
  --user-id ID            the Slack user id (U…)
  --channel ID            the channel it is typed in (default C0DEPLOYS, the local stack's #deploys)
  --url URL               the chat endpoint (default $QUAYSIDE_CHAT_URL)
  --signing-secret SECRET the Slack app's signing secret (default $QUAYSIDE_SLACK_SIGNING_SECRET)

Exit codes: 0 answered, 1 refused (the endpoint did not accept the request), 2 bad usage.`;

/** Runs the command; returns the exit code. */
export async function runChatCommand(argv: string[]): Promise<number> {
  const parsed = readSubcommand(argv, parse, USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return usageError('give the command text as one argument, in quotes');
  const url = values.url ?? process.env.QUAYSIDE_CHAT_URL;
  const secret = values['signing-secret'] ?? process.env.QUAYSIDE_SLACK_SIGNING_SECRET;
  if (!url) return usageError('no chat endpoint: give --url or set QUAYSIDE_CHAT_URL (npm start prints it)');
  if (!secret)
    return usageError(
      'no signing secret: give --signing-secret or set QUAYSIDE_SLACK_SIGNING_SECRET (npm start prints it)',
    );
  const name = values.user ?? process.env.USER ?? 'someone';
  const user = { id: values['user-id'] ?? localUserId(name), name };
  const body = slashCommandBody({
    text: positionals[0] as string,
    user,
    channel: values.channel ?? 'C0DEPLOYS',
  });
  try {
    const reply = await postToChat(url, body, slackHeaders(secret, body, Math.floor(Date.now() / 1000)));
    if (reply.status !== 200) {
      process.stderr.write(`refused (HTTP ${reply.status}): ${reply.text}\n`);
      return 1;
    }
    process.stdout.write(
      `${reply.json?.response_type === 'ephemeral' ? '(only you can see this)\n' : ''}${reply.text}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`Error: the chat endpoint at ${url} does not answer: ${(error as Error).message}\n`);
    return 1;
  }
}

function usageError(message: string): number {
  return usageFailure(message, USAGE);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      user: { type: 'string' },
      'user-id': { type: 'string' },
      channel: { type: 'string' },
      url: { type: 'string' },
      'signing-secret': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
}
