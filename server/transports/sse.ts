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
import type { Socket } from 'node:net';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { type ChatMessage, type ResumeOutcome, SSE_RESUME_EVENT } from '../../protocol/messages.ts';
import type { FollowSink } from '../hub/hub.ts';
import { DelayLine, toClientDelay } from '../lab/delay-line.ts';
import type { KillMode, LiveConnection, Registration } from './connections.ts';
import type { ServerEnv, TransportDeps } from './deps.ts';
import { encodeOncePerMessage } from './encode-once.ts';
import { errorResponse, registrationRefused } from './errors.ts';
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

/** What the lab may do to a write: drop or cut a message, drop a resume; leave the rest alone. */
type WriteKind = 'message' | 'resume' | 'other';

/**
 * One open stream: the hub's sink, the registry's connection and the heartbeat's target at once. A class
 * rather than a dozen closures in the route, because its methods live once on the prototype, while each
 * closure (and its context) was paid again by every idle stream (benchmark goal 3, memory per connection).
 */
class SseStream implements FollowSink, LiveConnection {
  readonly transport = 'sse';
  readonly socket: Socket | undefined;
  ended = false;
  headersWritten = false;
  registration: Registration | null = null;
  unsubscribe: (() => void) | null = null;
  releasePresence: (() => void) | null = null;
  stopHeartbeat: (() => void) | null = null;
  /** The lab's delay line, made only when this client first has a delay: most streams never need one. */
  #outbound: DelayLine | null = null;

  constructor(
    readonly clientId: string,
    readonly outgoing: ServerResponse,
    readonly deps: TransportDeps,
  ) {
    this.socket = outgoing.socket ?? undefined;
  }

  cleanup(): void {
    if (this.ended) return;
    this.ended = true;
    this.#outbound?.close();
    this.stopHeartbeat?.();
    this.unsubscribe?.();
    this.releasePresence?.();
    this.registration?.release();
  }

  resume(outcome: ResumeOutcome, baseCursor: string): void {
    const { config } = this.deps;
    this.outgoing.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Reverse proxies (nginx) buffer responses unless told not to; a buffered stream is not a stream.
      'x-accel-buffering': 'no',
    });
    this.headersWritten = true;
    this.write(`retry: ${config.sseRetryMs}\n\n`);
    this.write(formatSseResume(outcome, baseCursor, config.sseHeartbeatMs), 'resume');
  }

  message(message: ChatMessage): void {
    this.write(formatSseMessage(message), 'message');
  }

  heartbeat(): void {
    // The lab's stopHeartbeats: silence, so an idle timeout on the path can cut the stream.
    if (!this.deps.lab.settings(this.clientId).stopHeartbeats) this.write(': heartbeat\n\n');
  }

  write(chunk: string, kind: WriteKind = 'other'): void {
    if (this.ended) return;
    // A reader that stopped reading makes this buffer grow; cut it before it costs everyone memory.
    // Its EventSource reconnects with Last-Event-ID and resumes from the last event it did read.
    const queued = this.outgoing.writableLength + (this.#outbound?.queuedBytes ?? 0);
    if (queued > this.deps.config.maxQueueBytes) {
      this.cleanup();
      this.outgoing.destroy();
      return;
    }
    this.#later(() => this.#writeNow(chunk, kind), chunk.length);
  }

  /** Ends the stream behind the events still on the way, as a FIN would. */
  end(): void {
    this.#later(() => {
      this.cleanup();
      this.outgoing.end();
    });
  }

  close(): void {
    // `retry:` tells EventSource how soon to come back (to the restarted server) before the stream ends.
    this.write(`retry: ${this.deps.config.sseRetryMs}\n: server shutting down\n\n`);
    this.end();
  }

  kill(mode: KillMode): void {
    if (mode === 'clean') {
      this.end();
      return;
    }
    this.cleanup();
    this.socket?.resetAndDestroy();
  }

  /** Runs `unit` through the lab's delay line, or at once when this client has no delay. */
  #later(unit: () => void, bytes = 0): void {
    if (!this.#outbound) {
      const path = toClientDelay(this.deps.lab.settings(this.clientId));
      if (path.delayMs === 0 && path.jitterMs === 0) {
        unit();
        return;
      }
      const { lab } = this.deps;
      const clientId = this.clientId;
      this.#outbound = new DelayLine(() => toClientDelay(lab.settings(clientId)));
    }
    this.#outbound.push(unit, bytes);
  }

  /** Writes now. `kind` says what the lab may do to it. */
  #writeNow(chunk: string, kind: WriteKind): void {
    if (this.ended) return;
    const { lab } = this.deps;
    const clientId = this.clientId;
    if (kind !== 'other' && lab.store.takeDrop(clientId)) {
      lab.report({ clientId, kind: 'dropped', transport: 'sse' });
      this.cleanup();
      this.socket?.resetAndDestroy();
      return;
    }
    if (kind === 'message' && lab.store.takeSseCut(clientId)) {
      // `id:` and `data:` arrive, the blank line never does: EventSource must not dispatch the event.
      lab.report({ clientId, kind: 'sse_cut', transport: 'sse' });
      this.outgoing.write(withoutDispatch(chunk));
      this.cleanup();
      this.outgoing.destroy();
      return;
    }
    this.outgoing.write(chunk);
  }
}

export function createSseRoutes(deps: TransportDeps): Hono<ServerEnv> {
  const { hub, connections, heartbeats } = deps;
  const routes = new Hono<ServerEnv>();
  routes.get('/:room/sse', async (c) => {
    const parsed = parseParticipant(c, c.req.header('last-event-id'));
    if (!parsed.ok) return parsed.response;
    const { room, clientId, name, since } = parsed.value;
    const outgoing: ServerResponse | undefined = c.env?.outgoing;
    if (!outgoing)
      return errorResponse(c, 500, 'internal', 'SSE needs the Node server (no raw response here)');

    const stream = new SseStream(clientId, outgoing, deps);
    stream.registration = connections.register(stream);
    if (!stream.registration) return registrationRefused(c, connections.isClosing, clientId);
    outgoing.once('close', () => stream.cleanup());

    try {
      stream.unsubscribe = await hub.follow(room, name, since, stream);
    } catch (error) {
      stream.cleanup();
      if (stream.headersWritten) {
        outgoing.destroy();
        return RESPONSE_ALREADY_SENT;
      }
      return cursorErrorResponse(c, error);
    }
    if (stream.ended) {
      // The client left while history was read.
      stream.unsubscribe();
      return RESPONSE_ALREADY_SENT;
    }
    stream.releasePresence = hub.presence.hold(room, name);
    stream.stopHeartbeat = heartbeats.sse.add(() => stream.heartbeat());
    return RESPONSE_ALREADY_SENT;
  });
  return routes;
}
