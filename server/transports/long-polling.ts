/**
 * Long polling: GET /api/rooms/:room/long-poll is held until a message newer than `since` exists, the
 * timeout passes (then `messages` is empty), the client goes away, or the server shuts down (answered
 * at once, so no client waits on a dead server).
 *
 * The answer is written straight to Node's response, as SSE writes its events: the route returns as soon
 * as the wait is set up, so nothing of Hono's request pipeline (its Context, the middleware's suspended
 * frames) stays alive for the seconds a poll is held. A held poll is one HeldPoll object, a NewerWait in
 * the hub and a timer (benchmark goal 3). Hono still routes and validates, and refuses with its own
 * responses; the lab's answer-side faults (delay, drop, close after the answer) are applied here, because
 * the lab's middleware sees a response this route wrote itself only as already sent.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import type { NewerSink, NewerWait, ReadAnswer } from '../hub/hub.ts';
import { delayOnce, toClientDelay } from '../lab/delay-line.ts';
import { answerMayGo } from '../lab/http-faults.ts';
import type { KillMode, LiveConnection, Registration } from './connections.ts';
import type { ServerEnv, TransportDeps } from './deps.ts';
import { errorResponse, registrationRefused } from './errors.ts';
import { parseParticipant } from './params.ts';
import { cursorErrorResponse, pollBody } from './read.ts';

/** One held poll: the registry's connection and the hub's sink at once. */
class HeldPoll implements LiveConnection, NewerSink {
  readonly transport = 'long-polling';
  readonly socket: Socket | undefined;
  registration: Registration | null = null;
  releasePresence: (() => void) | null = null;
  wait: NewerWait | null = null;
  /** Asked to answer before the hub's wait existed (while history was read). */
  cancelled = false;
  /** The answer went out, or there is nobody left to answer. */
  ended = false;

  constructor(
    readonly clientId: string,
    readonly outgoing: ServerResponse,
    readonly deps: TransportDeps,
  ) {
    this.socket = outgoing.socket ?? undefined;
  }

  /**
   * Shutdown: answered now and the connection closed after it, so the client's next poll opens a new
   * connection (to the restarted server) instead of reusing one of the server that is going away.
   */
  close(): void {
    this.#closeAfterAnswer();
    this.cancel();
  }

  /** The lab's kill: answered now and the connection closed after it (clean), or an RST (reset). */
  kill(mode: KillMode): void {
    if (mode === 'reset') {
      this.release();
      this.socket?.resetAndDestroy();
      return;
    }
    this.#closeAfterAnswer();
    this.cancel();
  }

  /** Stop waiting; the hub answers with what it has (usually nothing new). */
  cancel(): void {
    this.cancelled = true;
    this.wait?.cancel();
  }

  /** The response closed before the answer: the client hung up. */
  gone(): void {
    this.release();
    this.cancel();
  }

  release(): void {
    if (this.ended) return;
    this.ended = true;
    this.releasePresence?.();
    this.registration?.release();
  }

  /** The hub's answer: through the lab's path to the client, then onto the wire. */
  answer(answer: ReadAnswer): void {
    if (this.ended) return;
    this.release();
    const body = JSON.stringify(pollBody(answer));
    const delayed = delayOnce(toClientDelay(this.deps.lab.settings(this.clientId)));
    if (delayed) void delayed.then(() => this.#write(body));
    else this.#write(body);
  }

  #closeAfterAnswer(): void {
    if (!this.outgoing.headersSent) this.outgoing.setHeader('connection', 'close');
  }

  #write(body: string): void {
    const { outgoing, socket } = this;
    if (socket?.destroyed || outgoing.writableEnded) return;
    if (!answerMayGo(this.deps.lab, this.clientId, outgoing, 'long-polling')) return;
    outgoing.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(body),
    });
    outgoing.end(body);
  }
}

export function createLongPollingRoutes(deps: TransportDeps): Hono<ServerEnv> {
  const { hub, config, connections } = deps;
  const routes = new Hono<ServerEnv>();
  routes.get('/:room/long-poll', async (c) => {
    const parsed = parseParticipant(c);
    if (!parsed.ok) return parsed.response;
    const { room, clientId, name, since } = parsed.value;

    const rawTimeout = c.req.query('timeoutMs');
    let timeoutMs = config.longPollTimeoutMs;
    if (rawTimeout !== undefined && rawTimeout !== '') {
      if (!/^[0-9]{1,9}$/.test(rawTimeout) || Number(rawTimeout) > config.longPollMaxTimeoutMs) {
        return errorResponse(
          c,
          400,
          'bad_request',
          `timeoutMs must be a whole number from 0 to ${config.longPollMaxTimeoutMs}`,
        );
      }
      timeoutMs = Number(rawTimeout);
    }
    const outgoing: ServerResponse | undefined = c.env?.outgoing;
    if (!outgoing)
      return errorResponse(c, 500, 'internal', 'long polling needs the Node server (no raw response here)');

    const poll = new HeldPoll(clientId, outgoing, deps);
    poll.registration = connections.register(poll);
    if (!poll.registration) return registrationRefused(c, connections.isClosing, clientId);
    // The response's close fires before the answer only when the client hung up.
    outgoing.once('close', () => poll.gone());
    poll.releasePresence = hub.presence.hold(room, name);
    try {
      poll.wait = await hub.holdForNewer(room, name, since, timeoutMs, poll);
    } catch (error) {
      poll.release();
      return cursorErrorResponse(c, error);
    }
    if (poll.cancelled) poll.wait.cancel();
    return RESPONSE_ALREADY_SENT;
  });
  return routes;
}
