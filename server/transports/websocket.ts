/**
 * WebSocket: GET /api/rooms/:room/ws upgrades to the JSON protocol of DESIGN.md. The server pings every
 * `wsPingIntervalMs` and terminates a socket that missed the previous pong (a dead peer behind a NAT
 * never sends a FIN). ws enforces `maxPayload` (close 1009) and `maxFragments`; we enforce the text
 * limit (1009), the send rate (an `error` frame, then 1008), and the outbound queue (4001).
 */
import { Hono } from 'hono';
import { WebSocket } from 'ws';
import { CLOSE_CODES, type ErrorCode, WsClientFrame, type WsServerFrame } from '../../protocol/messages.ts';
import { CursorAheadError } from '../hub/broker.ts';
import type { ServerEnv, TransportDeps } from './deps.ts';
import { encodeOncePerMessage } from './encode-once.ts';
import { errorResponse } from './errors.ts';
import { isAllowedOrigin } from './origin.ts';
import { type Participant, parseParticipant } from './params.ts';

/** The `message` frame of a chat message, encoded once however many sockets it goes to. */
const encodeMessageFrame = encodeOncePerMessage((message) => JSON.stringify({ type: 'message', message }));

/** After a close frame to a reader that does not read, how long before the socket is destroyed. */
const CLOSE_HANDSHAKE_TIMEOUT_MS = 1_000;

/** Everything a chat socket needs, and nothing of the request that opened it. */
interface ChatSocketDeps extends TransportDeps {
  participant: Participant;
}

/**
 * GET /:room/ws. Validation answers like any HTTP error (upgrade.ts writes it onto the socket); an
 * accepted upgrade hands the socket to {@link runChatSocket}, which keeps nothing of the request.
 */
export function createWebSocketRoutes(deps: TransportDeps): Hono<ServerEnv> {
  const { config, connections } = deps;
  const routes = new Hono<ServerEnv>();
  routes.get('/:room/ws', (c) => {
    if (!isAllowedOrigin(c.req.header('origin'), c.req.header('host'), config.allowedOrigins)) {
      return errorResponse(c, 403, 'forbidden_origin', 'this origin may not open a chat socket');
    }
    const parsed = parseParticipant(c);
    if (!parsed.ok) return parsed.response;
    const slot = c.env?.upgrade;
    if (!slot) {
      return errorResponse(c, 426, 'bad_request', 'this is a WebSocket endpoint: send an Upgrade request', {
        upgrade: 'websocket',
      });
    }
    if (connections.isClosing) {
      return errorResponse(c, 503, 'shutting_down', 'the server is shutting down');
    }
    if (connections.countFor(parsed.value.clientId) >= config.maxConnectionsPerClient) {
      const message = `client ${parsed.value.clientId} has too many open connections`;
      return errorResponse(c, 429, 'too_many_connections', message);
    }
    const participant = parsed.value;
    slot.accept({ deflate: false, onOpen: (socket) => runChatSocket(socket, { ...deps, participant }) });
    return c.body(null, 200);
  });
  return routes;
}

