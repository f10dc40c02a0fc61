/**
 * GET /api/inspect?client= (WebSocket): one client's wire events. First a `hello` with the capture caps,
 * then the ring of recent events, then each new one as it is decoded. `{ "type": "time", clientSentMs }`
 * is answered with the server clock, so the page can estimate its offset (DESIGN.md, "Time"). The
 * recorder never captures this socket's own bytes.
 */
import { Hono } from 'hono';
import { WebSocket } from 'ws';
import { InspectClientFrame, type InspectServerFrame } from '../../protocol/inspect.ts';
import { CLOSE_CODES, ClientId } from '../../protocol/messages.ts';
import type { ServerEnv, TransportDeps } from '../transports/deps.ts';
import { errorResponse } from '../transports/errors.ts';
import { isAllowedOrigin } from '../transports/origin.ts';
import type { Recorder } from './recorder.ts';
import { nowMs } from './socket-tap.ts';

export interface InspectDeps extends TransportDeps {
  recorder: Recorder;
}

/** How often a pump waiting for the socket to drain looks again. */
const REPLAY_DRAIN_POLL_MS = 10;
/** Events taken from the ring per step of the pump. */
const PUMP_BATCH_EVENTS = 64;

export function createInspectRoutes(deps: InspectDeps): Hono<ServerEnv> {
  const { config } = deps;
  const routes = new Hono<ServerEnv>();
  routes.get('/inspect', (c) => {
    if (!isAllowedOrigin(c.req.header('origin'), c.req.header('host'), config.allowedOrigins)) {
      return errorResponse(c, 403, 'forbidden_origin', 'this origin may not open an inspector');
    }
    const client = ClientId.safeParse(c.req.query('client'));
    if (!client.success) {
      return errorResponse(
        c,
        400,
        'invalid_client',
        'query parameter client must be 1-64 of A-Z a-z 0-9 _ -',
      );
    }
    const slot = c.env?.upgrade;
    if (!slot) {
      return errorResponse(c, 426, 'bad_request', 'the inspector is a WebSocket: send an Upgrade request', {
        upgrade: 'websocket',
      });
    }
    const clientId = client.data;
    slot.accept({ deflate: false, onOpen: (socket) => runInspector(socket, clientId, deps) });
    return c.body(null, 200);
  });
  return routes;
}

/** One inspector socket, from open to close. */
function runInspector(
  opened: WebSocket,
  client: string,
  { recorder, config, connections }: InspectDeps,
): void {
  let unwatch: (() => void) | null = null;
  /** Set while the pump waits for the socket to drain. */
  let replayTimer: ReturnType<typeof setTimeout> | null = null;
  const registration = connections.register({
    clientId: client,
    transport: 'inspect',
    close: () => opened.close(CLOSE_CODES.goingAway, 'server shutting down'),
  });

  const cleanup = () => {
    unwatch?.();
    unwatch = null;
    if (replayTimer) clearTimeout(replayTimer);
    replayTimer = null;
    registration?.release();
  };
  opened.on('close', cleanup);
  opened.on('error', cleanup);
  if (!registration) {
    opened.close(CLOSE_CODES.tooManyConnections, 'too many connections for this client id');
    return;
  }
  const send = (frame: InspectServerFrame) => {
    if (opened.readyState !== WebSocket.OPEN) return;
    // Wire events are paced by the pump; only a page that asks for the time and never reads its
    // answers (or anything else) gets this far behind.
    if (opened.bufferedAmount > 2 * config.maxQueueBytes) {
      cleanup();
      opened.close(CLOSE_CODES.slowReader, 'inspector fell behind: reconnect');
      return;
    }
    opened.send(JSON.stringify(frame));
  };

  send({
    type: 'hello',
    client,
    captureId: recorder.captureId,
    maxUnitBytes: recorder.options.maxUnitBytes,
    maxEventsPerClient: recorder.options.maxEventsPerClient,
  });
  // One pump feeds both the replay and live events, straight from the ring, only as fast as the
  // socket drains: a replay of megabytes never runs as one synchronous loop, and an inspector
  // that falls behind just reads older events later (or sees the jump where the ring moved on).
  let nextSeq = 1;
  const highWaterBytes = config.maxQueueBytes / 2;
  const pump = () => {
    replayTimer = null;
    if (opened.readyState !== WebSocket.OPEN) return;
    while (opened.bufferedAmount < highWaterBytes) {
      const batch = recorder.eventsFrom(client, nextSeq, PUMP_BATCH_EVENTS);
      if (batch.length === 0) return;
      for (const event of batch) opened.send(JSON.stringify(event));
      nextSeq = (batch.at(-1)?.eventSeq ?? nextSeq) + 1;
    }
    replayTimer = setTimeout(pump, REPLAY_DRAIN_POLL_MS);
  };
  unwatch = recorder.watch(client, () => {
    if (replayTimer === null) pump();
  }).unwatch;
  pump();

  opened.on('message', (data, isBinary) => {
    const serverNowMs = nowMs();
    let json: unknown = null;
    try {
      json = isBinary ? null : JSON.parse(data.toString());
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
    }
    const frame = InspectClientFrame.safeParse(json);
    if (!frame.success) {
      opened.close(CLOSE_CODES.policyViolation, 'inspector frames are {"type":"time","clientSentMs":n}');
      return;
    }
    send({ type: 'time', clientSentMs: frame.data.clientSentMs, serverNowMs });
  });
}
