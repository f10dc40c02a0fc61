import type { HttpBindings, WebSocketLike } from '@hono/node-server';
import type { UpgradeWebSocket } from 'hono/ws';
import type { Config } from '../config.ts';
import type { Hub } from '../hub/hub.ts';
import type { ConnectionRegistry } from './connections.ts';

/** What every transport's route factory gets; the same for all four. */
export interface TransportDeps {
  hub: Hub;
  config: Config;
  connections: ConnectionRegistry;
  upgradeWebSocket: UpgradeWebSocket<WebSocketLike, { onError: (error: unknown) => void }>;
}

/**
 * The Hono environment of every route: on Node the raw request and response are reachable (SSE writes to
 * the response directly). Under app.request() in tests, `env` is absent, so code reads it with `?.`.
 */
export type ServerEnv = { Bindings: HttpBindings };