/** One chat socket, from open to close. */
function runChatSocket(socket: WebSocket, { hub, config, connections, participant }: ChatSocketDeps): void {
  const { room, clientId, name, since } = participant;
  let closed = false;
  let refusedSends = 0;
  let inbound: Promise<void> = Promise.resolve();
  let pongPending = false;
  let pingTimer: ReturnType<typeof setInterval> | null = null;
  let unsubscribe: (() => void) | null = null;
  let releasePresence: (() => void) | null = null;

  /** Stops feeding the socket; called as soon as we decide to close. */
  const stopFeeds = () => {
    closed = true;
    if (pingTimer) clearInterval(pingTimer);
    pingTimer = null;
    unsubscribe?.();
    unsubscribe = null;
  };
  const closeWith = (code: number, reason: string) => {
    if (socket.readyState >= WebSocket.CLOSING) return;
    socket.close(code, reason);
    setTimeout(() => socket.terminate(), CLOSE_HANDSHAKE_TIMEOUT_MS).unref();
    stopFeeds();
  };
  const registration = connections.register({
    clientId,
    transport: 'websocket',
    close: () => closeWith(CLOSE_CODES.goingAway, 'server shutting down'),
  });
  /**
   * Forgets the connection once the socket really closed (close handshake done, or terminated), so
   * shutdown waits for the 1001 close frames to be exchanged before the process exits.
   */
  const cleanup = () => {
    stopFeeds();
    releasePresence?.();
    releasePresence = null;
    registration?.release();
  };
  socket.on('close', cleanup);
  socket.on('error', cleanup);
  if (!registration) {
    closeWith(CLOSE_CODES.tooManyConnections, 'too many connections for this client id');
    return;
  }

  const sendText = (text: string) => {
    if (closed || socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > config.maxQueueBytes) {
      closeWith(CLOSE_CODES.slowReader, 'slow reader: reconnect and resume from your cursor');
      return;
    }
    socket.send(text);
  };
  const send = (frame: WsServerFrame) => sendText(JSON.stringify(frame));
  const sendError = (code: ErrorCode, message: string, id?: string) =>
    send({ type: 'error', code, message, ...(id === undefined ? {} : { id }) });

  const handleText = async (text: string) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      sendError(
        'invalid_json',
        `frame is not JSON: ${error instanceof SyntaxError ? error.message : 'unreadable'}`,
      );
      return;
    }
    const frame = WsClientFrame.safeParse(json);
    if (!frame.success) {
      const detail = frame.error.issues.map((issue) => `${issue.path.join('.') || 'frame'} ${issue.message}`);
      sendError('invalid_body', detail.join('; '));
      return;
    }
    const { id, text: chatText, to, sentAtMs } = frame.data;
    const outcome = await hub.send(room, clientId, {
      id,
      from: name,
      text: chatText,
      ...(to === undefined ? {} : { to }),
      ...(sentAtMs === undefined ? {} : { sentAtMs }),
    });
    if (outcome.ok) {
      refusedSends = 0;
      send({ type: 'ack', id, seq: outcome.ack.seq, cursor: outcome.ack.cursor });
      return;
    }
    switch (outcome.code) {
      case 'payload_too_large':
        closeWith(CLOSE_CODES.messageTooBig, 'message text too big');
        return;
      case 'rate_limited':
        refusedSends += 1;
        if (refusedSends > config.wsFloodCloseAfter) {
          closeWith(CLOSE_CODES.policyViolation, 'send rate exceeded');
          return;
        }
        sendError('rate_limited', outcome.message, id);
        return;
    }
  };

  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      closeWith(CLOSE_CODES.unsupportedData, 'send JSON text frames');
      return;
    }
    // ws has checked that a text message is valid UTF-8 (or closed with 1007).
    const text = data.toString();
    // One frame at a time, in arrival order: acks come back in send order, and a flood's refusals
    // cannot overtake (and close the socket before) the acks of the sends that were accepted.
    inbound = inbound
      .then(() => handleText(text))
      .catch((error: unknown) => {
        console.error('websocket send failed', error);
        sendError('internal', 'the message could not be stored; retry with the same id');
      });
  });
  socket.on('pong', () => {
    pongPending = false;
  });
  pingTimer = setInterval(() => {
    if (pongPending) {
      // No pong since the last ping: the peer or the path is dead.
      socket.terminate();
      cleanup();
      return;
    }
    pongPending = true;
    socket.ping();
    send({ type: 'heartbeat' });
  }, config.wsPingIntervalMs);
  hub
    .follow(room, name, since, {
      resume: (outcome, baseCursor) =>
        send({ type: 'resume', ...outcome, cursor: baseCursor, heartbeatMs: config.wsPingIntervalMs }),
      message: (message) => sendText(encodeMessageFrame(message)),
    })
    .then(
      (stop) => {
        if (closed) {
          stop();
          return;
        }
        unsubscribe = stop;
        releasePresence = hub.presence.hold(room, name);
      },
      (error: unknown) => {
        if (error instanceof CursorAheadError) {
          sendError('invalid_cursor', error.message);
          closeWith(CLOSE_CODES.policyViolation, 'invalid cursor');
          return;
        }
        console.error('websocket follow failed', error);
        closeWith(CLOSE_CODES.internalError, 'internal error');
      },
    );
}
