/**
 * The lab's faults on plain HTTP exchanges (poll, send, the request of a long poll, and the request that
 * opens an SSE stream or a WebSocket), as one middleware in front of the chat routes, so each transport
 * file keeps only its own protocol. What a route writes itself applies the answer-side faults itself: SSE
 * events and WebSocket frames (sse.ts, websocket.ts), and a long poll's answer (long-polling.ts), which
 * shares this middleware's last step, answerMayGo.
 *
 * An HTTP/1.1 connection carries one exchange at a time, so delaying each request and each answer keeps
 * the order per connection without a queue.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { MiddlewareHandler } from 'hono';
import { ID_PATTERN, type TransportKind } from '../../protocol/messages.ts';
import type { ServerEnv } from '../transports/deps.ts';
import { delayOnce, toClientDelay, toServerDelay } from './delay-line.ts';
import type { Lab } from './lab.ts';

/** @hono/node-server's marker for "the route wrote the response itself" (SSE). */
const ALREADY_SENT_HEADER = 'x-hono-already-sent';

function transportOf(path: string): TransportKind | undefined {
  if (path.endsWith('/long-poll')) return 'long-polling';
  if (path.endsWith('/poll')) return 'polling';
  if (path.endsWith('/sse')) return 'sse';
  if (path.endsWith('/ws')) return 'websocket';
  return undefined;
}

/**
 * An HTTP answer of `clientId` is made and its delay has passed: the lab decides its fate, once, for the
 * middleware's answers and for those a route writes itself (a held long poll). False when it is lost
 * (`dropNext`: the connection is reset, the fault reported); otherwise it may be written, and carries
 * `Connection: close` when a clean kill asked for that while it was in flight.
 */
export function answerMayGo(
  lab: Lab,
  clientId: string,
  outgoing: ServerResponse,
  transport: TransportKind | undefined,
): boolean {
  const socket = outgoing.socket;
  if (lab.store.takeDrop(clientId)) {
    // The answer is made (a send stored, a cursor moved on), but it never arrives: the connection breaks.
    socket?.resetAndDestroy();
    lab.report({ clientId, kind: 'dropped', ...(transport ? { transport } : {}) });
    return false;
  }
  if (socket && lab.sockets.takeCloseAfterResponse(socket) && !outgoing.headersSent)
    outgoing.setHeader('connection', 'close');
  return true;
}

export function labHttpFaults(lab: Lab): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const clientId = c.req.query('client');
    // A bad client id is the route's to refuse; the lab has nothing to say about it.
    if (clientId === undefined || !ID_PATTERN.test(clientId)) return next();
    const socket: Socket | undefined = c.env?.incoming.socket;
    const answered = socket ? lab.sockets.begin(clientId, socket) : null;
    try {
      const inbound = delayOnce(toServerDelay(lab.settings(clientId)));
      if (inbound) await inbound;
      // The client gave up while its request was on the way: nothing to answer.
      if (socket?.destroyed) return RESPONSE_ALREADY_SENT;
      await next();
      if (socket?.destroyed) return;
      // An upgrade's answer is the handshake (ws writes it); a stream or a long poll writes its own.
      if (c.env?.upgrade || c.res.headers.has(ALREADY_SENT_HEADER)) return;
      const outbound = delayOnce(toClientDelay(lab.settings(clientId)));
      if (outbound) await outbound;
      if (socket?.destroyed) return;
      const outgoing = c.env?.outgoing;
      if (!outgoing) return;
      if (!answerMayGo(lab, clientId, outgoing, transportOf(c.req.path))) {
        c.res = undefined;
        c.res = RESPONSE_ALREADY_SENT;
      }
    } finally {
      answered?.();
    }
  };
}
