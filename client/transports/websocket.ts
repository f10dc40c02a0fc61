/**
 * WebSocket over the browser's native WebSocket. One socket carries both directions: sends are
 * `{type:"send"}` frames answered by an `ack` with the same id. Unacknowledged sends survive a
 * reconnect and go out again on the next socket; the server stores each id once, so that is safe.
 */
import {
  type ChatMessage,
  CLOSE_CODES,
  parseCursor,
  type SendAck,
  type WsClientFrame,
  WsServerFrame,
} from '../../protocol/messages.ts';
import { CursorTracker } from './cursor.ts';
import { transportUrl } from './http.ts';
import { Listeners } from './listeners.ts';
import { ReconnectPolicy, type ReconnectPolicyOptions } from './reconnect.ts';
import {
  type ConnectionStatus,
  type ResumeInfo,
  SendError,
  type StatusChange,
  type Transport,
  TransportClosedError,
  type TransportOptions,
} from './types.ts';
import { createWatchdog } from './watchdog.ts';

/**
 * The browser answers the server's pings itself and never shows them to us, so the server sends a
 * `heartbeat` frame with each ping and says how often in the resume frame (`heartbeatMs`). Two missed
 * heartbeats plus slack without any frame at all: the socket is dead, even though the browser still
 * says OPEN (a proxy that dropped the connection silently, a laptop that slept). Until the resume frame
 * arrives we do not know the interval, so this fixed timeout applies.
 */
export const WS_LIVENESS_TIMEOUT_MS = 60_000;
/** Room for a frame delayed by a busy server or a jittery path, so one late heartbeat is not a death. */
export const WS_LIVENESS_SLACK_MS = 3_000;

/** How long a socket may stay silent once the server told us its heartbeat interval. */
export function livenessTimeoutMs(heartbeatMs: number | undefined, fallbackMs: number): number {
  return heartbeatMs === undefined ? fallbackMs : 2 * heartbeatMs + WS_LIVENESS_SLACK_MS;
}

// fatal: a binary frame that is not valid UTF-8 is a server bug to report, not text to guess at.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A frame's text: text frames arrive as strings; binary frames (opcode 2, the lab's `wsBinary`) as an
 * ArrayBuffer carrying the same UTF-8 JSON. Null when it is neither or not UTF-8.
 */
export function frameText(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (!(data instanceof ArrayBuffer)) return null;
  try {
    return utf8.decode(data);
  } catch {
    // Invalid UTF-8: the caller reports the frame as unreadable.
    return null;
  }
}
/** A send that has no ack (or error) by then is reported as failed; the user can send it again. */
export const WS_ACK_TIMEOUT_MS = 10_000;
/** Our own close code when we drop a socket that went silent (RFC 6455 section 7.4.2: 4000-4999 are private). */
const CLOSE_LIVENESS_TIMEOUT = 4000;

/** Close codes after which reconnecting would only repeat the refusal. */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CLOSE_CODES.unsupportedData,
  CLOSE_CODES.policyViolation,
  CLOSE_CODES.tooManyConnections,
]);

export interface WebSocketOptions extends TransportOptions {
  /** Silence allowed before the server has said its heartbeat interval (and for servers that never do). */
  livenessTimeoutMs?: number;
  ackTimeoutMs?: number;
  reconnect?: ReconnectPolicyOptions;
}

