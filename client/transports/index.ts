/** The client transports, one per TransportKind, behind one Transport interface. */
import type { TransportKind } from '../../protocol/messages.ts';
import { createAutoTransport } from './auto.ts';
import { createLongPollingTransport } from './long-polling.ts';
import { createPollingTransport } from './polling.ts';
import { createSseTransport } from './sse.ts';
import type { TransportChoice, TransportFactory } from './types.ts';
import { createWebSocketTransport } from './websocket.ts';

const KIND_FACTORIES: Readonly<Record<TransportKind, TransportFactory>> = {
  polling: createPollingTransport,
  'long-polling': createLongPollingTransport,
  sse: createSseTransport,
  websocket: createWebSocketTransport,
};

export const TRANSPORTS: Readonly<Record<TransportChoice, TransportFactory>> = {
  ...KIND_FACTORIES,
  auto: (options) => createAutoTransport(options, KIND_FACTORIES),
};

export const TRANSPORT_CHOICES: readonly TransportChoice[] = [
  'polling',
  'long-polling',
  'sse',
  'websocket',
  'auto',
];

export const TRANSPORT_LABELS: Readonly<Record<TransportChoice, string>> = {
  polling: 'Polling',
  'long-polling': 'Long polling',
  sse: 'Server-Sent Events',
  websocket: 'WebSocket',
  auto: 'Auto (fallback)',
};

export { CursorTracker } from './cursor.ts';
export {
  ATTEMPT_LABELS,
  connectedKind,
  describeAttempts,
  FALLBACK_ORDER,
  type TransportAttempt,
} from './fallback.ts';
export type {
  ConnectionStatus,
  OutgoingMessage,
  ResumeInfo,
  StatusChange,
  Transport,
  TransportChoice,
  TransportFactory,
  TransportOptions,
  Unsubscribe,
} from './types.ts';
export { SendError, TransportClosedError } from './types.ts';
