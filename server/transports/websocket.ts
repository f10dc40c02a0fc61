/**
 * WebSocket: GET /api/rooms/:room/ws upgrades to the JSON protocol of DESIGN.md. The server pings every
 * `wsPingIntervalMs` and terminates a socket that missed the previous pong (a dead peer behind a NAT
 * never sends a FIN). ws enforces `maxPayload` (close 1009) and `maxFragments`; we enforce the text
 * limit (1009), the send rate (an `error` frame, then 1008), and the outbound queue (4001).
 *
 * The network lab (server/lab) shapes this client's socket: every frame each way goes through a delay
 * line, and heartbeats, pongs, drops, kills and the frame options follow its settings at each frame.
 */
import type { Socket } from 'node:net';
import { Hono } from 'hono';
import { WebSocket } from 'ws';
import {
  CLOSE_CODES,
  type ErrorCode,
  readPlainSendFrame,
  WsClientFrame,
  type WsServerFrame,
} from '../../protocol/messages.ts';
import { CursorAheadError } from '../hub/broker.ts';
import { DelayLine, toClientDelay, toServerDelay } from '../lab/delay-line.ts';
import { sendShaped } from '../lab/ws-send.ts';
import type { ServerEnv, TransportDeps } from './deps.ts';
import { encodeOncePerMessage } from './encode-once.ts';
import { errorResponse } from './errors.ts';
import { isAllowedOrigin } from './origin.ts';
import { type Participant, parseParticipant } from './params.ts';

/** The `message` frame of a chat message, encoded once however many sockets it goes to. */
const encodeMessageFrame = encodeOncePerMessage((message) => JSON.stringify({ type: 'message', message }));

/**
 * Frames received from every socket in this turn of the event loop, counted back to 0 in the turn's check
 * phase. One frame alone in its turn (a quiet room) is answered with a write per frame, as bare `ws`
 * does, so its message leaves at once. From the second frame on (a busy room), each socket written to is
 * corked until the check phase, so everything its readers get in that turn (many senders' messages,
 * acks) leaves in one writev. Corking every sender until the check phase made a lone message wait for its
 * own ack and the turn's end: round trip p50 1.44x bare `ws` against 1.07x with this (benchmark goal 5);
 * a syscall per frame under load cost half of goal 1's throughput.
 */
let framesInTurn = 0;
const endTurn = () => {
  framesInTurn = 0;
};
function countFrameInTurn(): void {
  framesInTurn += 1;
  if (framesInTurn === 1) setImmediate(endTurn);
}

/** After a close frame to a reader that does not read, how long before the socket is destroyed. */
const CLOSE_HANDSHAKE_TIMEOUT_MS = 1_000;

/** Everything a chat socket needs, and nothing of the request that opened it. */
interface ChatSocketDeps extends TransportDeps {
  participant: Participant;
  /** The TCP socket under the WebSocket: the lab resets it (ws has no public way to send an RST). */
  tcp: Socket;
}

/**
 * GET /:room/ws. Validation answers like any HTTP error (upgrade.ts writes it onto the socket); an
 * accepted upgrade hands the socket to {@link runChatSocket}, which keeps nothing of the request.
 */
export function createWebSocketRoutes(deps: TransportDeps): Hono<ServerEnv> {
  const { config, connections, lab } = deps;
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
    const settings = lab.settings(participant.clientId);
    if (settings.blockUpgrade) {
      lab.report({ clientId: participant.clientId, kind: 'upgrade_blocked', transport: 'websocket' });
      return errorResponse(
        c,
        403,
        'upgrade_blocked',
        'the network lab blocks WebSocket upgrades for this client',
      );
    }
    const tcp = c.env.incoming.socket;
    slot.accept({
      deflate: settings.wsDeflate,
      onOpen: (socket) => runChatSocket(socket, { ...deps, participant, tcp }),
    });
    return c.body(null, 200);
  });
  return routes;
}