interface PendingSend {
  frame: WsClientFrame;
  /** The socket this frame was last written to; an error frame answers the oldest send on that socket. */
  sentOn: WebSocket | null;
  resolve: (ack: SendAck) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

function socketUrl(options: TransportOptions, since: string | null): URL {
  const url = transportUrl(options, 'ws', { since });
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

/** See the error listener in connect(): the close event that follows does the work. */
function ignoreErrorEvent(): void {}

export function createWebSocketTransport(options: WebSocketOptions): Transport {
  const fallbackLivenessMs = options.livenessTimeoutMs ?? WS_LIVENESS_TIMEOUT_MS;
  const ackTimeoutMs = options.ackTimeoutMs ?? WS_ACK_TIMEOUT_MS;
  const messages = new Listeners<ChatMessage>();
  const statuses = new Listeners<StatusChange>();
  const resumes = new Listeners<ResumeInfo>();
  const tracker = new CursorTracker(options.since);
  const policy = new ReconnectPolicy(options.reconnect);
  // Insertion order is send order: the server answers a socket's frames in the order it read them.
  const pending = new Map<string, PendingSend>();
  let phase: 'idle' | 'running' | 'closed' = 'idle';
  let status: ConnectionStatus | null = null;
  let socket: WebSocket | null = null;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  const liveness = createWatchdog((timeoutMs) =>
    reconnectLater(`no frame for ${timeoutMs / 1000} s: the connection is dead`, CLOSE_LIVENESS_TIMEOUT),
  );
  /** What the current socket's resume frame said; each new socket starts without it. */
  let heartbeatMs: number | undefined;

  const setStatus = (change: StatusChange) => {
    if (change.status === status && change.status !== 'reconnecting') return;
    status = change.status;
    statuses.emit(change);
  };

  const settle = (id: string): PendingSend | undefined => {
    const entry = pending.get(id);
    if (!entry) return undefined;
    pending.delete(id);
    clearTimeout(entry.timer);
    return entry;
  };

  const rejectAll = (
    error: (entry: PendingSend) => Error,
    which: (entry: PendingSend) => boolean = () => true,
  ) => {
    for (const [id, entry] of [...pending]) {
      if (!which(entry)) continue;
      settle(id);
      entry.reject(error(entry));
    }
  };

  const write = (entry: PendingSend) => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify(entry.frame));
    entry.sentOn = socket;
  };

  const armLiveness = () => liveness.feed(livenessTimeoutMs(heartbeatMs, fallbackLivenessMs));

  const onFrame = (current: WebSocket, data: unknown) => {
    // Any frame proves the connection alive, a chat message as much as a heartbeat.
    armLiveness();
    let json: unknown = null;
    const text = frameText(data);
    try {
      json = text === null ? null : JSON.parse(text);
    } catch {
      // Falls through to the schema, which reports it.
    }
    const frame = WsServerFrame.safeParse(json);
    if (!frame.success) {
      console.error('WebSocket: unreadable frame from the server', data);
      return;
    }
    const value = frame.data;
    switch (value.type) {
      case 'resume':
        // From now on silence is measured against the interval this server promised.
        heartbeatMs = value.heartbeatMs;
        armLiveness();
        tracker.resume(value.recovered, value.cursor);
        resumes.emit({
          recovered: value.recovered,
          ...(value.reason === undefined ? {} : { reason: value.reason }),
          cursor: value.cursor,
        });
        return;
      case 'message':
        if (tracker.accept(value.message)) messages.emit(value.message);
        return;
      case 'ack': {
        const entry = settle(value.id);
        entry?.resolve({
          seq: value.seq,
          cursor: value.cursor,
          epoch: parseCursor(value.cursor)?.epoch ?? '',
        });
        return;
      }
      case 'heartbeat':
        // Its only job was to arm the liveness timer above.
        return;
      case 'error': {
        // An error about a send names its id; otherwise the server handles one socket's frames in order,
        // so it concerns the oldest unacknowledged send.
        const oldest =
          (value.id === undefined ? undefined : pending.get(value.id)) ??
          [...pending.values()].find((entry) => entry.sentOn === current);
        if (oldest) {
          settle(oldest.frame.id);
          oldest.reject(new SendError(value.message, value.code));
        } else {
          setStatus({ status: status ?? 'open', error: `${value.code}: ${value.message}` });
        }
        return;
      }
      default:
        value satisfies never;
    }
  };

