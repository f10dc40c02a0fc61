import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextShown, nextSlotMs, subscribeThrottled } from './throttled-value.ts';

describe('nextShown', () => {
  const shown = { value: 'a', atMs: 1_000 };

  it('keeps what is shown while the interval runs, then takes the newest value', () => {
    expect(nextShown(shown, 'b', 1_050, 100, false)).toBe(shown);
    expect(nextShown(shown, 'c', 1_100, 100, false)).toEqual({ value: 'c', atMs: 1_100 });
  });

  it('shows the first change after a quiet spell at once', () => {
    expect(nextShown({ value: 'a', atMs: Number.NEGATIVE_INFINITY }, 'b', 5, 100, false)).toEqual({
      value: 'b',
      atMs: 5,
    });
  });

  it('shows a change at once when asked (a step or a scrub must not wait)', () => {
    expect(nextShown(shown, 'b', 1_001, 100, true)).toEqual({ value: 'b', atMs: 1_001 });
  });

  it('cuts time into slots from its phase: one change a slot, so views on other phases refresh apart', () => {
    const held = { value: 'a', atMs: 1_030 };
    // Slots of 100 ms from 25: [1025, 1125), [1125, 1225), ...
    expect(nextShown(held, 'b', 1_120, 100, false, 25)).toBe(held);
    expect(nextShown(held, 'b', 1_125, 100, false, 25)).toEqual({ value: 'b', atMs: 1_125 });
    expect(nextSlotMs(1_030, 100, 25)).toBe(1_125);
    expect(nextSlotMs(1_030, 100)).toBe(1_100);
  });

  it('an unchanged value is no change', () => {
    expect(nextShown(shown, 'a', 9_999, 100, false)).toBe(shown);
  });
});

describe('subscribeThrottled', () => {
  interface State {
    value: number;
    paused: boolean;
  }

  function fakeStore(initial: State) {
    let state = initial;
    const listeners = new Set<() => void>();
    return {
      getState: () => state,
      subscribe(listener: () => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      set(next: Partial<State>) {
        state = { ...state, ...next };
        for (const listener of listeners) listener();
      },
      listenerCount: () => listeners.size,
    };
  }

  const selection = () => ({
    select: (state: State) => state.value,
    isImmediate: (state: State) => state.paused,
    intervalMs: 100,
  });

  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the first change at once, holds the rest of a burst and shows its last value when the interval ends', () => {
    const store = fakeStore({ value: 0, paused: false });
    const shown = { current: { value: 0, atMs: Number.NEGATIVE_INFINITY } };
    const notify = vi.fn();
    const unsubscribe = subscribeThrottled(store, selection, shown, notify);
    store.set({ value: 1 });
    expect(shown.current.value).toBe(1);
    expect(notify).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30);
    store.set({ value: 2 });
    vi.advanceTimersByTime(30);
    store.set({ value: 3 });
    // Held: no render is asked for while the interval runs.
    expect(shown.current.value).toBe(1);
    expect(notify).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(40);
    expect(shown.current.value).toBe(3);
    expect(notify).toHaveBeenCalledTimes(2);
    unsubscribe();
  });

  it('a change undone before its interval ends asks for no render', () => {
    const store = fakeStore({ value: 0, paused: false });
    const shown = { current: { value: 0, atMs: Number.NEGATIVE_INFINITY } };
    const notify = vi.fn();
    subscribeThrottled(store, selection, shown, notify);
    store.set({ value: 1 });
    store.set({ value: 2 });
    store.set({ value: 1 });
    vi.advanceTimersByTime(100);
    expect(shown.current.value).toBe(1);
    expect(notify).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shows every change at once while immediate (paused, stepping)', () => {
    const store = fakeStore({ value: 0, paused: true });
    const shown = { current: { value: 0, atMs: Number.NEGATIVE_INFINITY } };
    const notify = vi.fn();
    subscribeThrottled(store, selection, shown, notify);
    store.set({ value: 1 });
    store.set({ value: 2 });
    expect(shown.current.value).toBe(2);
    expect(notify).toHaveBeenCalledTimes(2);
  });

  it('catches up with a change made before it subscribed; unsubscribing leaves no listener or timer', () => {
    const store = fakeStore({ value: 5, paused: false });
    const shown = { current: { value: 0, atMs: Number.NEGATIVE_INFINITY } };
    const unsubscribe = subscribeThrottled(store, selection, shown, () => {});
    expect(shown.current.value).toBe(5);
    store.set({ value: 6 });
    expect(vi.getTimerCount()).toBe(1);
    unsubscribe();
    expect(store.listenerCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
