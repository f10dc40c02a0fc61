/**
 * Server-Sent Events: GET /api/rooms/:room/sse. Written straight to Node's response rather than through
 * Hono's streamSSE: one write per event with no stream adapter in between (the benchmark issue measured
 * the adapter at several times the CPU per event). Hono still routes and validates.
 *
 * Stream layout: `retry:` first, then `event: resume` with its `id:`, then one event per message with
 * `id: <cursor>`, and a comment every heartbeat. JSON never contains a raw CR or LF, so one message is
 * always exactly one `data:` line and one event, whatever its text.
 */
import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { type ChatMessage, type ResumeOutcome, SSE_RESUME_EVENT } from '../../protocol/messages.ts';
import type { ServerEnv, TransportDeps } from './deps.ts';
import { encodeOncePerMessage } from './encode-once.ts';
import { errorResponse } from './errors.ts';
import { parseParticipant } from './params.ts';
import { cursorErrorResponse } from './read.ts';

/** One event per message, encoded once however many streams it goes to. */
export const formatSseMessage = encodeOncePerMessage(
  (message: ChatMessage) => `id: ${message.cursor}\ndata: ${JSON.stringify(message)}\n\n`,
);

export function formatSseResume(outcome: ResumeOutcome, baseCursor: string, heartbeatMs: number): string {
  const data = JSON.stringify({ ...outcome, cursor: baseCursor, heartbeatMs });
  return `event: ${SSE_RESUME_EVENT}\nid: ${baseCursor}\ndata: ${data}\n\n`;
}

export function createSseRoutes({ hub, config, connections }: TransportDeps): Hono<ServerEnv> {
  const routes = new Hono<ServerEnv>();
  routes.get('/:room/sse', async (c) => {
    const parsed = parseParticipant(c, c.req.header('last-event-id'));
    if (!parsed.ok) return parsed.response;
    const { room, clientId, name, since } = parsed.value;
    const outgoing: ServerResponse | undefined = c.env?.outgoing;
    if (!outgoing)
      return errorResponse(c, 500, 'internal', 'SSE needs the Node server (no raw response here)');

    let ended = false;
    let heartbeat: ReturnType<typeof setInterval> | null = null;
    let unsubscribe: (() => void) | null = null;
    let releasePresence: (() => void) | null = null;
    const cleanup = () => {
      if (ended) return;
      ended = true;
      if (heartbeat) clearInterval(heartbeat);
      unsubscribe?.();
      releasePresence?.();
      registration?.release();
    };
    const write = (chunk: string) => {
      if (ended) return;
      // A reader that stopped reading makes this buffer grow; cut it before it costs everyone memory.
      // Its EventSource reconnects with Last-Event-ID and resumes from the last event it did read.
      if (outgoing.writableLength > config.maxQueueBytes) {
        cleanup();
        outgoing.destroy();
        return;
      }
      outgoing.write(chunk);
    };
    const registration = connections.register({
      clientId,
      transport: 'sse',
      close: () => {
        // `retry:` tells EventSource how soon to come back (to the restarted server) before the stream ends.
        write(`retry: ${config.sseRetryMs}\n: server shutting down\n\n`);
        cleanup();
        outgoing.end();
      },
    });
    if (!registration) {
      return connections.isClosing
        ? errorResponse(c, 503, 'shutting_down', 'the server is shutting down; retry shortly')
        : errorResponse(c, 429, 'too_many_connections', `client ${clientId} has too many open connections`);
    }
    outgoing.once('close', cleanup);

    let headersWritten = false;
    try {
      unsubscribe = await hub.follow(room, name, since, {
        resume: (outcome, baseCursor) => {
          outgoing.writeHead(200, {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache, no-transform',
            connection: 'keep-alive',
            // Reverse proxies (nginx) buffer responses unless told not to; a buffered stream is not a stream.
            'x-accel-buffering': 'no',
          });
          headersWritten = true;
          write(`retry: ${config.sseRetryMs}\n\n`);
          write(formatSseResume(outcome, baseCursor, config.sseHeartbeatMs));
        },
        message: (message) => write(formatSseMessage(message)),
      });
    } catch (error) {
      cleanup();
      if (headersWritten) {
        outgoing.destroy();
        return RESPONSE_ALREADY_SENT;
      }
      return cursorErrorResponse(c, error);
    }
    if (ended) {
      // The client left while history was read.
      unsubscribe();
      return RESPONSE_ALREADY_SENT;
    }
    releasePresence = hub.presence.hold(room, name);
    heartbeat = setInterval(() => write(': heartbeat\n\n'), config.sseHeartbeatMs);
    return RESPONSE_ALREADY_SENT;
  });
  return routes;
}
