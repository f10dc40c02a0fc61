/**
 * WebSocket upgrades, taken by us rather than by @hono/node-server's `upgradeWebSocket` helper.
 *
 * Hono still routes and validates an upgrade like any request: the server's `upgrade` listener runs the
 * app with an {@link UpgradeSlot} in the bindings, and a route that wants the socket calls
 * `slot.accept({ deflate, onOpen })` and returns any response. After the app answered, the listener
 * completes the handshake with the `ws` server the route asked for, or writes the route's refusal (its
 * status, JSON body and an `x-wirelab-error` header) and ends the socket.
 *
 * Why not the helper: it keeps the Hono Context, the Fetch Request and its URL alive for as long as the
 * socket lives (benchmark goal 3 measured a bare Hono ws server at 3.3x bare `ws` in heap per idle
 * socket). Here `onOpen` closes over only what the route chose to keep. It also lets one client's
 * upgrade negotiate permessage-deflate while everyone else's does not (the network lab's toggle), since
 * `ws` decides that per server, not per socket.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { ErrorBody } from '../../protocol/messages.ts';
import type { ServerBindings } from './deps.ts';

/** The header that carries the error code of a refused upgrade (a browser sees neither it nor the body). */
export const UPGRADE_ERROR_HEADER = 'x-wirelab-error';

export interface WebSocketAcceptance {
  /** Negotiate permessage-deflate if the client offers it. */
  deflate: boolean;
  /** Runs once the 101 is written, with the open socket. */
  onOpen(socket: WebSocket): void;
}

/** Handed to the app with every upgrade request; a route that accepts fills it. */
export class UpgradeSlot {
  #accepted: WebSocketAcceptance | null = null;

  get accepted(): WebSocketAcceptance | null {
    return this.#accepted;
  }

  accept(acceptance: WebSocketAcceptance): void {
    this.#accepted = acceptance;
  }
}

export interface UpgradeServers {
  plain: WebSocketServer;
  deflate: WebSocketServer;
}

type Fetch = (request: Request, bindings: ServerBindings) => Response | Promise<Response>;

/** Headers of the incoming request as a Fetch Headers (first value of repeated ones, as Node joins them). */
function fetchRequest(incoming: IncomingMessage): Request {
  const url = new URL(incoming.url ?? '/', `http://${incoming.headers.host ?? 'localhost'}`);
  const headers = new Headers();
  for (const [key, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    headers.append(key, Array.isArray(value) ? (value[0] ?? '') : value);
  }
  return new Request(url, { headers });
}

/** Writes a refusal as a complete HTTP/1.1 response and ends the socket. */
async function refuse(socket: Duplex, response: Response): Promise<void> {
  const body = await response.text();
  let code: string | null = null;
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(body));
    if (parsed.success) code = parsed.data.error.code;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  if (socket.destroyed) return;
  const lines = [
    `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`,
    'Connection: close',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  const contentType = response.headers.get('content-type');
  if (contentType && body !== '') lines.push(`Content-Type: ${contentType}`);
  // Error codes are our own enum of [a-z_]; anything else is not echoed into a header.
  if (code !== null && /^[a-z_]{1,64}$/.test(code)) lines.push(`${UPGRADE_ERROR_HEADER}: ${code}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

const ignoreSocketError = () => {};

/** The server's `upgrade` listener. */
export function createUpgradeHandler(
  fetch: Fetch,
  servers: UpgradeServers,
): (incoming: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (incoming, socket, head) => {
    // A peer that resets mid-handshake must not become an unhandled error; ws installs its own after.
    socket.on('error', ignoreSocketError);
    void (async () => {
      if (incoming.headers.upgrade?.toLowerCase() !== 'websocket') {
        socket.destroy();
        return;
      }
      const slot = new UpgradeSlot();
      let response: Response;
      try {
        response = await fetch(fetchRequest(incoming), { incoming, upgrade: slot });
      } catch (error) {
        // `new URL` refuses a Host header that is not a host; anything else is ours to log.
        if (!(error instanceof TypeError)) console.error('upgrade routing failed', error);
        const body: ErrorBody = {
          error: { code: 'bad_request', message: 'the upgrade request is malformed' },
        };
        response = Response.json(body, { status: 400 });
      }
      if (socket.destroyed) return;
      const acceptance = slot.accepted;
      if (!acceptance) {
        await refuse(socket, response);
        return;
      }
      const server = acceptance.deflate ? servers.deflate : servers.plain;
      server.handleUpgrade(incoming, socket, head, (ws) => {
        socket.off('error', ignoreSocketError);
        acceptance.onOpen(ws);
      });
    })().catch((error: unknown) => {
      console.error('upgrade failed', error);
      socket.destroy();
    });
  };
}
