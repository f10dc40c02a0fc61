/**
 * The lab's faults against the page's real client transports, over a real server on a real port: while
 * a sender posts 500 messages, the receiver's connection is killed clean, killed with a reset, idles into
 * the simulated proxy's timeout, and loses deliveries; in the end it holds all 500, in order, once each.
 * Then a gap wider than the history: the resume says so instead of pretending.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '../../client/transports/types.ts';
import { createWebSocketTransport } from '../../client/transports/websocket.ts';
import type { LabKillRequest } from '../../protocol/lab.ts';
import { TRANSPORT_KINDS, type TransportKind } from '../../protocol/messages.ts';
import { type Config, DEFAULT_CONFIG } from '../config.ts';
import { type RunningServer, startServer } from '../server.ts';
import { chatTexts, FaultLog, kill, openProbe, type Probe, resetLab, setLab, until } from './test-lab.ts';

const MESSAGE_COUNT = 500;
/** The receiver's naive polling pace: slower than the idle timeout, as the page's 2 s default is. */
const POLL_INTERVAL_MS = 600;
const IDLE_TIMEOUT_MS = 500;
const DROPS = 3;

const CONFIG: Config = {
  ...DEFAULT_CONFIG,
  port: 0,
  staticDir: null,
  sendRatePerSecond: 10_000,
  sendBurst: 10_000,
  sseHeartbeatMs: 1_000,
  wsPingIntervalMs: 1_000,
  sseRetryMs: 50,
  presenceGraceMs: 200,
  shutdownGraceMs: 500,
};

let server: RunningServer;
const faults = new FaultLog();
const opened: Transport[] = [];
let counter = 0;

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

function ids(kind: TransportKind, what: string) {
  counter += 1;
  const suffix = `${counter}-${Math.random().toString(36).slice(2, 8)}`;
  return { room: `lab-${what}-${suffix}`, receiver: `${kind}-rx-${suffix}`, sender: `${kind}-tx-${suffix}` };
}

function receiver(kind: TransportKind, room: string, clientId: string, since: string | null = null): Probe {
  const probe = openProbe(kind, {
    room,
    clientId,
    name: 'rx',
    since,
    baseUrl: server.url,
    intervalMs: POLL_INTERVAL_MS,
    holdMs: 2_000,
    // Quick reconnects: the faults come one after another, and the backoff is tested elsewhere.
    reconnect: { baseDelayMs: 100, maxDelayMs: 1_000 },
  });
  opened.push(probe.transport);
  return probe;
}

/**
 * The sender: the page's WebSocket transport (acked sends), never faulted. A socket of its own, as a
 * second browser would have: HTTP sends from this process would share the receiver's keep-alive pool.
 */
function sender(baseUrl: string, room: string, clientId: string): Transport {
  const transport = createWebSocketTransport({ room, clientId, name: 'tx', since: null, baseUrl });
  transport.open();
  opened.push(transport);
  return transport;
}

