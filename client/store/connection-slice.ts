import type { StateCreator } from 'zustand';
import { type TransportKind, utf8ByteLength } from '../../protocol/messages.ts';
import {
  type ConnectionStatus,
  connectedKind,
  SendError,
  type StatusChange,
  TRANSPORTS,
  type Transport,
  type TransportAttempt,
  type TransportChoice,
  TransportClosedError,
  type Unsubscribe,
} from '../transports/index.ts';
import type { WirelabState } from './index.ts';

/**
 * The server's default MAX_MESSAGE_BYTES. protocol/messages.ts does not carry the limit, so the page
 * repeats it to refuse an oversized message before it costs a round trip (the server still decides).
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * The last time the connection dropped, kept after it comes back: a reconnect often takes less time than
 * reading the status line, and the learner wants to know what the lab's kill did.
 */
export interface ConnectionDrop {
  error: string | null;
  closeCode: number | null;
  /** Page clock (Date.now()). */
  atMs: number;
}

export interface ConnectionSlice {
  /** The open transport; owned here, opened by connect() and closed by disconnect(). */
  transport: Transport | null;
  status: ConnectionStatus;
  statusError: string | null;
  closeCode: number | null;
  retryInMs: number | null;
  /** Failed tries in a row behind the current 'reconnecting' (1 for the first retry). */
  retryAttempt: number | null;
  /** Times this connection went from open to reconnecting since connect(). */
  drops: number;
  lastDrop: ConnectionDrop | null;
  /** Auto's tries (WebSocket, SSE, long polling) for this connection; empty for a chosen transport. */
  attempts: readonly TransportAttempt[];
  sendError: string | null;
  connect(): void;
  disconnect(): void;
  sendMessage(text: string, to?: string): Promise<boolean>;
}

export const createConnectionSlice: StateCreator<WirelabState, [], [], ConnectionSlice> = (set, get) => {
  let unsubscribes: Unsubscribe[] = [];

  const onStatus = (change: StatusChange) => {
    const wasOpen = get().status === 'open';
    const dropped = wasOpen && change.status === 'reconnecting';
    set({
      status: change.status,
      statusError: change.error ?? null,
      closeCode: change.closeCode ?? null,
      retryInMs: change.retryInMs ?? null,
      retryAttempt: change.attempt ?? null,
      ...(dropped
        ? {
            drops: get().drops + 1,
            lastDrop: { error: change.error ?? null, closeCode: change.closeCode ?? null, atMs: Date.now() },
          }
        : {}),
    });
    // One-shot lab faults (lose the next N, cut the next event) count down on the server as they fire, and
    // a drop is usually one firing: once the page knows the lab's settings (the lab's line and controls
    // show them), read them again, so neither shows a fault that already happened.
    if (dropped && get().labSettings !== null) void get().labLoad();
  };

  return {
    transport: null,
    status: 'closed',
    statusError: null,
    closeCode: null,
    retryInMs: null,
    retryAttempt: null,
    drops: 0,
    lastDrop: null,
    attempts: [],
    sendError: null,
    connect() {
      get().disconnect();
      const { room, name, clientId, transportKind, cursor } = get();
      const transport = TRANSPORTS[transportKind]({ room, name, clientId, since: cursor });
      unsubscribes = [
        transport.onMessage((message) => get().receive({ type: 'message', message })),
        transport.onResume((resume) => get().receive({ type: 'resume', resume })),
        transport.onStatus((change) => onStatus(change)),
        ...(transport.onAttempts ? [transport.onAttempts((attempts) => set({ attempts }))] : []),
      ];
      set({ transport, sendError: null, drops: 0, lastDrop: null, attempts: [] });
      transport.open();
    },
    disconnect() {
      const { transport } = get();
      if (!transport) return;
      // Keep the cursor before letting go: the next transport starts exactly where this one stopped.
      set({ transport: null, cursor: transport.cursor() ?? get().cursor });
      transport.close();
      for (const unsubscribe of unsubscribes) unsubscribe();
      unsubscribes = [];
      set({ status: 'closed', statusError: null, closeCode: null, retryInMs: null, retryAttempt: null });
      get().saveRoomState();
    },
    async sendMessage(text, to) {
      const bytes = utf8ByteLength(text);
      if (bytes > MAX_MESSAGE_BYTES) {
        set({ sendError: `The message is ${bytes} bytes; the limit is ${MAX_MESSAGE_BYTES}.` });
        return false;
      }
      const message = {
        id: crypto.randomUUID(),
        text,
        sentAtMs: performance.timeOrigin + performance.now(),
        ...(to ? { to } : {}),
      };
      set({ sendError: null });
      let transport = get().transport;
      // A transport switch can close the one a send started on: the same id on the new one is safe.
      for (let attempt = 0; transport !== null && attempt < 2; attempt += 1) {
        try {
          await transport.send(message);
          return true;
        } catch (error) {
          const next = get().transport;
          if (error instanceof TransportClosedError && next !== transport) {
            transport = next;
            continue;
          }
          set({
            sendError: error instanceof SendError || error instanceof Error ? error.message : String(error),
          });
          return false;
        }
      }
      set({ sendError: 'Not connected: join a room first.' });
      return false;
    },
  };
};

/** The transport actually carrying the chat: the chosen one, or the one Auto settled on (null while it tries). */
export function activeTransportKind(
  state: Pick<ConnectionSlice, 'attempts'> & { transportKind: TransportChoice },
): TransportKind | null {
  return state.transportKind === 'auto' ? connectedKind(state.attempts) : state.transportKind;
}
