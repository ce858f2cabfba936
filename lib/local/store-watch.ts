/** How often the store is checked while it answers, and while it does not. */
const EVERY_MS = 2_000;
const DOWN_EVERY_MS = 1_000;

/**
 * Checks a dependency now and then and reports each change between answering and not
 * answering (once per change, not once per check). Returns the stop function.
 */
export function watchStore(input: {
  check: () => Promise<void>;
  onDown: (error: unknown) => void;
  onUp: () => void;
  everyMs?: number;
}): () => Promise<void> {
  let down = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = input
      .check()
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
        if (stopped) return;
        timer = setTimeout(tick, down ? DOWN_EVERY_MS : (input.everyMs ?? EVERY_MS));
        timer.unref();
      });
  };
  timer = setTimeout(tick, input.everyMs ?? EVERY_MS);
  timer.unref();
  return async () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    await running;
  };
}
