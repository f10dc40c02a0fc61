import type { StateCreator } from 'zustand';
import type { ChatMessage } from '../../protocol/messages.ts';
import { pageNowMs } from '../transports/clock-sync.ts';
import { applyChatEvents, type ChatEvent, type Notice } from './chat-log.ts';
import { scheduleFrame } from './frame-batch.ts';
import type { WirelabState } from './index.ts';
import { loadRoom, saveRoom } from './persistence.ts';

/** Arrival times the page remembers (a few more than the messages it keeps); the oldest go first. */
export const MAX_RECEIVED_TIMES = 1_000;

/**
 * Arrivals with these added: the first arrival of a cursor wins (a replay after a reconnect is not an
 * arrival), and past `cap` the oldest are forgotten. The same map when nothing is new.
 */
export function recordArrivals(
  arrivals: ReadonlyMap<string, number>,
  batch: ReadonlyArray<{ cursor: string; atMs: number }>,
  cap = MAX_RECEIVED_TIMES,
): ReadonlyMap<string, number> {
  const fresh = batch.filter((arrival) => !arrivals.has(arrival.cursor));
  if (fresh.length === 0) return arrivals;
  const next = new Map(arrivals);
  for (const arrival of fresh) if (!next.has(arrival.cursor)) next.set(arrival.cursor, arrival.atMs);
  // A Map iterates in insertion order, so the first keys are the oldest arrivals.
  for (const cursor of next.keys()) {
    if (next.size <= cap) break;
    next.delete(cursor);
  }
  return next;
}

export interface ChatSlice {
  messages: readonly ChatMessage[];
  /**
   * Page clock (`performance.timeOrigin + performance.now()`) when each message first reached this page, by
   * cursor ("epoch:seq", so a new epoch's seqs do not collide): the latency view's "received by the page".
   */
  receivedAtMs: ReadonlyMap<string, number>;
  notices: readonly Notice[];
  /** Where the next connection resumes from (kept with the messages it belongs to). */
  cursor: string | null;
  receive(event: ChatEvent): void;
  restoreRoom(): void;
  saveRoomState(): void;
  dismissNotice(id: number): void;
}

/** How often, at most, the chat is written to sessionStorage while messages stream in. */
export const SAVE_THROTTLE_MS = 1_000;

export const createChatSlice: StateCreator<WirelabState, [], [], ChatSlice> = (set, get) => {
  let queued: ChatEvent[] = [];
  /** Stamped when the transport hands a message over, not at the flush a microtask later. */
  let arrivals: Array<{ cursor: string; atMs: number }> = [];
  let nextNoticeId = 1;
  let cancelFlush: (() => void) | null = null;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;

  // Messages arrive one task each at hundreds a second, and a poll answer or snapshot delivers dozens in
  // one task: either way they are folded into one store update (one React commit) per animation frame.
  const flush = () => {
    cancelFlush?.();
    cancelFlush = null;
    const events = queued;
    queued = [];
    const arrived = arrivals;
    arrivals = [];
    if (events.length === 0) return;
    const log = applyChatEvents(get(), events, nextNoticeId);
    nextNoticeId += log.notices.length - get().notices.length;
    set({
      messages: log.messages,
      notices: log.notices,
      cursor: get().transport?.cursor() ?? get().cursor,
      receivedAtMs: recordArrivals(get().receivedAtMs, arrived),
    });
    // Writing up to 500 messages to sessionStorage is slow: at most once per SAVE_THROTTLE_MS, and at
    // pagehide (main.tsx), so a reload still resumes.
    if (saveTimer === null) {
      saveTimer = setTimeout(() => {
        saveTimer = null;
        get().saveRoomState();
      }, SAVE_THROTTLE_MS);
    }
  };

  return {
    messages: [],
    receivedAtMs: new Map(),
    notices: [],
    cursor: null,
    receive(event) {
      cancelFlush ??= scheduleFrame(flush);
      queued.push(event);
      if (event.type === 'message') arrivals.push({ cursor: event.message.cursor, atMs: pageNowMs() });
    },
    restoreRoom() {
      const { room, name } = get();
      const stored = loadRoom(room, name);
      cancelFlush?.();
      cancelFlush = null;
      queued = [];
      arrivals = [];
      set({ messages: stored?.messages ?? [], notices: [], cursor: stored?.cursor ?? null });
    },
    saveRoomState() {
      // Whatever waits for the next frame goes in first, so the saved cursor never runs ahead of the
      // saved messages (the store's cursor is set with the messages it belongs to, in flush).
      flush();
      const { room, name, messages, cursor } = get();
      saveRoom(room, { name, cursor, messages: [...messages] });
    },
    dismissNotice(id) {
      set({ notices: get().notices.filter((notice) => notice.id !== id) });
    },
  };
};