  const connect = () => {
    reconnectTimer = null;
    const current = new WebSocket(socketUrl(options, tracker.cursor));
    // Binary frames as ArrayBuffer, which decodes synchronously (a Blob would need an await per frame
    // and could reorder messages).
    current.binaryType = 'arraybuffer';
    socket = current;
    heartbeatMs = undefined;
    current.addEventListener('open', () => {
      if (socket !== current) return;
      policy.connected(Date.now());
      setStatus({ status: 'open' });
      armLiveness();
      for (const entry of pending.values()) write(entry);
    });
    current.addEventListener('message', (event) => {
      if (socket === current) onFrame(current, event.data);
    });
    // Every failure is followed by a close event, which carries the code and decides what happens next.
    // The listener must exist all the same: a WebSocket without one (the ws package, closing a socket that
    // is still connecting) treats the error as unhandled and throws.
    current.addEventListener('error', ignoreErrorEvent);
    current.addEventListener('close', (event) => {
      if (socket !== current) return;
      const reason = event.reason ? `: ${event.reason}` : '';
      const error = `closed with ${event.code}${reason}`;
      if (event.code === CLOSE_CODES.messageTooBig) {
        // Sending those again would only close the next socket too.
        rejectAll(
          () => new SendError('the message is too big for the server', 'payload_too_large'),
          (entry) => entry.sentOn === current,
        );
      }
      if (FINAL_CLOSE_CODES.has(event.code)) {
        stop({ status: 'closed', error, closeCode: event.code });
        return;
      }
      reconnectLater(error, undefined, event.code);
    });
  };

  const dropSocket = (code: number, reason: string) => {
    liveness.stop();
    const old = socket;
    socket = null;
    if (old && old.readyState <= WebSocket.OPEN) old.close(code, reason);
  };

  const reconnectLater = (error: string, ourCloseCode?: number, closeCode?: number) => {
    dropSocket(ourCloseCode ?? CLOSE_CODES.normal, 'reconnecting');
    if (reconnectTimer !== null) clearTimeout(reconnectTimer);
    const retryInMs = policy.nextDelayMs(Date.now());
    setStatus({
      status: 'reconnecting',
      error,
      retryInMs,
      attempt: policy.attempt,
      ...(closeCode === undefined ? {} : { closeCode }),
    });
    reconnectTimer = setTimeout(connect, retryInMs);
  };

  const stop = (change: StatusChange) => {
    if (phase === 'closed') return;
    phase = 'closed';
    if (reconnectTimer !== null) clearTimeout(reconnectTimer);
    reconnectTimer = null;
    dropSocket(CLOSE_CODES.normal, 'page closed the connection');
    rejectAll(() => new TransportClosedError());
    setStatus(change);
  };

  return {
    kind: 'websocket',
    open() {
      if (phase !== 'idle') return;
      phase = 'running';
      setStatus({ status: 'connecting' });
      connect();
    },
    close: () => stop({ status: 'closed' }),
    send(message) {
      if (phase === 'closed') return Promise.reject(new TransportClosedError());
      const existing = pending.get(message.id);
      if (existing) settle(message.id);
      return new Promise<SendAck>((resolve, reject) => {
        const entry: PendingSend = {
          frame: {
            type: 'send',
            id: message.id,
            text: message.text,
            sentAtMs: message.sentAtMs,
            ...(message.to === undefined ? {} : { to: message.to }),
          },
          sentOn: null,
          resolve,
          reject,
          timer: setTimeout(() => {
            settle(message.id);
            reject(new SendError(`no acknowledgement within ${ackTimeoutMs / 1000} s`, 'timeout'));
          }, ackTimeoutMs),
        };
        pending.set(message.id, entry);
        write(entry);
      });
    },
    cursor: () => tracker.cursor,
    onMessage: (listener) => messages.add(listener),
    onStatus: (listener) => statuses.add(listener),
    onResume: (listener) => resumes.add(listener),
  };
}
