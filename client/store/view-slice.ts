/**
 * What the views show and how: the live capture or an imported trace, live or paused at an event (step,
 * scrub), the replay speed, the selected wire event and the highlighted chat message. Capture and chat
 * go on underneath a pause; resuming catches up at once.
 */
import type { StateCreator } from 'zustand';
import type { WireEvent } from '../../protocol/inspect.ts';
import type { ChatMessage } from '../../protocol/messages.ts';
import type { Trace } from '../../protocol/trace.ts';
import type { WirelabState } from './index.ts';
import { countUnits, EMPTY_UNIT_COUNTS, type UnitCounts } from './wire-ring.ts';

export const PLAYBACK_SPEEDS = [0.25, 0.5, 1] as const;
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number];

/** The wire view's tabs, in their order on the page. */
export const WIRE_TAB_IDS = ['sequence', 'latency', 'race', 'events'] as const;
export type WireTabId = (typeof WIRE_TAB_IDS)[number];

export interface ViewSlice {
  /** A loaded trace replaces the live capture in every view until the page goes back to live. */
  importedTrace: Trace | null;
  /** False while paused: the views show events up to `cutoffEventSeq` only. */
  isLive: boolean;
  cutoffEventSeq: number | null;
  /** Animation speed: 1 is real time; slow motion stretches each transition. */
  speed: PlaybackSpeed;
  selectedEventSeq: number | null;
  highlightedMessageSeq: number | null;
  /** The wire view's open tab: in the store, so an interview question's demo can open the one it needs. */
  wireTab: WireTabId;
  pause(): void;
  resume(): void;
  /** Moves the cutoff one event forward or back (pausing first). */
  step(delta: 1 | -1): void;
  /** Pauses at this event (the scrubber). */
  scrubTo(eventSeq: number): void;
  setSpeed(speed: PlaybackSpeed): void;
  selectEvent(eventSeq: number | null): void;
  highlightMessage(seq: number | null): void;
  showWireTab(tab: WireTabId): void;
  loadTrace(trace: Trace): void;
  leaveTrace(): void;
}

/** The events the views draw: the trace's or the capture's, cut at the pause point. */
export function sourceEvents(
  state: Pick<WirelabState, 'importedTrace' | 'wireEvents'>,
): readonly WireEvent[] {
  return state.importedTrace ? state.importedTrace.events : state.wireEvents;
}

export function sourceMessages(
  state: Pick<WirelabState, 'importedTrace' | 'messages'>,
): readonly ChatMessage[] {
  return state.importedTrace ? state.importedTrace.messages : state.messages;
}

let memoSource: readonly WireEvent[] | null = null;
let memoCutoff: number | null = null;
let memoVisible: readonly WireEvent[] = [];

/**
 * Selector for the events on screen. Memoized on its inputs, so components using it re-render only when
 * the visible list really changed (a new array each call would re-render forever).
 */
export function selectVisibleEvents(
  state: Pick<WirelabState, 'importedTrace' | 'wireEvents' | 'isLive' | 'cutoffEventSeq'>,
): readonly WireEvent[] {
  const source = sourceEvents(state);
  const cutoff = state.isLive ? null : state.cutoffEventSeq;
  if (source === memoSource && cutoff === memoCutoff) return memoVisible;
  memoSource = source;
  memoCutoff = cutoff;
  memoVisible = cutoff === null ? source : source.filter((event) => event.eventSeq <= cutoff);
  return memoVisible;
}

/** The unit counts beside the views, and how many units came after the point they show. */
export interface ShownUnitCounts {
  counts: UnitCounts;
  /** Paused: the units after the pause point (0 while live). */
  later: number;
}

let memoCounts: {
  source: readonly WireEvent[];
  visible: readonly WireEvent[];
  total: UnitCounts;
} | null = null;
let memoShown: ShownUnitCounts = { counts: EMPTY_UNIT_COUNTS, later: 0 };

/**
 * The counts by unit of what the views show. Live: every unit captured since the page loaded (more than
 * the ring holds). Paused: the same less the units after the pause point (the source past the visible
 * events), so the counts stop with the diagram and the table, and `later` says how many wait. A trace:
 * its own visible units (the live capture's counts said nothing about it). Memoized like
 * selectVisibleEvents.
 */
