/**
 * Our server in a benchmark child: startServer with the limits raised for load (send rate, connections
 * per client, hold times) and the timers that would add traffic during a run (heartbeats, pings) pushed
 * out of the measured window. `tap: false` makes the build "without the tap": the recorder's accept is
 * replaced by a no-op, so an accepted socket never even reaches the capture check.
 */
import { z } from 'zod';
import { DEFAULT_CONFIG } from '../server/config.ts';
import { startServer } from '../server/server.ts';
import { childOptions, serveControl } from './control.ts';

export const OursOptions = z.object({
  captureAll: z.boolean().default(false),
  tap: z.boolean().default(true),
});
export type OursOptions = z.input<typeof OursOptions>;

/** Long enough that no heartbeat, ping or long-poll timeout fires during a run. */
const QUIET_MS = 3_600_000;
const UNLIMITED = 1_000_000_000;

async function main(): Promise<void> {
  const options = childOptions(OursOptions);
  const server = await startServer({
    ...DEFAULT_CONFIG,
    port: 0,
    staticDir: null,
    captureAll: options.captureAll,
    sendRatePerSecond: UNLIMITED,
    sendBurst: UNLIMITED,
    maxConnectionsPerClient: UNLIMITED,
    longPollTimeoutMs: QUIET_MS,
    longPollMaxTimeoutMs: QUIET_MS,
    sseHeartbeatMs: QUIET_MS,
    wsPingIntervalMs: QUIET_MS,
    shutdownGraceMs: 1_000,
  });
  if (!options.tap) server.recorder.accept = () => {};
  serveControl({
    port: server.port,
    subscribers: () => server.connections.size,
    close: () => server.shutdown(),
  });
}

await main();
