/** `quayside access grant|revoke|list` and `quayside chatops channel|repo`: chat-ops' policy and settings. */

import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { AccessPolicy, ChatSettings, formatScope, parseGrant } from '../chatops/index.ts';
import { systemClock, ValidationError } from '../domain/index.ts';
import { openDriver, type StoreDriver } from '../store/index.ts';
import { encodeData, formatTable } from './format.ts';
import { readSubcommand, usageError } from './subcommand.ts';

const ACCESS_USAGE = `Usage: quayside access grant RIGHT SUBJECT [--cluster PATTERN] [--namespace PATTERN] [--release PATTERN] [--store URL]
       quayside access revoke RIGHT SUBJECT [--cluster PATTERN] [--namespace PATTERN] [--release PATTERN] [--store URL]
       quayside access list [SUBJECT] [--store URL] [-o table|json|yaml]

Who may do what from chat (and, for other producers, as an IAM principal). Default deny: nothing is
allowed that no grant allows. Grants are kept in the release store the service uses.

  RIGHT      read (status, history, diff), deploy (upgrade, install) or rollback — each its own:
             a right to roll back does not imply a right to deploy
  SUBJECT    slack:USER_ID (U…), slack-group:GROUP_ID (S…), or iam:ARN
  PATTERN    a glob on the cluster, namespace or release name (* any run, ? one character); default *

  --store URL   the release store (default $QUAYSIDE_STORE)
  -o FORMAT     list as a table (default), json or yaml

Example: quayside access grant rollback slack:U0123ABC --cluster prod --namespace tools`;

const CHATOPS_USAGE = `Usage: quayside chatops channel set CHANNEL_ID [--cluster NAME] [--namespace NAME] [--store URL]
       quayside chatops channel unset CHANNEL_ID [--store URL]
       quayside chatops repo add NAME URL [--store URL]
       quayside chatops repo remove NAME [--store URL]
       quayside chatops list [--store URL]

Chat-ops settings, kept in the release store:
  channel   the cluster and namespace of commands typed in a Slack channel that name none
  repo      a chart repository commands may name as REPO/CHART (an https:// chart repository or an
            oci:// prefix), as helm repo add names one; charts never come from a path`;

/** `quayside access …`; returns the exit code. */
export async function runAccessCommand(argv: string[]): Promise<number> {
  const parsed = readSubcommand(argv, parse, ACCESS_USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [verb, ...args] = positionals;
  if (verb !== 'grant' && verb !== 'revoke' && verb !== 'list')
    return usageError('say grant, revoke or list', ACCESS_USAGE);
  return withStore(values.store, ACCESS_USAGE, async (driver) => {
    const policy = new AccessPolicy({ driver, clock: systemClock });
    if (verb === 'list') {
      const grants = await policy.list(args[0]);
      const output = values.output ?? 'table';
      if (output === 'json' || output === 'yaml') process.stdout.write(encodeData(output, grants));
      else if (grants.length === 0) process.stdout.write('no grants: nothing is allowed (default deny)\n');
      else
        process.stdout.write(
          formatTable([
            ['SUBJECT', 'RIGHT', 'CLUSTER/NAMESPACE/RELEASE', 'GRANTED', 'BY'],
            ...grants.map((g) => [
              g.subject,
              g.right,
              formatScope(g.scope),
              g.grantedAt ?? '-',
              g.grantedBy ?? '-',
            ]),
          ]),
        );
      return 0;
    }
    if (args.length !== 2) return usageError(`${verb} takes RIGHT and SUBJECT`, ACCESS_USAGE);
    const grant = parseGrant({
      right: args[0] as string,
      subject: args[1] as string,
      ...(values.cluster === undefined ? {} : { cluster: values.cluster }),
      ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
      ...(values.release === undefined ? {} : { release: values.release }),
    });
    const on = formatScope(grant.scope);
    if (verb === 'grant') {
      await policy.grant({ ...grant, grantedBy: `cli:${userInfo().username}` });
      process.stdout.write(`granted ${grant.right} to ${grant.subject} on ${on}\n`);
      return 0;
    }
    if (await policy.revoke(grant)) {
      process.stdout.write(`revoked ${grant.right} from ${grant.subject} on ${on}\n`);
      return 0;
    }
    process.stderr.write(
      `Error: ${grant.subject} has no grant of ${grant.right} on ${on}; nothing changed\n`,
    );
    return 1;
  });
}

/** `quayside chatops …`; returns the exit code. */
export async function runChatopsCommand(argv: string[]): Promise<number> {
  const parsed = readSubcommand(argv, parse, CHATOPS_USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [what, verb, ...args] = positionals;
  return withStore(values.store, CHATOPS_USAGE, async (driver) => {
    const settings = new ChatSettings(driver);
    if (what === 'list') {
      const { channels, repositories } = await settings.list();
      process.stdout.write(
        formatTable([
          ['KIND', 'NAME', 'SETTING'],
          ...channels.map((c) => [
            'channel',
            c.channel,
            `cluster ${c.cluster ?? '-'}, namespace ${c.namespace ?? '-'}`,
          ]),
          ...repositories.map((r) => ['repo', r.name, r.url]),
        ]),
      );
      return 0;
    }
    if (what === 'channel' && verb === 'set' && args.length === 1) {
      await settings.setChannel({
        channel: args[0] as string,
        ...(values.cluster === undefined ? {} : { cluster: values.cluster }),
        ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
      });
      process.stdout.write(
        `channel ${args[0]}: cluster ${values.cluster ?? '(service default)'}, namespace ${values.namespace ?? 'default'}\n`,
      );
      return 0;
    }
    if (what === 'channel' && verb === 'unset' && args.length === 1) {
      await settings.unsetChannel(args[0] as string);
      process.stdout.write(`channel ${args[0]}: no defaults\n`);
      return 0;
    }
    if (what === 'repo' && verb === 'add' && args.length === 2) {
      await settings.addRepository({ name: args[0] as string, url: args[1] as string });
      process.stdout.write(`repository ${args[0]}: ${args[1]}\n`);
      return 0;
    }
    if (what === 'repo' && verb === 'remove' && args.length === 1) {
      await settings.removeRepository(args[0] as string);
      process.stdout.write(`repository ${args[0]} removed\n`);
      return 0;
    }
    return usageError('unknown chatops command', CHATOPS_USAGE);
  });
}

async function withStore(
  url: string | undefined,
  usage: string,
  run: (driver: StoreDriver) => Promise<number>,
) {
  const storeUrl = url ?? process.env.QUAYSIDE_STORE;
  if (!storeUrl) return usageError('no store: give --store or set QUAYSIDE_STORE', usage);
  let driver: StoreDriver | undefined;
  try {
    driver = await openDriver(storeUrl);
    return await run(driver);
  } catch (error) {
    if (error instanceof ValidationError) {
      process.stderr.write(
        `Error: ${error.problems.map((p) => `${p.field}: ${p.message}`).join('\n       ')}\n`,
      );
      return 2;
    }
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await driver?.close?.();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      cluster: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      release: { type: 'string' },
      store: { type: 'string' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
}