/** One chat socket, from open to close. */
function runChatSocket(socket: WebSocket, deps: ChatSocketDeps): void {
  const { hub, config, connections, lab, heartbeats, participant, tcp } = deps;
  const { room, clientId, name, since } = participant;
  let closed = false;
  let closing = false;
  let refusedSends = 0;
  let handling: Promise<void> = Promise.resolve();
  // The lab's simulated path, one line each way; with no lab settings they run each frame at once.
  const outbound = new DelayLine(() => toClientDelay(lab.settings(clientId)));
  const inbound = new DelayLine(() => toServerDelay(lab.settings(clientId)));
  let pongPending = false;
  let stopPings: (() => void) | null = null;
  let unsubscribe: (() => void) | null = null;
  let releasePresence: (() => void) | null = null;

  /** Stops feeding the socket; called as soon as we decide to close. */
  const stopFeeds = () => {
    closed = true;
    stopPings?.();
    stopPings = null;
    unsubscribe?.();
    unsubscribe = null;
  };
  /** The close frame follows the frames still on the way, as it would on the wire. */
  const closeWith = (code: number, reason: string) => {
    if (closing || socket.readyState >= WebSocket.CLOSING) return;
    closing = true;
    stopFeeds();
    outbound.push(() => {
      if (socket.readyState >= WebSocket.CLOSING) return;
      socket.close(code, reason);
      setTimeout(() => socket.terminate(), CLOSE_HANDSHAKE_TIMEOUT_MS).unref();
    });
  };
  /** An RST now: frames on the way are lost with the connection, as they would be. */
  const reset = () => {
    stopFeeds();
    outbound.close();
    inbound.close();
    tcp.resetAndDestroy();
  };
  const registration = connections.register({
    clientId,
    transport: 'websocket',
    socket: tcp,
    close: () => closeWith(CLOSE_CODES.goingAway, 'server shutting down'),
    kill: (mode, code) => {
      if (mode === 'reset') reset();
      else closeWith(code, 'lab: killed by the network lab');
    },
  });
  /**
   * Forgets the connection once the socket really closed (close handshake done, or terminated), so
   * shutdown waits for the 1001 close frames to be exchanged before the process exits.
   */
  const cleanup = () => {
    stopFeeds();
    outbound.close();
    inbound.close();
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

  /** Writes one message now. `isData`: it carries chat state (not a heartbeat), so `dropNext` may take it. */
  const write = (text: string, isData: boolean) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (isData && lab.store.takeDrop(clientId)) {
      lab.report({ clientId, kind: 'dropped', transport: 'websocket' });
      reset();
      return;
    }
    sendShaped(socket, text, lab.settings(clientId));
  };
  let corked = false;
  const uncork = () => {
    corked = false;
    tcp.uncork();
  };
  const sendText = (text: string, isData = true) => {
    if (closed || socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount + outbound.queuedBytes > config.maxQueueBytes) {
      closeWith(CLOSE_CODES.slowReader, 'slow reader: reconnect and resume from your cursor');
      return;
    }
    if (framesInTurn > 1 && !corked && !tcp.destroyed) {
      corked = true;
      tcp.cork();
      setImmediate(uncork);
    }
    if (outbound.passesThrough) write(text, isData);
    else outbound.push(() => write(text, isData), text.length);
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
    let frame = readPlainSendFrame(json);
    if (!frame) {
      const parsed = WsClientFrame.safeParse(json);
      if (!parsed.success) {
        const detail = parsed.error.issues.map(
          (issue) => `${issue.path.join('.') || 'frame'} ${issue.message}`,
        );
        sendError('invalid_body', detail.join('; '));
        return;
      }
      frame = parsed.data;
    }
    const { id, text: chatText, to, sentAtMs } = frame;
    const outcome = await hub.send(room, clientId, { id, from: name, text: chatText, to, sentAtMs });
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

  /** Frames received and not yet handled (the one being handled included). */
  let handlingCount = 0;
  const handled = () => {
    handlingCount -= 1;
  };
  const handlingFailed = (error: unknown) => {
    handlingCount -= 1;
    console.error('websocket send failed', error);
    sendError('internal', 'the message could not be stored; retry with the same id');
  };
  const receive = (data: Buffer, isBinary: boolean) => {
    if (closed) return;
    if (isBinary) {
      closeWith(CLOSE_CODES.unsupportedData, 'send JSON text frames');
      return;
    }
    countFrameInTurn();
    // ws has checked that a text message is valid UTF-8 (or closed with 1007).
    const text = data.toString();
    // One frame at a time, in arrival order: acks come back in send order, and a flood's refusals
    // cannot overtake (and close the socket before) the acks of the sends that were accepted. With
    // nothing in flight (the usual case) the frame is handled now, not a promise hop later (goal 5).
    handlingCount += 1;
    handling =
      handlingCount === 1
        ? handleText(text).then(handled, handlingFailed)
        : handling.then(() => handleText(text)).then(handled, handlingFailed);
  };
  socket.on('message', (data, isBinary) => {
    // Without fragments or arrays configured, ws hands a message over as one Buffer.
    const bytes = Buffer.isBuffer(data)
      ? data
      : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    if (inbound.passesThrough) receive(bytes, isBinary);
    else inbound.push(() => receive(bytes, isBinary), bytes.byteLength);
  });
  socket.on('pong', () => {
    inbound.push(() => {
      // The lab's ignorePongs: as if the page had stopped answering, so the timer below terminates.
      if (!lab.settings(clientId).ignorePongs) pongPending = false;
    });
  });
  stopPings = heartbeats.websocket.add(() => {
    if (pongPending) {
      // No pong since the last ping: the peer or the path is dead.
      if (lab.settings(clientId).ignorePongs)
        lab.report({ clientId, kind: 'pong_timeout', transport: 'websocket' });
      socket.terminate();
      cleanup();
      return;
    }
    // The lab's stopHeartbeats: silence, so an idle timeout on the path can cut the socket.
    if (lab.settings(clientId).stopHeartbeats) return;
    pongPending = true;
    outbound.push(() => {
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    });
    sendText(JSON.stringify({ type: 'heartbeat' } satisfies WsServerFrame), false);
  });
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
