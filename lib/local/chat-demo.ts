import {
  ACTION_IDS,
  AccessPolicy,
  ChatSettings,
  localUserId,
  postToChat,
  slackHeaders,
  slashCommandBody,
} from '../chatops/index.ts';
import { followRequest } from '../client/index.ts';
import type { ReleaseId } from '../domain/index.ts';
import { systemClock } from '../kube/index.ts';
import { openDriver } from '../store/index.ts';
import { LOCAL_SLACK } from './chat-stack.ts';
import type { LocalStack } from './stack.ts';

/**
 * The chat-ops story of the demo: a rollback of blog asked for in Slack, refused for a user
 * without the right and accepted for one with it, then followed through authorization, the queue,
 * the worker and the Slack message (with its buttons) the notifier posts. Returns whether it went so.
 */
export async function playChatStory(input: {
  stack: LocalStack;
  release: ReleaseId;
  /** The revision to roll back to. */
  to: number;
  print: (line: string) => void;
}): Promise<boolean> {
  const { stack, release, print } = input;
  const chat = stack.chat;
  const driver = await openDriver(stack.storeUrl);
  try {
    print(`\n▶ chat-ops: roll blog back to ${input.to} from Slack (#deploys)`);
    // What an operator does once, with the CLI (quayside access grant …, quayside chatops channel set …).
    await new AccessPolicy({ driver, clock: systemClock }).grant({
      subject: `slack:${localUserId('alice')}`,
      right: 'rollback',
      scope: { cluster: release.cluster, namespace: release.namespace, release: '*' },
      grantedBy: 'demo',
    });
    await new ChatSettings(driver).setChannel({ channel: LOCAL_SLACK.channel, namespace: release.namespace });
    print(
      `  $ quayside access grant rollback slack:UALICE --cluster ${release.cluster} --namespace ${release.namespace}`,
    );
    print(`  $ quayside chatops channel set ${LOCAL_SLACK.channel} --namespace ${release.namespace}`);
    const say = async (name: string) => {
      const text = `/quayside rollback ${release.name} ${input.to}`;
      print(`  ${name} types in #deploys: ${text}`);
      const body = slashCommandBody({
        text,
        user: { id: localUserId(name), name },
        channel: LOCAL_SLACK.channel,
      });
      // Signed as Slack signs it, with this run's signing secret.
      const reply = await postToChat(
        chat.url,
        body,
        slackHeaders(chat.signingSecret, body, Math.floor(Date.now() / 1000)),
      );
      print(`  ← only ${name} sees (HTTP ${reply.status}): ${reply.text}`);
      return reply;
    };
    const refused = await say('carol');
    let good = refused.status === 200 && refused.text.includes('the right `rollback`');
    print(`  ${good ? '✓' : '✗'} carol has no right to roll back: refused, nothing queued`);
    const started = Date.now();
    const accepted = await say('alice');
    const requestId = /request `([^`]+)`/.exec(accepted.text)?.[1];
    if (requestId === undefined) {
      print('  ✗ alice was not answered "queued"');
      return false;
    }
    print(
      `  ✓ alice may (grant rollback on ${release.cluster}/${release.namespace}/*): request ${requestId} queued`,
    );
    const outcome = await followRequest({
      store: stack.store,
      release,
      requestId,
      clock: systemClock,
      until: Date.now() + 120_000,
    });
    const revision = outcome.kind === 'finished' ? outcome.revision : undefined;
    const done =
      revision?.status === 'deployed' &&
      revision.description === `Rollback to ${input.to}` &&
      revision.requestedBy.principal === 'slack:UALICE (alice)' &&
      revision.requestedBy.channel === 'chatops';
    print(
      `  ${done ? '✓' : '✗'} worker: revision ${revision?.revision ?? '-'} ${revision?.status ?? outcome.kind}: ${revision?.description ?? ''}, asked by ${revision?.requestedBy.principal ?? '-'} via ${revision?.requestedBy.channel ?? '-'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    good &&= done;
    // The notifier posts as soon as the worker's event reaches the bus; it may come a moment after.
    const buttonsOf = (blocks: readonly Record<string, unknown>[] = []) =>
      blocks.flatMap((b) =>
        b.type === 'actions' ? (b.elements as { action_id: string; value?: string }[]) : [],
      );
    const message = await waitFor(() =>
      chat.slack.posts.find((p) =>
        buttonsOf(p.blocks).some(
          (b) =>
            b.action_id === ACTION_IDS.rollback && JSON.parse(b.value ?? '{}').guard === revision?.revision,
        ),
      ),
    );
    const ids = buttonsOf(message?.blocks).map((b) => b.action_id);
    const withButtons = ids.includes(ACTION_IDS.rollback) && ids.includes(ACTION_IDS.history);
    print(
      `  ${withButtons ? '✓' : '✗'} Slack: a message in blog's thread with [Roll back to …] and [History] buttons`,
    );
    return good && withButtons;
  } finally {
    await driver.close?.();
  }
}

async function waitFor<T>(find: () => T | undefined, ms = 15_000): Promise<T | undefined> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined || Date.now() > until) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
