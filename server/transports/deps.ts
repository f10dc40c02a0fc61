import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.ts';
import type { Hub } from '../hub/hub.ts';
import type { Lab } from '../lab/lab.ts';
import type { ConnectionRegistry } from './connections.ts';
import type { HeartbeatTicker } from './heartbeat.ts';
import type { UpgradeSlot } from './upgrade.ts';

/** What every transport's route factory gets; the same for all four. */
export interface TransportDeps {
  hub: Hub;
  config: Config;
  connections: ConnectionRegistry;
  /** The network lab: per-client faults the transports apply to their own units. */
  lab: Lab;
  /** Shared heartbeat timers: WebSocket pings every wsPingIntervalMs, SSE comments every sseHeartbeatMs. */
  heartbeats: { websocket: HeartbeatTicker; sse: HeartbeatTicker };
}

/**
 * What a route can reach of Node under the Hono request. A normal request has the raw request and
 * response (SSE writes to the response directly); an upgrade request has no response but an `upgrade`
 * slot a WebSocket route accepts through (upgrade.ts). Under app.request() in tests there are no
 * bindings at all, so code reads them with `?.`.
 */
export interface ServerBindings {
  incoming: IncomingMessage;
  outgoing?: ServerResponse;
  upgrade?: UpgradeSlot;
}

export type ServerEnv = { Bindings: ServerBindings };
