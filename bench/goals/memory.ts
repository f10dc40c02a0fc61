/**
 * Memory per idle connection (goal 3): RSS and heapUsed after GC, before and after opening N idle
 * connections of one transport, divided by N.
 */
import { cursorOf, fetchJson, keepAliveAgent, LongPolls, SseStreams } from '../load/http-peers.ts';
import { endpointsFor } from '../load/targets.ts';
import { WsPeers } from '../load/ws-peers.ts';
import { sleep, startCpuWindow } from '../stats.ts';
import { type Measured, type Subject, withServer } from './trial.ts';

export type IdleTransport = 'websocket' | 'sse' | 'long-poll';

const SETTLE_MS = 500;
const OPEN_TIMEOUT_MS = 120_000;

export function idleMemory(
  subject: Subject,
  transport: IdleTransport,
  connections: number,
): Promise<Measured> {
  return withServer(subject, async (server, release) => {
    const endpoints = endpointsFor(subject.kind, server.origin);
    const before = await server.probe(true);
    if (!before.gcExposed) throw new Error('the server child has no global.gc (--expose-gc)');
    const cpu = startCpuWindow();
    switch (transport) {
      case 'websocket': {
        const peers = await WsPeers.open(endpoints.ws, connections);
        release(() => peers.destroy());
        break;
      }
      case 'sse': {
        const streams = await SseStreams.open(endpoints.sse, connections);
        release(() => streams.destroy());
        break;
      }
      case 'long-poll': {
        const agent = keepAliveAgent();
        release(() => agent.destroy());
        const since = cursorOf(await fetchJson(agent, endpoints.poll()));
        const polls = new LongPolls(endpoints.longPoll);
        release(() => polls.destroy());
        await polls.start(connections, since);
        break;
      }
    }
    await server.waitForSubscribers(connections, OPEN_TIMEOUT_MS);
    const generatorCpu = cpu();
    await sleep(SETTLE_MS);
    const after = await server.probe(true);
    return {
      values: {
        rssBytesPerConnection: (after.rssBytes - before.rssBytes) / connections,
        heapBytesPerConnection: (after.heapUsedBytes - before.heapUsedBytes) / connections,
      },
      generatorCpu,
    };
  });
}
