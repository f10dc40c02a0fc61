export interface Shown<T> {
  value: T;
  atMs: number;
}

/**
 * What to show now: the new value when it may be shown (on request, or once `intervalMs` passed since the
 * last change shown), else the one already shown. Pure, so the rule is tested without React.
 */
export function nextShown<T>(
  shown: Shown<T>,
  value: T,
  nowMs: number,
  intervalMs: number,
  immediate: boolean,
): Shown<T> {
  if (Object.is(shown.value, value)) return shown;
  if (immediate || nowMs - shown.atMs >= intervalMs) return { value, atMs: nowMs };
  return shown;
}

/** The part of a zustand store this needs (`useWirelab` is one). */
export interface SubscribableStore<S> {
  getState(): S;
  subscribe(listener: () => void): () => void;
}

export interface ThrottledSelection<S, T> {
  /** Returns the same value (Object.is) while nothing it depends on changed. */
  select(state: S): T;
  /** True when a change must show at once (e.g. paused, stepping, scrubbing: nobody waits for those). */
  isImmediate(state: S): boolean;
  intervalMs: number;
}

/** What a throttled selection shows: changed only by `subscribeThrottled`. */
export interface ShownHolder<T> {
  current: Shown<T>;
}

/**
 * Keeps `shown.current` at `select(state)`, changed at most once per `intervalMs` (the first change after
 * a quiet spell shows at once, the last one of a burst when its interval ends), or at once while
 * `isImmediate(state)`; calls `notify` after each change. `selection` is read at every store update, so it
 * may change between calls. Returns the unsubscribe, which also drops a pending timer.
 */
export function subscribeThrottled<S, T>(
  store: SubscribableStore<S>,
  selection: () => ThrottledSelection<S, T>,
  shown: ShownHolder<T>,
  notify: () => void,
): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const check = () => {
    const { select, isImmediate, intervalMs } = selection();
    const state = store.getState();
    const value = select(state);
    const nowMs = performance.now();
    const next = nextShown(shown.current, value, nowMs, intervalMs, isImmediate(state));
    if (next !== shown.current) {
      shown.current = next;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      notify();
    } else if (!Object.is(next.value, value) && timer === null) {
      timer = setTimeout(
        () => {
          timer = null;
          check();
        },
        Math.max(0, next.atMs + intervalMs - nowMs),
      );
    }
  };
  const unsubscribe = store.subscribe(check);
  // A change between the holder's first value and this subscription would otherwise wait for the next one.
  check();
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
}
