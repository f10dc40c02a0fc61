/**
 * High-rate data reaches the store once per animation frame, never once per message (STYLE.md habit 11).
 * A hidden tab gets no animation frames, so a timer flushes it too: whichever comes first wins.
 */

/** A hidden tab's flush interval (browsers throttle timers there to about 1 s anyway). */
export const HIDDEN_TAB_FLUSH_MS = 250;

/** Calls `callback` at the next animation frame, or after HIDDEN_TAB_FLUSH_MS; returns the cancel. */
export function scheduleFrame(callback: () => void): () => void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cancel();
    callback();
  };
  const timer = setTimeout(run, HIDDEN_TAB_FLUSH_MS);
  const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(run) : null;
  const cancel = () => {
    done = true;
    clearTimeout(timer);
    if (frame !== null) cancelAnimationFrame(frame);
  };
  return cancel;
}
