/**
 * The four transports and the shared send route, mounted under /api/rooms. Every transport file exports
 * one route factory with the same signature; TRANSPORTS keys them by the protocol's TransportKind.
 */
import { Hono } from 'hono';
import type { TransportKind } from '../../protocol/messages.ts';
import { labHttpFaults } from '../lab/http-faults.ts';
import type { ServerEnv, TransportDeps } from './deps.ts';
import { createLongPollingRoutes } from './long-polling.ts';
import { createPollingRoutes } from './polling.ts';
import { createSendRoutes } from './send.ts';
import { createSseRoutes } from './sse.ts';
import { createWebSocketRoutes } from './websocket.ts';

export type TransportRouteFactory = (deps: TransportDeps) => Hono<ServerEnv>;

export const TRANSPORTS: Record<TransportKind, TransportRouteFactory> = {
  polling: createPollingRoutes,
  'long-polling': createLongPollingRoutes,
  sse: createSseRoutes,
  websocket: createWebSocketRoutes,
};

export function createTransportRoutes(deps: TransportDeps): Hono<ServerEnv> {
  const routes = new Hono<ServerEnv>();
  // Before every chat route: the lab's delays, drops and connection bookkeeping for this client id.
  routes.use('*', labHttpFaults(deps.lab));
  routes.route('/', createSendRoutes(deps));
  for (const factory of Object.values(TRANSPORTS)) routes.route('/', factory(deps));
  return routes;
}
