import type { KnownBlock } from '@slack/types';
import type { Clock } from '../../domain/index.ts';
import { type StoreDriver, TransactionConflictError } from '../../store/index.ts';
import { threadKey } from '../keys.ts';
import type { SlackPort } from '../slack.ts';

/** Threads are kept a little past their day, then DynamoDB's TTL removes the record. */
const THREAD_TTL_SECONDS = 3 * 24 * 3600;
/** How long an event waits for the thread another invocation is starting (an atomic failure and its rollback arrive together). */
const WAIT_FOR_THREAD_MS = 4000;
const POLL_MS = 200;

/** The UTC day of an ISO time: a release's messages of one day share a thread. */
export const dayOf = (iso: string) => iso.slice(0, 10);

/**
 * One Slack thread per release, channel and UTC day. The first event of the day claims the thread
 * record (a conditional write) and posts the message that starts the thread; later events reply in
 * it. Concurrent events wait briefly for the thread's ts; if it does not come, the message is
 * posted on its own rather than lost.
 */
export class SlackThreads {
  private readonly driver: StoreDriver;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: { driver: StoreDriver; clock: Clock; sleep?: (ms: number) => Promise<void> }) {
    this.driver = options.driver;
    this.clock = options.clock;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Posts a message into its release's thread of the day; returns its ts and the thread's. */
  async post(
    slack: SlackPort,
    input: {
      channel: string;
      release: string;
      day: string;
      text: string;
      blocks: readonly KnownBlock[];
      /** Also shown in the channel when it is a reply (failures: on-call must see them). */
      broadcast: boolean;
    },
  ): Promise<{ ts: string; threadTs?: string }> {
    const key = threadKey(input.channel, input.release, input.day);
    const message = { channel: input.channel, text: input.text, blocks: input.blocks };
    if (await this.claim(key)) {
      let ts: string;
      try {
        ({ ts } = await slack.postMessage(message));
      } catch (error) {
        // Unclaimed, so that the next event starts the thread.
        await this.driver.transact([{ type: 'delete', key }]).catch(() => undefined);
        throw error;
      }
      await this.driver.transact([{ type: 'update', key, set: { ts } }]);
      return { ts };
    }
    const threadTs = await this.threadOf(key);
    if (threadTs === undefined) return slack.postMessage(message);
    const { ts } = await slack.postMessage({ ...message, threadTs, broadcast: input.broadcast });
    return { ts, threadTs };
  }

  private async claim(key: { pk: string; sk: string }): Promise<boolean> {
    try {
      await this.driver.transact([
        {
          type: 'put',
          item: {
            ...key,
            claimedAt: this.clock.now(),
            ttl: Math.floor(this.clock.now() / 1000) + THREAD_TTL_SECONDS,
          },
          condition: { op: 'itemAbsent' },
        },
      ]);
      return true;
    } catch (error) {
      if (error instanceof TransactionConflictError) return false;
      throw error;
    }
  }

  private async threadOf(key: { pk: string; sk: string }): Promise<string | undefined> {
    for (let waited = 0; ; waited += POLL_MS) {
      const item = await this.driver.get(key, { consistent: true });
      if (typeof item?.ts === 'string') return item.ts;
      if (waited >= WAIT_FOR_THREAD_MS) return undefined;
      await this.sleep(POLL_MS);
    }
  }
}
