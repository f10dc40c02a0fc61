/**
 * The Auto transport's decisions, pure: which transport to try next, when an attempt counts as connected
 * or failed, and how to say why in words the learner can check against the diagram. The shell that owns
 * sockets and timers is auto.ts.
 *
 * The idea is Socket.IO's and SockJS's: a WebSocket is best, but a corporate proxy or firewall may refuse
 * the upgrade, or swallow it so nothing happens at all; an event stream is plain HTTP and passes most of
 * those; a long poll is an ordinary request and passes everything that lets the page load. So try them
 * in that order and keep the first that works.
 */
import type { TransportKind } from '../../protocol/messages.ts';

/** Best first. Naive polling is left out: long polling reaches everywhere it does, with less delay. */
export const FALLBACK_ORDER: readonly TransportKind[] = ['websocket', 'sse', 'long-polling'];

/**
 * How long one attempt may take to open. A refused upgrade fails in milliseconds; this catches the
 * silent kind (a proxy that holds the upgrade or buffers the event stream), long enough for a slow
 * network's handshake, short enough that the learner is not left staring at "connecting".
 */
export const AUTO_ATTEMPT_TIMEOUT_MS = 4_000;

/** Short names for the attempt line, which has to fit beside the status. */
export const ATTEMPT_LABELS: Readonly<Record<TransportKind, string>> = {
  polling: 'Polling',
  'long-polling': 'Long polling',
  sse: 'SSE',
  websocket: 'WebSocket',
};

/** What the transport under attempt told us, in the order it happened. */
export type AttemptSignal =
  /** Its status became open: the socket opened, the event stream's headers arrived, a poll went out. */
  | { type: 'opened' }
  /** The server's first answer (the resume) arrived. */
  | { type: 'resumed' }
  /** It reported a failure (reconnecting or closed) before the attempt was judged connected. */
  | { type: 'failed'; error?: string; closeCode?: number }
  | { type: 'timed-out'; afterMs: number };

export type AttemptVerdict =
  | { type: 'wait' }
  | { type: 'connected'; note?: string }
  | { type: 'failed'; reason: string };

/**
 * Whether a signal settles the attempt. An open WebSocket or event stream is proof enough: the server
 * answered the handshake. A long poll says open as soon as its request leaves, so it needs more: an
 * answer, or a request still held at the deadline (a refused or unreachable one fails at once; only a
 * server that accepted it would hold it that long).
 */
export function judgeAttempt(kind: TransportKind, signal: AttemptSignal): AttemptVerdict {
  const heldByServer = kind === 'long-polling' || kind === 'polling';
  switch (signal.type) {
    case 'opened':
      return heldByServer ? { type: 'wait' } : { type: 'connected' };
    case 'resumed':
      return { type: 'connected' };
    case 'failed':
      return { type: 'failed', reason: failureReason(kind, signal) };
    case 'timed-out':
      return heldByServer
        ? { type: 'connected', note: 'the server is holding the request' }
        : { type: 'failed', reason: `did not open within ${formatSeconds(signal.afterMs)}` };
    default:
      return signal satisfies never;
  }
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/**
 * Why an attempt failed, from what the browser let us see, which is little: a refused WebSocket upgrade
 * (a 403, a proxy that strips Upgrade) reaches the page only as an error event and close code 1006, never
 * the status or the body; EventSource hides the HTTP status of a refused stream too.
 */
export function failureReason(kind: TransportKind, signal: { error?: string; closeCode?: number }): string {
  switch (kind) {
    case 'websocket':
      if (signal.closeCode === undefined || signal.closeCode === 1006)
        return 'failed before opening (upgrade refused or blocked)';
      return `closed with ${signal.closeCode} before opening`;
    case 'sse':
      return 'failed before opening (the stream was refused or unreachable)';
    case 'long-polling':
    case 'polling':
      return signal.error ? `failed: ${signal.error}` : 'failed';
    default:
      return kind satisfies never;
  }
}

/** The transport after `current` in `order`, or null when every one has been tried. */
export function nextKind(
  order: readonly TransportKind[],
  current: TransportKind | null,
): TransportKind | null {
  if (current === null) return order[0] ?? null;
  const index = order.indexOf(current);
  return index < 0 ? null : (order[index + 1] ?? null);
}

export type AttemptState = 'trying' | 'failed' | 'connected';

export interface TransportAttempt {
  kind: TransportKind;
  state: AttemptState;
  /** Page clock (Date.now()) when the attempt started. */
  startedAtMs: number;
  /** Why it failed, or a remark on how it connected. */
  reason?: string;
}

function describeAttempt(attempt: TransportAttempt): string {
  const label = ATTEMPT_LABELS[attempt.kind];
  switch (attempt.state) {
    case 'trying':
      return `${label}: trying…`;
    case 'failed':
      return `${label}: ${attempt.reason ?? 'failed'}`;
    case 'connected':
      return attempt.reason ? `${label}: connected (${attempt.reason})` : `${label}: connected`;
    default:
      return attempt.state satisfies never;
  }
}

/** "WebSocket: failed before opening (upgrade refused or blocked) → SSE: connected" */
export function describeAttempts(attempts: readonly TransportAttempt[]): string {
  return attempts.map(describeAttempt).join(' → ');
}

/** The transport the attempts settled on, if any. */
export function connectedKind(attempts: readonly TransportAttempt[]): TransportKind | null {
  return attempts.find((attempt) => attempt.state === 'connected')?.kind ?? null;
}
