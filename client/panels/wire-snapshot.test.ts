import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useWirelab, type WirelabState } from '../store/index.ts';
import { createWireSnapshotSource, snapshotSelector } from './wire-snapshot.ts';

describe('snapshotSelector', () => {
  it('returns the same snapshot while none of its parts changed, a new one when one did', () => {
    const select = snapshotSelector();
    const state = useWirelab.getState();
    const first = select(state);
    expect(select({ ...state, name: 'someone else' })).toBe(first);
    const counted = select({ ...state, wireUnitCounts: { ...state.wireUnitCounts } });
    expect(counted).not.toBe(first);
    expect(counted.unitCounts).not.toBe(first.unitCounts);
  });
});

describe('createWireSnapshotSource', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function fakeStore() {
    let state: WirelabState = useWirelab.getState();
    const listeners = new Set<() => void>();
    return {
      getState: () => state,
      subscribe(listener: () => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      set(next: Partial<WirelabState>) {
        state = { ...state, ...next };
        for (const listener of listeners) listener();
      },
      listenerCount: () => listeners.size,
    };
  }

  it('subscribes to the store with its first listener and lets go with its last', () => {
    const store = fakeStore();
    const source = createWireSnapshotSource(store, 100);
    expect(store.listenerCount()).toBe(0);
    const stopA = source.subscribe(() => {});
    const stopB = source.subscribe(() => {});
    expect(store.listenerCount()).toBe(1);
    stopA();
    expect(store.listenerCount()).toBe(1);
    stopB();
    expect(store.listenerCount()).toBe(0);
  });

  it('while live, tells every listener at most once per interval; paused, at once', () => {
    const store = fakeStore();
    const source = createWireSnapshotSource(store, 100);
    const listener = vi.fn();
    source.subscribe(listener);
    const counts = (n: number) => ({ ...store.getState().wireUnitCounts, 'ws-frame': n });
    store.set({ wireUnitCounts: counts(1) });
    store.set({ wireUnitCounts: counts(2) });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(source.getSnapshot().unitCounts.counts['ws-frame']).toBe(1);
    vi.advanceTimersByTime(100);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(source.getSnapshot().unitCounts.counts['ws-frame']).toBe(2);
    store.set({ isLive: false, wireUnitCounts: counts(3) });
    store.set({ wireUnitCounts: counts(4) });
    expect(listener).toHaveBeenCalledTimes(4);
    expect(source.getSnapshot().unitCounts.counts['ws-frame']).toBe(4);
  });
});