/** Sends `count` numbered messages in order; `pause` holds it between two sends while set. */
function sendAll(
  transport: Transport,
  count: number,
  control: { sent: number; pause: Promise<void> | null },
) {
  return (async () => {
    for (let index = 1; index <= count; index += 1) {
      while (control.pause) await control.pause;
      await transport.send({ id: `msg-${index}-${transport.kind}`, text: `m${index}`, sentAtMs: Date.now() });
      control.sent = index;
      // About 2 ms a message on top of the round trip: the faults land in the middle of the stream.
      if (index % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
}

/**
 * A kill ends the connections the client has at that instant. A poller between two polls (or a
 * transport in its reconnect backoff) has none, and the kill rightly answers 0: under load that window
 * is wide enough to hit, so try again a few milliseconds later until one connection was there to kill.
 */
async function killWhenConnected(
  baseUrl: string,
  clientId: string,
  request: LabKillRequest,
): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const killed = await kill(baseUrl, clientId, request);
    if (killed > 0) return killed;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return 0;
}

describe.each(TRANSPORT_KINDS)('lab faults on %s', (kind) => {
  it(`the receiver gets all ${MESSAGE_COUNT} in order, once each, through kill clean, kill reset, an idle cut and ${DROPS} drops`, async () => {
    const { room, receiver: rx, sender: tx } = ids(kind, 'faults');
    const probe = receiver(kind, room, rx);
    await until(
      () => probe.resumes.length > 0 && probe.statuses.some((s) => s.change.status === 'open'),
      () => `${kind} receiver to open`,
    );
    const control: { sent: number; pause: Promise<void> | null } = { sent: 0, pause: null };
    const sending = sendAll(sender(server.url, room, tx), MESSAGE_COUNT, control);
    const received = () => chatTexts(probe).length;
    const state = () =>
      `sent ${control.sent}, received ${received()}, faults ${faults.forClient(rx)}, statuses ${JSON.stringify(probe.statuses.map((s) => s.change.status))}`;

    // 1. A clean kill a fifth of the way in.
    await until(() => control.sent >= 100, state);
    const killedClean = await killWhenConnected(server.url, rx, { mode: 'clean' });
    // 2. A reset at two fifths, once the receiver has caught up with something after the first kill.
    await until(() => control.sent >= 200 && received() > 100, state);
    const killedReset = await killWhenConnected(server.url, rx, { mode: 'reset' });

    // 3. The sender pauses, heartbeats stop, and the proxy cuts what idles.
    await until(() => received() >= 200, state);
    let resume = () => {};
    control.pause = new Promise((resolve) => {
      resume = resolve;
    });
    const idleCutsBefore = faults.count(rx, 'idle_cut');
    await setLab(server.url, rx, { idleTimeoutMs: IDLE_TIMEOUT_MS, stopHeartbeats: true });
    if (kind === 'polling') {
      // A naive poller holds no long-lived connection, so there is nothing for the proxy to time out.
      await new Promise((resolve) => setTimeout(resolve, 2 * IDLE_TIMEOUT_MS));
      expect(faults.count(rx, 'idle_cut')).toBe(idleCutsBefore);
    } else {
      await until(() => faults.count(rx, 'idle_cut') > idleCutsBefore, state, 5_000);
    }
    await resetLab(server.url, rx);
    control.pause = null;
    resume();

    // 4. The next deliveries are lost after the server committed them.
    await until(() => control.sent >= 300, state);
    await setLab(server.url, rx, { dropNext: DROPS });
    await until(() => faults.count(rx, 'dropped') >= DROPS, state);

    await sending;
    await until(() => received() >= MESSAGE_COUNT, state, 20_000);
    const expected = Array.from({ length: MESSAGE_COUNT }, (_, index) => `m${index + 1}`);
    expect(chatTexts(probe)).toEqual(expected);
    const seqs = probe.messages.map((message) => message.seq);
    expect(new Set(seqs).size, 'a message delivered twice').toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Every resume along the way was lossless: the faults cost time, never a message.
    expect(probe.resumes.every((r) => r.recovered)).toBe(true);
    expect(faults.count(rx, 'dropped')).toBe(DROPS);
    // A naive poller's connection is its keep-alive socket between polls (or a poll in flight): killed too.
    expect(killedClean).toBeGreaterThanOrEqual(1);
    expect(killedReset).toBeGreaterThanOrEqual(1);
    // The sender was never touched.
    expect(faults.count(tx, 'dropped') + faults.count(tx, 'killed') + faults.count(tx, 'idle_cut')).toBe(0);
    if (kind !== 'polling') {
      expect(probe.statuses.filter((s) => s.change.status === 'reconnecting').length).toBeGreaterThanOrEqual(
        4,
      );
    }
  }, 60_000);

  it('a gap wider than the history: the resume says recovered:false, window_exceeded', async () => {
    const small = await startServer({ ...CONFIG, historyLimit: 20, snapshotSize: 5 });
    try {
      const { room, receiver: rx, sender: tx } = ids(kind, 'gap');
      const probe = openProbe(kind, {
        room,
        clientId: rx,
        name: 'rx',
        since: null,
        baseUrl: small.url,
        intervalMs: 100,
        holdMs: 2_000,
      });
      opened.push(probe.transport);
      const send = sender(small.url, room, tx);
      await send.send({ id: 'seen', text: 'seen', sentAtMs: 0 });
      await until(
        () => chatTexts(probe).includes('seen'),
        () => `${kind} receiver to see the first message`,
      );
      // The receiver's way back takes 2 s (every request it sends is delayed), and its connection breaks.
      await setLab(small.url, rx, { delayToServerMs: 2_000 });
      await kill(small.url, rx, { mode: 'reset' });
      for (let index = 1; index <= 30; index += 1)
        await send.send({ id: `gap-${index}`, text: `gap ${index}`, sentAtMs: 0 });
      await setLab(small.url, rx, { delayToServerMs: 0 });
      await until(
        () => probe.resumes.some((r) => !r.recovered),
        () => `${kind} to report the lost window; resumes ${JSON.stringify(probe.resumes)}`,
      );
      expect(probe.resumes.find((r) => !r.recovered)).toMatchObject({
        recovered: false,
        reason: 'window_exceeded',
      });
      await until(
        () => chatTexts(probe).includes('gap 30'),
        () => `${kind} to get the snapshot's newest message`,
      );
      // The snapshot is the newest messages, not the lost middle.
      expect(chatTexts(probe)).not.toContain('gap 1');
    } finally {
      for (const transport of opened.splice(0)) transport.close();
      await small.shutdown();
    }
  }, 30_000);
});
