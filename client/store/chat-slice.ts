import type { StateCreator } from 'zustand';
import type { ChatMessage } from '../../protocol/messages.ts';
import { applyChatEvents, type ChatEvent, type Notice } from './chat-log.ts';
import type { WirelabState } from './index.ts';
import { loadRoom, saveRoom } from './persistence.ts';

export interface ChatSlice {
  messages: readonly ChatMessage[];
  notices: readonly Notice[];
  /** Where the next connection resumes from (kept with the messages it belongs to). */
  cursor: string | null;
  receive(event: ChatEvent): void;
  restoreRoom(): void;
  saveRoomState(): void;
  dismissNotice(id: number): void;
}

export const createChatSlice: StateCreator<WirelabState, [], [], ChatSlice> = (set, get) => {
  let queued: ChatEvent[] = [];
  let nextNoticeId = 1;

  // A poll answer or a snapshot delivers dozens of messages in one task: fold them into one update.
  const flush = () => {
    const events = queued;
    queued = [];
    if (events.length === 0) return;
    const log = applyChatEvents(get(), events, nextNoticeId);
    nextNoticeId += log.notices.length - get().notices.length;
    set({ messages: log.messages, notices: log.notices, cursor: get().transport?.cursor() ?? get().cursor });
    get().saveRoomState();
  };

  return {
    messages: [],
    notices: [],
    cursor: null,
    receive(event) {
      if (queued.length === 0) queueMicrotask(flush);
      queued.push(event);
    },
    restoreRoom() {
      const { room, name } = get();
      const stored = loadRoom(room, name);
      queued = [];
      set({ messages: stored?.messages ?? [], notices: [], cursor: stored?.cursor ?? null });
    },
    saveRoomState() {
      const { room, name, messages } = get();
      const cursor = get().transport?.cursor() ?? get().cursor;
      saveRoom(room, { name, cursor, messages: [...messages] });
    },
    dismissNotice(id) {
      set({ notices: get().notices.filter((notice) => notice.id !== id) });
    },
  };
};
