/**
 * Assembles and starts a Wirelab server on a real port: broker, hub, app, WebSocket server. Used by
 * main.ts and by every integration test, so tests run exactly what users run.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { createApp } from './app.ts';
import { Recorder } from './capture/recorder.ts';
import type { Config } from './config.ts';
import type { Broker } from './hub/broker.ts';
import { Hub } from './hub/hub.ts';
import { MemoryBroker } from './hub/memory-broker.ts';
import { Lab } from './lab/lab.ts';
import { ConnectionRegistry } from './transports/connections.ts';
import { HeartbeatTicker } from './transports/heartbeat.ts';
import { createUpgradeHandler } from './transports/upgrade.ts';

/** Body and frame bytes the recorder scans for chat seqs (a poll answer of 50 long messages is larger). */
const CAPTURE_SCAN_BYTES = 1024 * 1024;

/** How often shutdown closes keep-alive sockets that have just become idle. */
const SHUTDOWN_SWEEP_MS = 50;

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  hub: Hub;
  connections: ConnectionRegistry;
  recorder: Recorder;
  /** The network lab (tests watch its faults with lab.onFault). */
  lab: Lab;
  /** Graceful: refuses new work, closes every connection politely (1001, SSE end, long polls answered). */
  shutdown(): Promise<void>;
}

export async function startServer(config: Config, broker?: Broker): Promise<RunningServer> {
  const hub = new Hub(broker ?? new MemoryBroker(config), config);
  const connections = new ConnectionRegistry(config.maxConnectionsPerClient);
  // Our own ws servers, so maxPayload and maxFragments are ours (ws's default payload limit is 100 MiB).
  // Two of them because ws negotiates permessage-deflate per server: the lab turns it on per client.
  const wsOptions = {
    noServer: true,
    maxPayload: config.maxBodyBytes,
    maxFragments: config.wsMaxFragments,
    clientTracking: false,
  } as const;
  const upgradeServers = {
    plain: new WebSocketServer({ ...wsOptions, perMessageDeflate: false }),
    // threshold 0: every message is compressed, so even a short chat line shows RSV1 and its inflated
    // payload. Context takeover stays on (ws's default): later messages reuse the window of earlier ones.
    deflate: new WebSocketServer({ ...wsOptions, perMessageDeflate: { threshold: 0 } }),
  };
  const recorder = new Recorder({
    maxUnitBytes: config.captureMaxUnitBytes,
    maxEventsPerClient: config.captureMaxEventsPerClient,
    maxScanBytes: CAPTURE_SCAN_BYTES,
    captureAll: config.captureAll,
  });
  const lab = new Lab(config.labMaxClients, (clientId) => connections.socketsOf(clientId));
  const heartbeats = {
    websocket: new HeartbeatTicker(config.wsPingIntervalMs),
    sse: new HeartbeatTicker(config.sseHeartbeatMs),
  };
  const app = createApp({ hub, config, connections, recorder, lab, heartbeats });

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  server.on('connection', (socket) => recorder.accept(socket));
  server.on('upgrade', createUpgradeHandler(app.fetch, upgradeServers));
  recorder.onWatch(() => {
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
  const { port } = server.address() as AddressInfo;
  const displayHost = config.host.includes(':') ? `[${config.host}]` : config.host;

  let shuttingDown: Promise<void> | null = null;
  return {
    url: `http://${displayHost}:${port}`,
    port,
    hub,
    connections,
    recorder,
    lab,
    shutdown() {
      shuttingDown ??= (async () => {
        await connections.closeAll(config.shutdownGraceMs);
        await new Promise<void>((resolve) => {
          if (!('closeIdleConnections' in server)) {
            server.close(() => resolve());
            return;
          }
          // Keep-alive sockets whose last response (an ended SSE stream, an answered long poll) is still
          // flushing become idle a moment later; close them as they do, and force the rest at the deadline.
          const sweep = setInterval(() => server.closeIdleConnections(), SHUTDOWN_SWEEP_MS);
          const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
          server.close(() => {
            clearInterval(sweep);
            clearTimeout(deadline);
            resolve();
          });
          server.closeIdleConnections();
        });
        hub.close();
        await hub.broker.close();
      })();
      return shuttingDown;
    },
  };
}
