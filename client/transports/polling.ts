/** Naive polling: ask every intervalMs whether anything new arrived; the server answers at once. */
import { createPollTransport } from './poll-loop.ts';
import type { Transport, TransportOptions } from './types.ts';

export const POLL_INTERVAL_MS = 2_000;
/** The server answers a poll at once; anything slower than this is a stuck connection. */
const POLL_REQUEST_TIMEOUT_MS = 10_000;

export interface PollingOptions extends TransportOptions {
  intervalMs?: number;
}

export function createPollingTransport(options: PollingOptions): Transport {
  return createPollTransport(options, {
    kind: 'polling',
    endpoint: 'poll',
    intervalMs: options.intervalMs ?? POLL_INTERVAL_MS,
    params: {},
    requestTimeoutMs: POLL_REQUEST_TIMEOUT_MS,
    openWhileWaiting: false,
  });
}
