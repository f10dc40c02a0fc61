/**
 * Long polling: GET /api/rooms/:room/long-poll is held until a message newer than `since` exists, the
 * timeout passes (then `messages` is empty), the client goes away, or the server shuts down (answered
 * at once, so no client waits on a dead server).
 */

import { Hono } from 'hono';
import { WaitCancel } from '../hub/hub.ts';
import type { ServerEnv, TransportDeps } from './deps.ts';
import { errorResponse } from './errors.ts';
import { parseParticipant } from './params.ts';
import { cursorErrorResponse, pollResponse } from './read.ts';

export function createLongPollingRoutes({ hub, config, connections }: TransportDeps): Hono<ServerEnv> {
  const routes = new Hono<ServerEnv>();
  routes.get('/:room/long-poll', async (c) => {
    const parsed = parseParticipant(c);
    if (!parsed.ok) return parsed.response;
    const { room, clientId, name, since } = parsed.value;

    const rawTimeout = c.req.query('timeoutMs');
    let timeoutMs = config.longPollTimeoutMs;
    if (rawTimeout !== undefined && rawTimeout !== '') {
      if (!/^[0-9]{1,9}$/.test(rawTimeout) || Number(rawTimeout) > config.longPollMaxTimeoutMs) {
        return errorResponse(
          c,
          400,
          'bad_request',
          `timeoutMs must be a whole number from 0 to ${config.longPollMaxTimeoutMs}`,
        );
      }
      timeoutMs = Number(rawTimeout);
    }

    const held = new WaitCancel();
    const outgoing = c.env?.outgoing;
    const socket = c.env?.incoming.socket;
    const registration = connections.register({
      clientId,
      transport: 'long-polling',
      ...(socket ? { socket } : {}),
      close: () => held.cancel(),
      // The lab's kill: answered now and the connection closed after it (clean), or an RST (reset).
      kill: (mode) => {
        if (mode === 'reset') {
          socket?.resetAndDestroy();
          return;
        }
        outgoing?.setHeader('connection', 'close');
        held.cancel();
      },
    });
    if (!registration) {
      return connections.isClosing
        ? errorResponse(c, 503, 'shutting_down', 'the server is shutting down; retry shortly')
        : errorResponse(c, 429, 'too_many_connections', `client ${clientId} has too many open connections`);
    }
    // The response's close fires before it is sent only when the client hung up: stop waiting for it.
    const onClientGone = () => held.cancel();
    outgoing?.once('close', onClientGone);
    const releasePresence = hub.presence.hold(room, name);
    try {
      return pollResponse(c, await hub.waitForNewer(room, name, since, { timeoutMs, cancel: held }));
    } catch (error) {
      return cursorErrorResponse(c, error);
    } finally {
      outgoing?.off('close', onClientGone);
      releasePresence();
      registration.release();
    }
  });
  return routes;
}
