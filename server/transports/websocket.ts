/**
 * WebSocket: GET /api/rooms/:room/ws upgrades to the JSON protocol of DESIGN.md. The server pings every
 * `wsPingIntervalMs` and terminates a socket that missed the previous pong (a dead peer behind a NAT
 * never sends a FIN). ws enforces `maxPayload` (close 1009) and `maxFragments`; we enforce the text
 * limit (1009), the send rate (an `error` frame, then 1008), and the outbound queue (4001).
 */
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { WebSocket } from 'ws';
import {
  CLOSE_CODES,
  ErrorBody,
  type ErrorCode,
  WsClientFrame,
  type WsServerFrame,
} from '../../protocol/messages.ts';
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

type WsEnv = ServerEnv & { Variables: { participant: Participant } };

/** The header that carries the error code of a refused upgrade. */
export const UPGRADE_ERROR_HEADER = 'x-wirelab-error';

/**
 * @hono/node-server answers a refused upgrade with the status and headers but `Content-Length: 0`,
 * dropping any body. So for an upgrade the error code travels in a header, and no content-type promises
 * a JSON body that never comes. A plain GET (no Upgrade header) keeps the usual JSON error.
 */
export function upgradeRefusal(upgradeHeader: string | undefined): (response: Response) => Promise<Response> {
  return async (response) => {
    if (upgradeHeader?.toLowerCase() !== 'websocket') return response;
    const body = ErrorBody.safeParse(await response.json());
    const headers: Record<string, string> = body.success
      ? { [UPGRADE_ERROR_HEADER]: body.data.error.code }
      : {};
    return new Response(null, { status: response.status, headers });
  };
}

export function createWebSocketRoutes({
  hub,
  config,
  connections,
  upgradeWebSocket,
}: TransportDeps): Hono<ServerEnv> {
  const routes = new Hono<ServerEnv>();
  routes.get(
    '/:room/ws',
    createMiddleware<WsEnv>(async (c, next) => {
      const refusal = upgradeRefusal(c.req.header('upgrade'));
      if (!isAllowedOrigin(c.req.header('origin'), c.req.header('host'), config.allowedOrigins)) {
        return refusal(errorResponse(c, 403, 'forbidden_origin', 'this origin may not open a chat socket'));
      }
      const parsed = parseParticipant(c);
      if (!parsed.ok) return refusal(parsed.response);
      if (connections.isClosing) {
        return refusal(errorResponse(c, 503, 'shutting_down', 'the server is shutting down'));
      }
      if (connections.countFor(parsed.value.clientId) >= config.maxConnectionsPerClient) {
        const message = `client ${parsed.value.clientId} has too many open connections`;
        return refusal(errorResponse(c, 429, 'too_many_connections', message));
      }
      c.set('participant', parsed.value);
      await next();
    }),
    upgradeWebSocket((c) => {
      const { room, clientId, name, since } = c.get('participant');
      let socket: WebSocket | null = null;
      let closed = false;
      let refusedSends = 0;
      let inbound: Promise<void> = Promise.resolve();
      let pongPending = false;
      let pingTimer: ReturnType<typeof setInterval> | null = null;
      let unsubscribe: (() => void) | null = null;
      let releasePresence: (() => void) | null = null;
      let registration: { release(): void } | null = null;

      /** Stops feeding the socket; called as soon as we decide to close. */
      const stopFeeds = () => {
        closed = true;
        if (pingTimer) clearInterval(pingTimer);
        pingTimer = null;
        unsubscribe?.();
        unsubscribe = null;
      };
      /**
       * Forgets the connection once the socket really closed (close handshake done, or terminated), so
       * shutdown waits for the 1001 close frames to be exchanged before the process exits.
       */
      const cleanup = () => {
        stopFeeds();
        releasePresence?.();
        registration?.release();
      };
      const closeWith = (code: number, reason: string) => {
        if (!socket || socket.readyState >= WebSocket.CLOSING) return;
        socket.close(code, reason);
        const closing = socket;
        setTimeout(() => closing.terminate(), CLOSE_HANDSHAKE_TIMEOUT_MS).unref();
        stopFeeds();
      };
      const sendText = (text: string) => {
        if (!socket || closed || socket.readyState !== WebSocket.OPEN) return;
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
          const detail = frame.error.issues.map(
            (issue) => `${issue.path.join('.') || 'frame'} ${issue.message}`,
          );
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

      return {
        onOpen(_event, ws) {
          if (!(ws.raw instanceof WebSocket))
            throw new Error('expected a ws WebSocket from our WebSocketServer');
          socket = ws.raw;
          const opened = socket;
          registration = connections.register({
            clientId,
            transport: 'websocket',
            close: () => closeWith(CLOSE_CODES.goingAway, 'server shutting down'),
          });
          if (!registration) {
            closeWith(CLOSE_CODES.tooManyConnections, 'too many connections for this client id');
            return;
          }
          opened.on('pong', () => {
            pongPending = false;
          });
          pingTimer = setInterval(() => {
            if (pongPending) {
              // No pong since the last ping: the peer or the path is dead.
              opened.terminate();
              cleanup();
              return;
            }
            pongPending = true;
            opened.ping();
            send({ type: 'heartbeat' });
          }, config.wsPingIntervalMs);
          hub
            .follow(room, name, since, {
              resume: (outcome, baseCursor) =>
                send({
                  type: 'resume',
                  ...outcome,
                  cursor: baseCursor,
                  heartbeatMs: config.wsPingIntervalMs,
                }),
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
        },
        onMessage(event) {
          if (typeof event.data !== 'string') {
            closeWith(CLOSE_CODES.unsupportedData, 'send JSON text frames');
            return;
          }
          // One frame at a time, in arrival order: acks come back in send order, and a flood's refusals
          // cannot overtake (and close the socket before) the acks of the sends that were accepted.
          const text = event.data;
          inbound = inbound
            .then(() => handleText(text))
            .catch((error: unknown) => {
              console.error('websocket send failed', error);
              sendError('internal', 'the message could not be stored; retry with the same id');
            });
        },
        onClose() {
          cleanup();
        },
        onError() {
          cleanup();
        },
      };
    }),
  );
  return routes;
}
