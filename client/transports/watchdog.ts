/**
 * A liveness watchdog: `onSilent` runs once `timeoutMs` passed since the last `feed`. Feeding moves a
 * deadline and keeps the timer it has; the timer, when it fires, waits again for what remains. A socket
 * that carries hundreds of frames a second therefore costs one timer per timeout, not a clearTimeout and a
 * setTimeout per frame (which showed in the page's profile under load).
 */
export interface Watchdog {
  /** Proof of life: the next `timeoutMs` may pass in silence. */
  feed(timeoutMs: number): void;
  /** Idempotent; feeding again starts it again. */
  stop(): void;
}

export function createWatchdog(
  onSilent: (timeoutMs: number) => void,
  nowMs: () => number = () => performance.now(),
): Watchdog {
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** When the pending timer fires. */
  let timerAtMs = 0;
  let deadlineMs = 0;
  let timeoutMs = 0;
  const schedule = (atMs: number) => {
    if (timer !== null) clearTimeout(timer);
    timerAtMs = atMs;
    timer = setTimeout(check, Math.max(0, atMs - nowMs()));
  };
  function check() {
    timer = null;
    if (nowMs() < deadlineMs) schedule(deadlineMs);
    else onSilent(timeoutMs);
  }
  return {
    feed(nextTimeoutMs) {
      timeoutMs = nextTimeoutMs;
      deadlineMs = nowMs() + nextTimeoutMs;
      // A shorter timeout than the pending timer allows must not wait for that timer.
      if (timer === null || deadlineMs < timerAtMs) schedule(deadlineMs);
    },
    stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
