/** Naive polling: GET /api/rooms/:room/poll answers at once with whatever is newer than `since`. */
import { Hono } from 'hono';
import type { ServerEnv, TransportDeps } from './deps.ts';
import { parseParticipant } from './params.ts';
import { cursorErrorResponse, pollResponse } from './read.ts';

export function createPollingRoutes({ hub, config }: TransportDeps): Hono<ServerEnv> {
  const routes = new Hono<ServerEnv>();
  routes.get('/:room/poll', async (c) => {
    const parsed = parseParticipant(c);
    if (!parsed.ok) return parsed.response;
    const { room, name, since } = parsed.value;
    // A poller holds no connection between polls, so each poll renews a lease on its presence instead.
    hub.presence.touch(room, name, config.pollPresenceLeaseMs);
    try {
      return pollResponse(c, await hub.read(room, name, since));
    } catch (error) {
      return cursorErrorResponse(c, error);
    }
  });
  return routes;
}
