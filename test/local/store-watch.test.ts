import { describe, expect, it } from 'vitest';
import { watchStore } from '../../lib/local/store-watch.ts';

const until = async (check: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('watchStore', () => {
  it('reports each change once: down when a check fails, up when one answers again', async () => {
    const answers = [true, false, false, true, true];
    const events: string[] = [];
    let checks = 0;
    const { stop } = watchStore({
      check: async () => {
        const ok = answers[Math.min(checks++, answers.length - 1)];
        if (!ok) throw new Error('connection refused');
      },
      onDown: (error) => events.push(`down: ${(error as Error).message}`),
      onUp: () => events.push('up'),
      everyMs: 5,
      downEveryMs: 5,
    });
    await until(() => checks >= answers.length + 1);
    await stop();
    expect(events).toEqual(['down: connection refused', 'up']);
  });

  it('counts a check that never answers as down, and goes on checking: the next answer is up', async () => {
    const events: string[] = [];
    let checks = 0;
    const { stop } = watchStore({
      // The first check hangs for good, as a request to a half-started server can.
      check: () => (checks++ === 0 ? new Promise<void>(() => {}) : Promise.resolve()),
      onDown: (error) => events.push(`down: ${(error as Error).message}`),
      onUp: () => events.push('up'),
      everyMs: 5,
      downEveryMs: 5,
      timeoutMs: 50,
    });
    await until(() => events.includes('up'));
    await stop();
    expect(events).toEqual(['down: no answer within 0.05 s', 'up']);
  });

  it('checks at once when asked (a process it depends on exited), not at the next interval', async () => {
    const events: string[] = [];
    let answering = true;
    let checks = 0;
    const watch = watchStore({
      check: async () => {
        checks++;
        if (!answering) throw new Error('connection refused');
      },
      onDown: () => events.push('down'),
      onUp: () => events.push('up'),
      everyMs: 60_000,
      downEveryMs: 5,
    });
    answering = false;
    watch.checkNow();
    await until(() => events.includes('down'));
    answering = true;
    await until(() => events.includes('up'));
    await watch.stop();
    expect(events).toEqual(['down', 'up']);
    expect(checks).toBeGreaterThanOrEqual(2);
  });
});
