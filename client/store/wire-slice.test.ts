/**
 * The wire slice in the real store, against a scripted stand-in server (ws on a free port) that plays
 * both the inspector and the chat WebSocket: batching per frame, the ring cap, and the order of opening.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, type WebSocket as ServerSocket, WebSocketServer } from 'ws';
import type { WireEvent } from '../../protocol/inspect.ts';
import { useWirelab } from './index.ts';
import { MAX_WIRE_EVENTS } from './wire-ring.ts';

let wss: WebSocketServer;
const urls: string[] = [];
let onInspector: (socket: ServerSocket) => void = () => {};

beforeAll(async () => {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const origin = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  Object.assign(globalThis, { WebSocket: NodeWebSocket, location: { origin } });
  wss.on('connection', (socket, request) => {
    urls.push(request.url ?? '');
    if (request.url?.startsWith('/api/inspect')) onInspector(socket);
  });
});
afterEach(() => {
  useWirelab.getState().leave();
  urls.length = 0;
});
afterAll(async () => {
  for (const socket of wss.clients) socket.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
});

function wire(eventSeq: number): WireEvent {
  return {
    type: 'wire',
    eventSeq,
    client: 'tab',
    connId: 1,
    transport: 'polling',
    dir: eventSeq % 2 === 0 ? 'out' : 'in',
    atMs: 500 + eventSeq,
    unit: eventSeq % 2 === 0 ? 'http-response' : 'http-request',
    byteLength: 100,
    bytesBase64: '',
    truncated: false,
    layers: [],
    messageSeqs: [],
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('wire slice', () => {
  it('opens the inspector before the chat transport, and closes both on leave', async () => {
    useWirelab.getState().chooseTransport('websocket');
    useWirelab.getState().join('ada', 'room1');
    await until(() => urls.length === 2, 'two connections');
    expect(urls[0]).toMatch(/^\/api\/inspect\?client=/);
    expect(urls[1]).toMatch(/^\/api\/rooms\/room1\/ws\?/);
    expect(useWirelab.getState().inspectorStatus).toBe('open');

    useWirelab.getState().leave();
    expect(useWirelab.getState().inspectorStatus).toBe('closed');
    await until(() => wss.clients.size === 0, 'every socket closed');
  });

  it('applies a burst of events in a few frame-sized updates, not one per event', async () => {
    const burst = 300;
    onInspector = (socket) => {
      for (let seq = 1; seq <= burst; seq += 1) socket.send(JSON.stringify(wire(seq)));
    };
    let updates = 0;
    const unsubscribe = useWirelab.subscribe((state, previous) => {
      if (state.wireEvents !== previous.wireEvents) updates += 1;
    });
    const before = useWirelab.getState().wireEvents.length;
    await useWirelab.getState().openInspector();
    await until(() => useWirelab.getState().wireEvents.length === before + burst, 'the whole burst');
    unsubscribe();
    expect(updates).toBeLessThan(burst / 10);
    const state = useWirelab.getState();
    expect(state.wireUnitCounts['http-request']).toBe(burst / 2);
    expect(state.wireStartMs).toBe(501);
    useWirelab.getState().closeInspector();
  });

  it('keeps at most MAX_WIRE_EVENTS and skips what an earlier inspector already delivered', async () => {
    const total = MAX_WIRE_EVENTS + 200;
    onInspector = (socket) => {
      // A reopened inspector gets the server's replay from 1 again; only the new events may count.
      for (let seq = 1; seq <= total; seq += 1) socket.send(JSON.stringify(wire(seq)));
    };
    await useWirelab.getState().openInspector();
    await until(() => useWirelab.getState().wireEvents.at(-1)?.eventSeq === total, 'the last event', 10_000);
    const state = useWirelab.getState();
    expect(state.wireEvents).toHaveLength(MAX_WIRE_EVENTS);
    expect(state.wireEvents[0]?.eventSeq).toBe(total - MAX_WIRE_EVENTS + 1);
    // 300 from the previous test, then only seqs 301..total from this replay.
    expect(state.wireUnitCounts['http-request'] + state.wireUnitCounts['http-response']).toBe(total);
    useWirelab.getState().closeInspector();
  });
});
