/**
 * What heartbeats are for, shown with the lab's simulated proxy: with heartbeats stopped, a quiet
 * connection idles past the proxy's timeout and is cut, and the page's transport says so promptly; with
 * heartbeats on, the same proxy never cuts it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '../../client/transports/types.ts';
import { type Config, DEFAULT_CONFIG } from '../config.ts';
import { type RunningServer, startServer } from '../server.ts';
import { FaultLog, openProbe, type Probe, setLab, until } from './test-lab.ts';

const HEARTBEAT_MS = 2_000;
const IDLE_TIMEOUT_MS = 5_000;
/** Long enough for the proxy to have cut twice over if heartbeats did not keep the connection busy. */
const WATCH_MS = 12_000;

const CONFIG: Config = {
  ...DEFAULT_CONFIG,
  port: 0,
  staticDir: null,
  sseHeartbeatMs: HEARTBEAT_MS,
  wsPingIntervalMs: HEARTBEAT_MS,
  sseRetryMs: 200,
  presenceGraceMs: 200,
  shutdownGraceMs: 500,
};
const KINDS = ['websocket', 'sse'] as const;

let server: RunningServer;
const faults = new FaultLog();
const opened: Transport[] = [];

beforeAll(async () => {
  server = await startServer(CONFIG);
  server.lab.onFault(faults.record);
});
afterEach(() => {
  for (const transport of opened.splice(0)) transport.close();
});
afterAll(async () => {
  await server.shutdown();
});

async function openQuiet(
  kind: (typeof KINDS)[number],
  label: string,
): Promise<{ probe: Probe; clientId: string }> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const clientId = `${kind}-${label}-${suffix}`;
  const probe = openProbe(kind, {
    room: `heartbeats-${label}-${kind}-${suffix}`,
    clientId,
    name: 'quiet',
    since: null,
    baseUrl: server.url,
  });
  opened.push(probe.transport);
  await until(
    () =>
      probe.statuses.some((s) => s.change.status === 'open') && probe.messages.some((m) => m.kind === 'join'),
    () => `${kind} to open and see its own join`,
  );
  return { probe, clientId };
}

describe('heartbeats against a proxy idle timeout', () => {
  it(`stopped: the proxy cuts after ${IDLE_TIMEOUT_MS} ms, and the transport reports it within two heartbeats`, async () => {
    const opens = await Promise.all(KINDS.map((kind) => openQuiet(kind, 'off')));
    for (const { clientId } of opens) {
      await setLab(server.url, clientId, { stopHeartbeats: true, idleTimeoutMs: IDLE_TIMEOUT_MS });
    }
    const setAtMs = performance.now();
    await Promise.all(
      opens.map(async ({ probe, clientId }) => {
        await until(
          () => faults.count(clientId, 'idle_cut') > 0,
          () => `${probe.transport.kind} to be cut; faults ${faults.forClient(clientId)}`,
          IDLE_TIMEOUT_MS + 3_000,
        );
        const cut = faults.faults.find((fault) => fault.clientId === clientId && fault.kind === 'idle_cut');
        const cutAtMs = cut?.atMs ?? 0;
        // The proxy counts silence from when it started watching: not before the timeout.
        expect(cutAtMs - setAtMs).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 100);
        await until(
          () => probe.statuses.some((s) => s.atMs >= cutAtMs && s.change.status === 'reconnecting'),
          () => `${probe.transport.kind} to report the cut; statuses ${JSON.stringify(probe.statuses)}`,
          2 * HEARTBEAT_MS,
        );
        const reported = probe.statuses.find((s) => s.atMs >= cutAtMs && s.change.status === 'reconnecting');
        expect((reported?.atMs ?? Number.POSITIVE_INFINITY) - cutAtMs).toBeLessThanOrEqual(2 * HEARTBEAT_MS);
      }),
    );
  }, 20_000);

  it(`on: the same ${IDLE_TIMEOUT_MS} ms idle timeout never cuts over ${WATCH_MS / 1000} s`, async () => {
    const opens = await Promise.all(KINDS.map((kind) => openQuiet(kind, 'on')));
    for (const { clientId } of opens) await setLab(server.url, clientId, { idleTimeoutMs: IDLE_TIMEOUT_MS });
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    for (const { probe, clientId } of opens) {
      expect(faults.count(clientId, 'idle_cut'), probe.transport.kind).toBe(0);
      expect(probe.statuses.map((s) => s.change.status)).toEqual(['connecting', 'open']);
    }
  }, 20_000);
});
