/** The client transports, one per TransportKind, behind one Transport interface. */
import type { TransportKind } from '../../protocol/messages.ts';
import { createLongPollingTransport } from './long-polling.ts';
import { createPollingTransport } from './polling.ts';
import { createSseTransport } from './sse.ts';
import type { TransportFactory } from './types.ts';
import { createWebSocketTransport } from './websocket.ts';

export const TRANSPORTS: Readonly<Record<TransportKind, TransportFactory>> = {
  polling: createPollingTransport,
  'long-polling': createLongPollingTransport,
  sse: createSseTransport,
  websocket: createWebSocketTransport,
};

export const TRANSPORT_LABELS: Readonly<Record<TransportKind, string>> = {
  polling: 'Polling',
  'long-polling': 'Long polling',
  sse: 'Server-Sent Events',
  websocket: 'WebSocket',
};

export { CursorTracker } from './cursor.ts';
export type {
  ConnectionStatus,
  OutgoingMessage,
  ResumeInfo,
  StatusChange,
  Transport,
  TransportOptions,
  Unsubscribe,
} from './types.ts';
export { SendError, TransportClosedError } from './types.ts';
