/**
 * Where each server kind speaks each protocol. Ours is the real API (one room, `bench`; every connection
 * its own client id and the same user name, so presence announces one join, not one per connection);
 * the references take the same frames and bodies on short paths.
 */
import type { ServerKind } from '../processes.ts';

export interface Endpoints {
  ws(index: number): string;
  sse(index: number): string;
  longPoll(index: number, since: string): string;
  /** Answers `{ cursor }` at once. */
  poll(): string;
  publish(): string;
}

const ROOM = 'bench';
export const BENCH_NAME = 'bench';
const HOLD_MS = 3_600_000;

export function endpointsFor(kind: ServerKind, origin: string): Endpoints {
  if (kind === 'ours') {
    const base = `${origin}/api/rooms/${ROOM}`;
    const who = (index: number) => `client=c${index}&name=${BENCH_NAME}`;
    return {
      ws: (index) => `ws://${base}/ws?${who(index)}`,
      sse: (index) => `http://${base}/sse?${who(index)}`,
      longPoll: (index, since) =>
        `http://${base}/long-poll?${who(index)}&since=${encodeURIComponent(since)}&timeoutMs=${HOLD_MS}`,
      poll: () => `http://${base}/poll?client=poller&name=${BENCH_NAME}`,
      publish: () => `http://${base}/messages?client=publisher`,
    };
  }
  return {
    ws: () => `ws://${origin}/ws`,
    sse: () => `http://${origin}/sse`,
    longPoll: (_index, since) => `http://${origin}/long-poll?since=${encodeURIComponent(since)}`,
    poll: () => `http://${origin}/poll`,
    publish: () => `http://${origin}/publish`,
  };
}
