/**
 * Resolves when `watch` calls the `done` it is given, or after `timeoutMs`, whichever comes first. `watch`
 * subscribes to whatever it waits on and returns the unsubscribe, which runs either way, once.
 */
export function waitUntil(watch: (done: () => void) => () => void, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    let finished = false;
    let unsubscribe: (() => void) | null = null;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      unsubscribe?.();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    unsubscribe = watch(done);
    // `watch` may call done before it returned its unsubscribe.
    if (finished) unsubscribe();
  });
}
