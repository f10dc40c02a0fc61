/**
 * Long polling: the server holds each request until something newer than the cursor exists or the hold
 * times out; the next request goes out as soon as an answer arrives, so there is almost always one waiting.
 */
import { createPollTransport } from './poll-loop.ts';
import type { Transport, TransportOptions } from './types.ts';

/** How long we ask the server to hold a request (the server's default, said out loud on the wire). */
export const LONG_POLL_HOLD_MS = 25_000;
/** Past the hold plus this, the server or the path is dead: abort and reconnect. */
const LONG_POLL_GRACE_MS = 10_000;

export interface LongPollingOptions extends TransportOptions {
  holdMs?: number;
}

export function createLongPollingTransport(options: LongPollingOptions): Transport {
  const holdMs = options.holdMs ?? LONG_POLL_HOLD_MS;
  return createPollTransport(options, {
    kind: 'long-polling',
    endpoint: 'long-poll',
    intervalMs: 0,
    params: { timeoutMs: String(holdMs) },
    requestTimeoutMs: holdMs + LONG_POLL_GRACE_MS,
    openWhileWaiting: true,
  });
}
