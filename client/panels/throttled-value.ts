import { useCallback, useRef, useState, useSyncExternalStore } from 'react';

export interface Shown<T> {
  value: T;
  atMs: number;
}

/**
 * Time is cut into slots of `intervalMs`, starting at `phaseMs`: a value shows at most once a slot. Two
 * views with the same interval and different phases never refresh in the same frame.
 */
function slotOf(ms: number, intervalMs: number, phaseMs: number): number {
  return Math.floor((ms - phaseMs) / intervalMs);
}

/** When the slot after the one of `atMs` begins. */
export function nextSlotMs(atMs: number, intervalMs: number, phaseMs = 0): number {
  return (slotOf(atMs, intervalMs, phaseMs) + 1) * intervalMs + phaseMs;
}

/**
 * What to show now: the new value when it may be shown (on request, or in a later slot than the change
 * shown last), else the one already shown. Pure, so the rule is tested without React.
 */
export function nextShown<T>(
  shown: Shown<T>,
  value: T,
  nowMs: number,
  intervalMs: number,
  immediate: boolean,
  phaseMs = 0,
): Shown<T> {
  if (Object.is(shown.value, value)) return shown;
  if (immediate || slotOf(nowMs, intervalMs, phaseMs) > slotOf(shown.atMs, intervalMs, phaseMs))
    return { value, atMs: nowMs };
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
  /** Where the slots start (see nextShown); 0 unless another view refreshes on the same interval. */
  phaseMs?: number;
}

/** What a throttled selection shows: changed only by `subscribeThrottled`. */
export interface ShownHolder<T> {
  current: Shown<T>;
}

/**
 * Keeps `shown.current` at `select(state)`, changed at most once a slot of `intervalMs` (the first change
 * after a quiet spell shows at once, the last one of a burst when the next slot begins), or at once while
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
    const { select, isImmediate, intervalMs, phaseMs = 0 } = selection();
    const state = store.getState();
    const value = select(state);
    const nowMs = performance.now();
    const next = nextShown(shown.current, value, nowMs, intervalMs, isImmediate(state), phaseMs);
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
        Math.max(0, nextSlotMs(next.atMs, intervalMs, phaseMs) - nowMs),
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

/**
 * `selection.select(state)` through subscribeThrottled, for one component. Decided in the store's listener,
 * not while rendering: a component that draws only this value does not render at all while a change is
 * held. A change that may show is announced inside the store update that made it, so it lands in the same
 * React commit; a timer announces only the last change of a burst.
 */
export function useThrottledSelection<S, T>(
  store: SubscribableStore<S>,
  selection: ThrottledSelection<S, T>,
): T {
  // Made once; written by the store listener, outside React's render.
  const [shown] = useState<ShownHolder<T>>(() => ({
    current: { value: selection.select(store.getState()), atMs: Number.NEGATIVE_INFINITY },
  }));
  // The listener reads the latest selection: subscribing again on every render would cost a render each.
  const latest = useRef(selection);
  latest.current = selection;
  const subscribe = useCallback(
    (notify: () => void) => subscribeThrottled(store, () => latest.current, shown, notify),
    [store, shown],
  );
  const getSnapshot = () => shown.current.value;
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