export function selectShownUnitCounts(
  state: Pick<WirelabState, 'importedTrace' | 'wireEvents' | 'isLive' | 'cutoffEventSeq' | 'wireUnitCounts'>,
): ShownUnitCounts {
  const source = sourceEvents(state);
  const visible = selectVisibleEvents(state);
  const total = state.importedTrace ? EMPTY_UNIT_COUNTS : state.wireUnitCounts;
  if (memoCounts?.source === source && memoCounts.visible === visible && memoCounts.total === total)
    return memoShown;
  memoCounts = { source, visible, total };
  // The visible events are the source's first ones: the rest, from here, came after the pause point.
  const later = source.length - visible.length;
  if (state.importedTrace) {
    memoShown = { counts: countUnits(EMPTY_UNIT_COUNTS, visible), later };
    return memoShown;
  }
  if (later === 0) {
    memoShown = { counts: total, later };
    return memoShown;
  }
  const counts: Record<WireEvent['unit'], number> = { ...total };
  for (let index = visible.length; index < source.length; index += 1) {
    const event = source[index];
    if (event) counts[event.unit] -= 1;
  }
  memoShown = { counts, later };
  return memoShown;
}

/**
 * Index of the first event whose eventSeq is at least `eventSeq` (events.length if none). Wire events are
 * kept in eventSeq order, so this is a binary search: selectors run on every store update, and a linear
 * scan of 5,000 events each time is the per-update scan we do not want.
 */
export function indexAtOrAfter(events: readonly WireEvent[], eventSeq: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((events[middle]?.eventSeq ?? Number.POSITIVE_INFINITY) < eventSeq) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The event with this eventSeq, if the list still holds it. */
export function eventBySeq(events: readonly WireEvent[], eventSeq: number): WireEvent | undefined {
  const event = events[indexAtOrAfter(events, eventSeq)];
  return event?.eventSeq === eventSeq ? event : undefined;
}

function neighbour(events: readonly WireEvent[], from: number | null, delta: 1 | -1): number | null {
  if (events.length === 0) return null;
  const last = events.at(-1)?.eventSeq ?? null;
  if (from === null) return last;
  const index = indexAtOrAfter(events, from);
  const at = index >= events.length ? events.length - 1 : index;
  const next = Math.min(events.length - 1, Math.max(0, at + delta));
  return events[next]?.eventSeq ?? last;
}

export const createViewSlice: StateCreator<WirelabState, [], [], ViewSlice> = (set, get) => ({
  importedTrace: null,
  isLive: true,
  cutoffEventSeq: null,
  speed: 1,
  selectedEventSeq: null,
  highlightedMessageSeq: null,
  wireTab: 'sequence',
  pause() {
    const state = get();
    if (!state.isLive) return;
    set({ isLive: false, cutoffEventSeq: sourceEvents(state).at(-1)?.eventSeq ?? null });
  },
  resume() {
    set({ isLive: true, cutoffEventSeq: null });
  },
  step(delta) {
    const state = get();
    const events = sourceEvents(state);
    const from = state.isLive ? (events.at(-1)?.eventSeq ?? null) : state.cutoffEventSeq;
    set({ isLive: false, cutoffEventSeq: neighbour(events, from, delta) });
  },
  scrubTo(eventSeq) {
    set({ isLive: false, cutoffEventSeq: eventSeq });
  },
  setSpeed(speed) {
    set({ speed });
  },
  selectEvent(eventSeq) {
    set({ selectedEventSeq: eventSeq });
  },
  highlightMessage(seq) {
    set({ highlightedMessageSeq: seq });
  },
  showWireTab(tab) {
    set({ wireTab: tab });
  },
  loadTrace(trace) {
    set({
      importedTrace: trace,
      isLive: true,
      cutoffEventSeq: null,
      selectedEventSeq: null,
      highlightedMessageSeq: null,
    });
  },
  leaveTrace() {
    set({
      importedTrace: null,
      isLive: true,
      cutoffEventSeq: null,
      selectedEventSeq: null,
      highlightedMessageSeq: null,
    });
  },
});
