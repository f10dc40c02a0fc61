/**
 * High-rate data reaches the store once per animation frame, never once per message (STYLE.md habit 11).
 * A hidden tab gets no animation frames, so a timer flushes it too: whichever comes first wins.
 *
 * Every slice shares one frame: all callbacks due run in the same animation-frame callback, so their
 * store updates land in one React commit. Separate requestAnimationFrame callbacks each end with a
 * microtask checkpoint, where React commits what the previous one set: two slices flushing in two
 * callbacks meant two commits a frame under load.
 */

/** A hidden tab's flush interval (browsers throttle timers there to about 1 s anyway). */
export const HIDDEN_TAB_FLUSH_MS = 250;
/**
 * Under a flood, flushes come at most this often: every flush copies the rings it appends to (5,000 wire
 * events, the chat log, the arrival times), and at one flush a frame that garbage was most of what the page
 * allocated. 50 ms is the chat log's own refresh (CHAT_REFRESH_MS); the wire views refresh at most every
 * 250 ms while live. After a quiet spell the next flush is still the next frame.
 */
export const MIN_FLUSH_INTERVAL_MS = 50;

let lastRunAtMs = Number.NEGATIVE_INFINITY;

let due: Array<() => void> = [];
let cancelScheduled: (() => void) | null = null;

function runDue(): void {
  cancelScheduled?.();
  cancelScheduled = null;
  lastRunAtMs = performance.now();
  const callbacks = due;
  due = [];
  // Callbacks scheduled while these run wait for the next frame.
  for (const callback of callbacks) callback();
}

function scheduleRun(): () => void {
  const waitMs = lastRunAtMs + MIN_FLUSH_INTERVAL_MS - performance.now();
  if (waitMs <= 0) return scheduleFrameRun();
  let cancelFrameRun: (() => void) | null = null;
  const timer = setTimeout(() => {
    cancelFrameRun = scheduleFrameRun();
  }, waitMs);
  return () => {
    clearTimeout(timer);
    cancelFrameRun?.();
  };
}

function scheduleFrameRun(): () => void {
  const timer = setTimeout(runDue, HIDDEN_TAB_FLUSH_MS);
  const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(runDue) : null;
  return () => {
    clearTimeout(timer);
    if (frame !== null) cancelAnimationFrame(frame);
  };
}

/**
 * Calls `callback` at the next animation frame (or after HIDDEN_TAB_FLUSH_MS), and no sooner than
 * MIN_FLUSH_INTERVAL_MS after the last run; returns the cancel.
 */
export function scheduleFrame(callback: () => void): () => void {
  let done = false;
  const entry = () => {
    if (done) return;
    done = true;
    callback();
  };
  due.push(entry);
  cancelScheduled ??= scheduleRun();
  return () => {
    if (done) return;
    done = true;
    due = due.filter((other) => other !== entry);
    if (due.length === 0) {
      cancelScheduled?.();
      cancelScheduled = null;
    }
  };
}
