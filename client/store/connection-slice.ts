import type { StateCreator } from 'zustand';
import { utf8ByteLength } from '../../protocol/messages.ts';
import {
  type ConnectionStatus,
  SendError,
  TRANSPORTS,
  type Transport,
  TransportClosedError,
  type Unsubscribe,
} from '../transports/index.ts';
import type { WirelabState } from './index.ts';

/**
 * The server's default MAX_MESSAGE_BYTES. protocol/messages.ts does not carry the limit, so the page
 * repeats it to refuse an oversized message before it costs a round trip (the server still decides).
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export interface ConnectionSlice {
  /** The open transport; owned here, opened by connect() and closed by disconnect(). */
  transport: Transport | null;
  status: ConnectionStatus;
  statusError: string | null;
  closeCode: number | null;
  retryInMs: number | null;
  sendError: string | null;
  connect(): void;
  disconnect(): void;
  sendMessage(text: string, to?: string): Promise<boolean>;
}

export const createConnectionSlice: StateCreator<WirelabState, [], [], ConnectionSlice> = (set, get) => {
  let unsubscribes: Unsubscribe[] = [];

  return {
    transport: null,
    status: 'closed',
    statusError: null,
    closeCode: null,
    retryInMs: null,
    sendError: null,
    connect() {
      get().disconnect();
      const { room, name, clientId, transportKind, cursor } = get();
      const transport = TRANSPORTS[transportKind]({ room, name, clientId, since: cursor });
      unsubscribes = [
        transport.onMessage((message) => get().receive({ type: 'message', message })),
        transport.onResume((resume) => get().receive({ type: 'resume', resume })),
        transport.onStatus((change) =>
          set({
            status: change.status,
            statusError: change.error ?? null,
            closeCode: change.closeCode ?? null,
            retryInMs: change.retryInMs ?? null,
          }),
        ),
      ];
      set({ transport, sendError: null });
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
      set({ status: 'closed', statusError: null, closeCode: null, retryInMs: null });
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
