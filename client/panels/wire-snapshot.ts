/**
 * What the wire views draw (the diagram, the latency view, the events table, the frame inspector's
 * position, the scrubber and the unit counts), as one snapshot of the store that changes at most every
 * LIVE_REFRESH_MS while live. Under hundreds of units a second each view would otherwise change on every
 * frame, and each change restyles, lays out and repaints the page; nobody reads a counter or a band of
 * 5 px arrows at 60 updates a second. One snapshot for all of them, so they refresh in the same frame,
 * and a frame that only adds chat rows leaves them alone. Paused, stepping and scrubbing show at once.
 */
import { useSyncExternalStore } from 'react';
import type { WireEvent } from '../../protocol/inspect.ts';
import type { ChatMessage } from '../../protocol/messages.ts';
import {
  type ShownUnitCounts,
  selectShownUnitCounts,
  selectVisibleEvents,
  sourceEvents,
  sourceMessages,
  useWirelab,
  type WirelabState,
} from '../store/index.ts';
import { type ShownHolder, type SubscribableStore, subscribeThrottled } from './throttled-value.ts';

/**
 * While live, the wire views take the store's changes at most this often. A change after a quiet spell
 * shows at once; only a busy stream waits for the next slot. Each refresh re-renders the diagram's rows,
 * the latency view and the table, then lays out and repaints them: at 300 units a second, 10 refreshes a
 * second kept the page at 0.61-0.75 of its idle frame rate with up to 11 long tasks in 10 s, 4 a second
 * at 0.91 with none (bench:page, 2026-11-29). Four a second still reads as live.
 */
export const LIVE_REFRESH_MS = 250;

export interface WireSnapshot {
  /** The events the views draw (cut at the pause point). */
  events: readonly WireEvent[];
  /** Every event of the source, past the pause point too (the scrubber spans them). */
  allEvents: readonly WireEvent[];
  messages: readonly ChatMessage[];
  /** By unit, what the views show (to the pause point; a trace's own). */
  unitCounts: ShownUnitCounts;
  /** When each message reached this page, by cursor (the latency view's last stage). */
  receivedAtMs: ReadonlyMap<string, number>;
}

/** The store's snapshot: the same object while none of its parts changed. */
export function snapshotSelector(): (state: WirelabState) => WireSnapshot {
  let last: WireSnapshot | null = null;
  return (state) => {
    const next: WireSnapshot = {
      events: selectVisibleEvents(state),
      allEvents: sourceEvents(state),
      messages: sourceMessages(state),
      unitCounts: selectShownUnitCounts(state),
      receivedAtMs: state.receivedAtMs,
    };
    if (
      last &&
      last.events === next.events &&
      last.allEvents === next.allEvents &&
      last.messages === next.messages &&
      last.unitCounts === next.unitCounts &&
      last.receivedAtMs === next.receivedAtMs
    )
      return last;
    last = next;
    return next;
  };
}

export interface ThrottledSource<T> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): T;
}

/**
 * One throttled subscription to `store`, shared by every component that reads it: it subscribes with the
 * first listener and lets go with the last, so nothing runs while no wire view is mounted.
 */
export function createWireSnapshotSource<S extends WirelabState>(
  store: SubscribableStore<S>,
  intervalMs: number,
): ThrottledSource<WireSnapshot> {
  const select = snapshotSelector();
  const selection = { select, isImmediate: (state: S) => !state.isLive, intervalMs };
  const shown: ShownHolder<WireSnapshot> = {
    current: { value: select(store.getState()), atMs: Number.NEGATIVE_INFINITY },
  };
  const listeners = new Set<() => void>();
  let unsubscribe: (() => void) | null = null;
  const notify = () => {
    for (const listener of listeners) listener();
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      unsubscribe ??= subscribeThrottled(store, () => selection, shown, notify);
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0) return;
        unsubscribe?.();
        unsubscribe = null;
      };
    },
    getSnapshot: () => shown.current.value,
  };
}

const wireSnapshot = createWireSnapshotSource(useWirelab, LIVE_REFRESH_MS);

/** The wire views' snapshot of the store (see the top of this file). */
export function useWireSnapshot(): WireSnapshot {
  return useSyncExternalStore(wireSnapshot.subscribe, wireSnapshot.getSnapshot, wireSnapshot.getSnapshot);
}
