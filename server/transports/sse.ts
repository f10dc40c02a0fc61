/**
 * Server-Sent Events: GET /api/rooms/:room/sse. Written straight to Node's response rather than through
 * Hono's streamSSE: one write per event with no stream adapter in between (the benchmark issue measured
 * the adapter at several times the CPU per event). Hono still routes and validates.
 *
 * Stream layout: `retry:` first, then `event: resume` with its `id:`, then one event per message with
 * `id: <cursor>`, and a comment every heartbeat. JSON never contains a raw CR or LF, so one message is
 * always exactly one `data:` line and one event, whatever its text.
 *
 * The network lab (server/lab) shapes this client's stream: every write goes through a delay line, and
 * heartbeats, drops, the cut event and kills follow its settings at each write.
 */
import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { type ChatMessage, type ResumeOutcome, SSE_RESUME_EVENT } from '../../protocol/messages.ts';
import { DelayLine, toClientDelay } from '../lab/delay-line.ts';
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

/** The first lines of an event, without the blank line that would dispatch it (the lab's cutNextSseEvent). */
function withoutDispatch(event: string): string {
  return event.endsWith('\n\n') ? event.slice(0, -1) : event;
}

export function createSseRoutes({
  hub,
  config,
  connections,
  lab,
  heartbeats,
}: TransportDeps): Hono<ServerEnv> {
  const routes = new Hono<ServerEnv>();
  routes.get('/:room/sse', async (c) => {
    const parsed = parseParticipant(c, c.req.header('last-event-id'));
    if (!parsed.ok) return parsed.response;
    const { room, clientId, name, since } = parsed.value;
    const outgoing: ServerResponse | undefined = c.env?.outgoing;
    if (!outgoing)
      return errorResponse(c, 500, 'internal', 'SSE needs the Node server (no raw response here)');

    let ended = false;
    let stopHeartbeat: (() => void) | null = null;
    let unsubscribe: (() => void) | null = null;
    let releasePresence: (() => void) | null = null;
    const socket = outgoing.socket;
    const outbound = new DelayLine(() => toClientDelay(lab.settings(clientId)));
    const cleanup = () => {
      if (ended) return;
      ended = true;
      outbound.close();
      stopHeartbeat?.();
      unsubscribe?.();
      releasePresence?.();
      registration?.release();
    };
    /** Writes now. `kind` says what the lab may do to it: drop or cut a message, drop a resume. */
    const writeNow = (chunk: string, kind: 'message' | 'resume' | 'other') => {
      if (ended) return;
      if (kind !== 'other' && lab.store.takeDrop(clientId)) {
        lab.report({ clientId, kind: 'dropped', transport: 'sse' });
        cleanup();
        socket?.resetAndDestroy();
        return;
      }
      if (kind === 'message' && lab.store.takeSseCut(clientId)) {
        // `id:` and `data:` arrive, the blank line never does: EventSource must not dispatch the event.
        lab.report({ clientId, kind: 'sse_cut', transport: 'sse' });
        outgoing.write(withoutDispatch(chunk));
        cleanup();
        outgoing.destroy();
        return;
      }
      outgoing.write(chunk);
    };
    const write = (chunk: string, kind: 'message' | 'resume' | 'other' = 'other') => {
      if (ended) return;
      // A reader that stopped reading makes this buffer grow; cut it before it costs everyone memory.
      // Its EventSource reconnects with Last-Event-ID and resumes from the last event it did read.
      if (outgoing.writableLength + outbound.queuedBytes > config.maxQueueBytes) {
        cleanup();
        outgoing.destroy();
        return;
      }
      outbound.push(() => writeNow(chunk, kind), chunk.length);
    };
    /** The end follows the events still on the way, as a FIN would. */
    const end = () => {
      outbound.push(() => {
        cleanup();
        outgoing.end();
      });
    };
    const registration = connections.register({
      clientId,
      transport: 'sse',
      ...(socket ? { socket } : {}),
      close: () => {
        // `retry:` tells EventSource how soon to come back (to the restarted server) before the stream ends.
        write(`retry: ${config.sseRetryMs}\n: server shutting down\n\n`);
        end();
      },
      kill: (mode) => {
        if (mode === 'clean') {
          end();
          return;
        }
        cleanup();
        socket?.resetAndDestroy();
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
          write(formatSseResume(outcome, baseCursor, config.sseHeartbeatMs), 'resume');
        },
        message: (message) => write(formatSseMessage(message), 'message'),
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
    stopHeartbeat = heartbeats.sse.add(() => {
      // The lab's stopHeartbeats: silence, so an idle timeout on the path can cut the stream.
      if (!lab.settings(clientId).stopHeartbeats) write(': heartbeat\n\n');
    });
    return RESPONSE_ALREADY_SENT;
  });
  return routes;
}
