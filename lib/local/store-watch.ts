/** How often the store is checked while it answers, and while it does not. */
const EVERY_MS = 2_000;
const DOWN_EVERY_MS = 1_000;
/**
 * A check that has not answered by then counts as not answering, and the next one goes ahead: a
 * request can hang (the AWS SDK sets no timeout of its own), and a hung check would otherwise stop
 * the watching for good, leaving the worker paused after the store came back.
 */
const CHECK_TIMEOUT_MS = 5_000;

/** A running watch: `checkNow` checks at once (unless a check is under way), `stop` ends the watching. */
export interface StoreWatch {
  checkNow(): void;
  stop(): Promise<void>;
}

/**
 * Checks a dependency now and then and reports each change between answering and not
 * answering (once per change, not once per check).
 */
export function watchStore(input: {
  check: () => Promise<void>;
  onDown: (error: unknown) => void;
  onUp: () => void;
  everyMs?: number;
  downEveryMs?: number;
  timeoutMs?: number;
}): StoreWatch {
  const timeoutMs = input.timeoutMs ?? CHECK_TIMEOUT_MS;
  let down = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let checking = false;
  const checked = (): Promise<void> => {
    let deadline: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      deadline.unref();
    });
    return Promise.race([input.check(), late]).finally(() => clearTimeout(deadline));
  };
  const tick = () => {
    checking = true;
    running = checked()
      .then(
        () => {
          if (down) input.onUp();
          down = false;
        },
        (error: unknown) => {
          if (!down) input.onDown(error);
          down = true;
        },
      )
      .finally(() => {
        checking = false;
        if (stopped) return;
        timer = setTimeout(tick, down ? (input.downEveryMs ?? DOWN_EVERY_MS) : (input.everyMs ?? EVERY_MS));
        timer.unref();
      });
  };
  timer = setTimeout(tick, input.everyMs ?? EVERY_MS);
  timer.unref();
  return {
    checkNow: () => {
      if (stopped || checking) return;
      if (timer !== undefined) clearTimeout(timer);
      tick();
    },
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
