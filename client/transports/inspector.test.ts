/**
 * The inspector channel against a scripted stand-in server (ws on a free port): what the page relies on,
 * independent of the real capture layer. Node has no browser WebSocket, so ws's same-API client stands in.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket, type WebSocket as ServerSocket, WebSocketServer } from 'ws';
import type { WireEvent } from '../../protocol/inspect.ts';
import type { ClockEstimate } from './clock-sync.ts';
import { createInspector, type Inspector, type InspectorOptions, inspectorUrl } from './inspector.ts';
import type { StatusChange } from './types.ts';

Object.assign(globalThis, { WebSocket: NodeWebSocket });

interface Stub {
  baseUrl: string;
  urls: string[];
  sockets: ServerSocket[];
  received: unknown[];
  /** Called for each new connection, to script what the server says. */
  onConnection: (socket: ServerSocket, index: number) => void;
  close(): Promise<void>;
}

async function startStub(): Promise<Stub> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const stub: Stub = {
    baseUrl: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    urls: [],
    sockets: [],
    received: [],
    onConnection: () => {},
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of wss.clients) socket.terminate();
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (socket, request) => {
    stub.urls.push(request.url ?? '');
    stub.sockets.push(socket);
    socket.on('message', (data) => stub.received.push(JSON.parse(String(data))));
    stub.onConnection(socket, stub.sockets.length - 1);
  });
  return stub;
}

function wire(eventSeq: number, extra: Partial<WireEvent> = {}): WireEvent {
  return {
    type: 'wire',
    eventSeq,
    client: 'tab-1',
    connId: 1,
    transport: 'websocket',
    dir: 'out',
    atMs: 1000 + eventSeq,
    unit: 'ws-frame',
    byteLength: 10,
    bytesBase64: '',
    truncated: false,
    layers: [],
    messageSeqs: [],
    ...extra,
  };
}

const hello = {
  type: 'hello',
  client: 'tab-1',
  captureId: 'cap-1',
  maxUnitBytes: 4096,
  maxEventsPerClient: 2000,
};

