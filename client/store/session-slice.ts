import type { StateCreator } from 'zustand';
import type { TransportChoice } from '../transports/index.ts';
import type { WirelabState } from './index.ts';
import { loadClientId, loadSession, saveSession } from './persistence.ts';

export interface SessionSlice {
  clientId: string;
  name: string;
  room: string;
  transportKind: TransportChoice;
  joined: boolean;
  join(name: string, room: string): void;
  leave(): void;
  chooseTransport(kind: TransportChoice): void;
}

export const createSessionSlice: StateCreator<WirelabState, [], [], SessionSlice> = (set, get) => {
  const stored = loadSession();
  const persist = () => {
    const { name, room, transportKind, joined } = get();
    saveSession({ name, room, transport: transportKind, joined });
  };
  // Which join is current: a join's deferred connect must not run after a leave or a later join.
  let joinAttempt = 0;
  return {
    clientId: loadClientId(),
    name: stored?.name ?? '',
    room: stored?.room ?? 'lobby',
    transportKind: stored?.transport ?? 'websocket',
    joined: false,
    join(name, room) {
      get().disconnect();
      set({ name, room, joined: true });
      persist();
      get().restoreRoom();
      const attempt = ++joinAttempt;
      // The inspector first: the server captures only connections it accepts while one is open.
      set({ status: 'connecting' });
      void get()
        .openInspector()
        .then(() => {
          if (attempt === joinAttempt && get().joined && get().transport === null) get().connect();
        });
    },
    leave() {
      joinAttempt += 1;
      get().disconnect();
      get().closeInspector();
      set({ joined: false });
      persist();
    },
    chooseTransport(kind) {
      if (kind === get().transportKind) return;
      const wasConnected = get().transport !== null;
      // Close first, then open from the old transport's cursor: nothing is in between, so nothing is lost.
      if (wasConnected) get().disconnect();
      set({ transportKind: kind });
      persist();
      if (wasConnected) get().connect();
    },
  };
};

/** Rejoin after a reload when this tab was in a room. */
export function resumeStoredSession(state: WirelabState): void {
  const stored = loadSession();
  if (stored?.joined) state.join(stored.name, stored.room);
}
