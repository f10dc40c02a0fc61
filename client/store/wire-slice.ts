import type { StateCreator } from 'zustand';
import type { WireEvent } from '../../protocol/inspect.ts';
import type { ClockEstimate } from '../transports/clock-sync.ts';
import type { ConnectionStatus, Unsubscribe } from '../transports/index.ts';
import { createInspector, type Inspector, type InspectorHello } from '../transports/inspector.ts';
import { scheduleFrame } from './frame-batch.ts';
import type { WirelabState } from './index.ts';
import { waitUntil } from './wait.ts';
import {
  appendToRing,
  countUnits,
  EMPTY_UNIT_COUNTS,
  MAX_WIRE_EVENTS,
  type UnitCounts,
} from './wire-ring.ts';

/**
 * The server captures only TCP connections it accepted while an inspector was open, so the chat
 * transport waits for the inspector; but never longer than this, so chat works without capture too.
 */
export const INSPECTOR_HEAD_START_MS = 1_500;

export interface WireSlice {
  /** The most recent wire events, oldest first, at most MAX_WIRE_EVENTS. */
  wireEvents: readonly WireEvent[];
  /** Units captured since the page loaded, by type (not only those still in the ring). */
  wireUnitCounts: UnitCounts;
  /** Server time of the first event this page received: zero for relative times. */
  wireStartMs: number | null;
  /** Server clock minus page clock, from the best clock-sync sample; null until one arrived. */
  clock: ClockEstimate | null;
  inspectorStatus: ConnectionStatus;
  inspectorError: string | null;
  /** The server's capture caps, from its hello. */
  wireLimits: InspectorHello | null;
  /**
   * Opens the inspector for this tab's client id (once; later calls reuse it). Resolves when it is open,
   * when it failed, or after INSPECTOR_HEAD_START_MS, whichever comes first.
   */
  openInspector(): Promise<void>;
  /** Closes the inspector; the events captured so far stay on the page. Idempotent. */
  closeInspector(): void;
  /** Forgets the events shown so far (capture goes on; new events appear as they come). */
  clearWire(): void;
}

export const createWireSlice: StateCreator<WirelabState, [], [], WireSlice> = (set, get) => {
  let inspector: Inspector | null = null;
  let unsubscribes: Unsubscribe[] = [];
  /** Survives closing the inspector, so the next one does not hand us its replay again. */
  let lastEventSeq = 0;
  // Events arrive many per second; they wait here, outside React state, for the next animation frame.
  let buffered: WireEvent[] = [];
  /** Counted as events arrive, so events a hidden tab drops from its buffer still count. */
  let unitCounts: UnitCounts = EMPTY_UNIT_COUNTS;
  let cancelFrame: (() => void) | null = null;

  const flush = () => {
    cancelFrame = null;
    if (buffered.length === 0) return;
    const batch = buffered;
    buffered = [];
    const state = get();
    set({
      wireEvents: appendToRing(state.wireEvents, batch, MAX_WIRE_EVENTS),
      wireUnitCounts: unitCounts,
      wireStartMs: state.wireStartMs ?? batch[0]?.atMs ?? null,
    });
  };

  const receive = (events: readonly WireEvent[]) => {
    const last = events.at(-1);
    if (last) lastEventSeq = last.eventSeq;
    unitCounts = countUnits(unitCounts, events);
    buffered.push(...events);
    // A hidden tab gets no animation frames; the buffer must not grow past what the ring would keep.
    if (buffered.length > MAX_WIRE_EVENTS) buffered = buffered.slice(-MAX_WIRE_EVENTS);
    cancelFrame ??= scheduleFrame(flush);
  };

  const whenReady = (current: Inspector): Promise<void> =>
    get().inspectorStatus !== 'connecting'
      ? Promise.resolve()
      : waitUntil(
          (done) =>
            current.onStatus((change) => {
              if (change.status !== 'connecting') done();
            }),
          INSPECTOR_HEAD_START_MS,
        );

  return {
    wireEvents: [],
    wireUnitCounts: EMPTY_UNIT_COUNTS,
    wireStartMs: null,
    clock: null,
    inspectorStatus: 'closed',
    inspectorError: null,
    wireLimits: null,
    openInspector() {
      if (inspector) return whenReady(inspector);
      const captureId = get().wireLimits?.captureId;
      const current = createInspector({
        clientId: get().clientId,
        afterEventSeq: lastEventSeq,
        ...(captureId === undefined ? {} : { captureId }),
      });
      inspector = current;
      unsubscribes = [
        current.onEvents(receive),
        current.onClock((clock) => set({ clock })),
        current.onHello((wireLimits) => set({ wireLimits })),
        current.onStatus((change) =>
          set({ inspectorStatus: change.status, inspectorError: change.error ?? null }),
        ),
      ];
      current.open();
      return whenReady(current);
    },
    closeInspector() {
      const current = inspector;
      if (!current) return;
      inspector = null;
      current.close();
      for (const unsubscribe of unsubscribes) unsubscribe();
      unsubscribes = [];
      cancelFrame?.();
      flush();
      set({ inspectorStatus: 'closed', inspectorError: null });
    },
    clearWire() {
      buffered = [];
      unitCounts = EMPTY_UNIT_COUNTS;
      set({ wireEvents: [], wireUnitCounts: EMPTY_UNIT_COUNTS, wireStartMs: null });
    },
  };
};