async function until(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Probe {
  inspector: Inspector;
  events: WireEvent[];
  batches: number;
  statuses: StatusChange[];
  clocks: ClockEstimate[];
}

let stub: Stub;
const opened: Inspector[] = [];

beforeEach(async () => {
  stub = await startStub();
});
afterEach(async () => {
  for (const inspector of opened.splice(0)) inspector.close();
  await stub.close();
});

function start(extra: Partial<InspectorOptions> = {}): Probe {
  const inspector = createInspector({
    clientId: 'tab-1',
    baseUrl: stub.baseUrl,
    reconnect: { random: () => 0 },
    clockIntervalMs: 60_000,
    ...extra,
  });
  opened.push(inspector);
  const probe: Probe = { inspector, events: [], batches: 0, statuses: [], clocks: [] };
  inspector.onEvents((events) => {
    probe.batches += 1;
    probe.events.push(...events);
  });
  inspector.onStatus((change) => probe.statuses.push(change));
  inspector.onClock((estimate) => probe.clocks.push(estimate));
  inspector.open();
  return probe;
}

const seqs = (probe: Probe) => probe.events.map((event) => event.eventSeq);

describe('inspectorUrl', () => {
  it('upgrades the page origin to ws(s) and names the client', () => {
    expect(inspectorUrl('tab-1', 'http://localhost:8080').href).toBe(
      'ws://localhost:8080/api/inspect?client=tab-1',
    );
    expect(inspectorUrl('a b', 'https://lab.example').href).toBe('wss://lab.example/api/inspect?client=a+b');
  });
});

describe('createInspector', () => {
  it('delivers wire events in order, batched, and skips frames the schema refuses', async () => {
    stub.onConnection = (socket) => {
      socket.send(JSON.stringify(hello));
      socket.send(JSON.stringify(wire(1)));
      socket.send('not json');
      socket.send(JSON.stringify({ ...wire(2), unit: 'smoke-signal' }));
      socket.send(JSON.stringify(wire(3, { messageSeqs: [7] })));
    };
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const probe = start();
    const hellos: unknown[] = [];
    probe.inspector.onHello((h) => hellos.push(h));
    await until(() => probe.events.length === 2, 'two events');
    expect(seqs(probe)).toEqual([1, 3]);
    expect(probe.events[1]?.messageSeqs).toEqual([7]);
    expect(probe.inspector.lastEventSeq()).toBe(3);
    expect(probe.batches).toBeLessThanOrEqual(2);
    expect(hellos).toEqual([
      { client: 'tab-1', captureId: 'cap-1', maxUnitBytes: 4096, maxEventsPerClient: 2000 },
    ]);
    expect(stub.urls[0]).toBe('/api/inspect?client=tab-1');
    expect(probe.statuses.map((s) => s.status)).toEqual(['connecting', 'open']);
    expect(logged).toHaveBeenCalledTimes(2);
    logged.mockRestore();
  });

  it('reconnects after a drop and skips the replay of events it already has', async () => {
    stub.onConnection = (socket, index) => {
      socket.send(JSON.stringify(hello));
      const upTo = index === 0 ? 2 : 4;
      for (let seq = 1; seq <= upTo; seq += 1) socket.send(JSON.stringify(wire(seq)));
      if (index === 0) setTimeout(() => socket.close(1011, 'server hiccup'), 50);
    };
    const probe = start();
    await until(() => probe.events.length === 4, 'four events');
    await sleep(50);
    expect(seqs(probe)).toEqual([1, 2, 3, 4]);
    expect(stub.sockets).toHaveLength(2);
    expect(probe.statuses.map((s) => s.status)).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    expect(probe.statuses[2]).toMatchObject({ closeCode: 1011, error: 'closed with 1011: server hiccup' });
  });

  it('starts after afterEventSeq when the page already has earlier events', async () => {
    stub.onConnection = (socket) => {
      socket.send(JSON.stringify(hello));
      for (const seq of [4, 5, 6]) socket.send(JSON.stringify(wire(seq)));
    };
    const probe = start({ afterEventSeq: 5, captureId: 'cap-1' });
    await until(() => probe.events.length === 1, 'one event');
    await sleep(30);
    expect(seqs(probe)).toEqual([6]);
  });

  it('counts from the start again when the server restarted (a new captureId)', async () => {
    stub.onConnection = (socket, index) => {
      socket.send(JSON.stringify({ ...hello, captureId: index === 0 ? 'cap-1' : 'cap-2' }));
      const upTo = index === 0 ? 3 : 2;
      for (let seq = 1; seq <= upTo; seq += 1) socket.send(JSON.stringify(wire(seq)));
      if (index === 0) setTimeout(() => socket.close(1012, 'restarting'), 50);
    };
    const probe = start();
    await until(() => probe.events.length === 5, 'three events, then two from the restarted server');
    expect(seqs(probe)).toEqual([1, 2, 3, 1, 2]);
  });

  it('sends a burst of time requests after opening and recovers the server clock offset', async () => {
    // Both ends read the same performance clock, so the true offset is exactly what the stub adds.
    const trueOffsetMs = 5_000;
    stub.onConnection = (socket) => {
      socket.on('message', (data) => {
        const request = JSON.parse(String(data)) as { clientSentMs: number };
        socket.send(
          JSON.stringify({
            type: 'time',
            clientSentMs: request.clientSentMs,
            serverNowMs: performance.now() + trueOffsetMs,
          }),
        );
      });
    };
    const probe = start({ nowMs: () => performance.now(), clockBurstCount: 5, clockBurstSpacingMs: 20 });
    await until(() => stub.received.length === 5, 'five time requests');
    await until(() => probe.clocks.length > 0, 'a clock estimate');
    await sleep(100);
    expect(stub.received).toHaveLength(5);
    for (const frame of stub.received) expect(frame).toMatchObject({ type: 'time' });
    const best = probe.clocks.at(-1);
    expect(best).toBeDefined();
    if (!best) return;
    expect(Math.abs(best.offsetMs - trueOffsetMs)).toBeLessThanOrEqual(best.uncertaintyMs);
    expect(best.uncertaintyMs).toBe(best.roundTripMs / 2);
    // Only improvements are announced: each estimate has a smaller round trip than the one before.
    for (let i = 1; i < probe.clocks.length; i += 1) {
      expect(probe.clocks[i]?.roundTripMs).toBeLessThan(probe.clocks[i - 1]?.roundTripMs ?? 0);
    }
  });

  it('keeps asking for the time every interval after the burst', async () => {
    const probe = start({ clockBurstCount: 2, clockBurstSpacingMs: 10, clockIntervalMs: 80 });
    await until(() => stub.received.length >= 4, 'two requests after the burst');
    probe.inspector.close();
    const count = stub.received.length;
    await sleep(200);
    expect(stub.received.length).toBe(count);
  });

  it('close is idempotent, ends the socket and stops reconnecting', async () => {
    const probe = start();
    await until(() => probe.statuses.some((s) => s.status === 'open'), 'open');
    probe.inspector.close();
    probe.inspector.close();
    await until(() => stub.sockets[0]?.readyState === NodeWebSocket.CLOSED, 'the server side closed');
    await sleep(100);
    expect(stub.sockets).toHaveLength(1);
    expect(probe.statuses.map((s) => s.status)).toEqual(['connecting', 'open', 'closed']);
    probe.inspector.open();
    await sleep(50);
    expect(stub.sockets).toHaveLength(1);
  });

  it('gives up on a refusal that a reconnect would only repeat', async () => {
    stub.onConnection = (socket) => socket.close(1008, 'origin not allowed');
    const probe = start();
    await until(() => probe.statuses.some((s) => s.status === 'closed'), 'closed');
    await sleep(100);
    expect(stub.sockets).toHaveLength(1);
    expect(probe.statuses.at(-1)).toMatchObject({ status: 'closed', closeCode: 1008 });
  });

  it('drops a socket that stays silent and connects again', async () => {
    const probe = start({ livenessTimeoutMs: 100 });
    await until(() => stub.sockets.length === 2, 'a second connection', 2_000);
    expect(probe.statuses.map((s) => s.status)).toContain('reconnecting');
    expect(probe.statuses.find((s) => s.status === 'reconnecting')?.error).toMatch(/no frame/);
  });
});
