/**
 * Auto against a real server, in the contract suite's style: WebSocket made to fail the ways networks
 * make it fail (nothing listening; a proxy that accepts the connection and never answers the handshake),
 * and Auto must end on the next transport with the chat working both ways and the cursor carried over.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { EventSource as NodeEventSource } from 'eventsource';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { ChatMessage, TransportKind } from '../../protocol/messages.ts';
import { DEFAULT_CONFIG } from '../../server/config.ts';
import { type RunningServer, startServer } from '../../server/server.ts';
import { updateLab } from '../lab/api.ts';
import { createAutoTransport } from './auto.ts';
import type { TransportAttempt } from './fallback.ts';
import { TRANSPORTS } from './index.ts';
import type { ResumeInfo, StatusChange, Transport, TransportFactory, TransportOptions } from './types.ts';

Object.assign(globalThis, { EventSource: NodeEventSource, WebSocket: NodeWebSocket });

let server: RunningServer;
/** Accepts TCP connections and never says a word: a proxy that swallows the upgrade. */
let blackHole: Server;
let blackHoleUrl: string;
const heldSockets = new Set<Socket>();
const opened: Transport[] = [];

beforeAll(async () => {
  server = await startServer({ ...DEFAULT_CONFIG, port: 0, staticDir: null, presenceGraceMs: 200 });
  blackHole = createServer((socket) => {
    heldSockets.add(socket);
    socket.on('close', () => heldSockets.delete(socket));
    socket.on('error', () => heldSockets.delete(socket));
  });
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  const address = blackHole.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  blackHoleUrl = `http://127.0.0.1:${address.port}`;
});
afterEach(() => {
  for (const transport of opened.splice(0)) transport.close();
});
afterAll(async () => {
  for (const socket of heldSockets) socket.destroy();
  await new Promise<void>((resolve) => blackHole.close(() => resolve()));
  await server.shutdown();
});

/** A real closed port: connection refused, as a firewall that rejects would answer. */
const REFUSED_URL = 'http://127.0.0.1:1';

function elsewhere(kind: TransportKind, baseUrl: string): TransportFactory {
  return (options) => TRANSPORTS[kind]({ ...options, baseUrl });
}

interface Probe {
  transport: Transport;
  messages: ChatMessage[];
  resumes: ResumeInfo[];
  statuses: StatusChange[];
  attempts: readonly TransportAttempt[];
}

let counter = 0;
function start(
  overrides: Partial<Record<TransportKind, TransportFactory>>,
  extra: Partial<TransportOptions> = {},
  attemptTimeoutMs = 4_000,
): Probe {
  counter += 1;
  const options: TransportOptions = {
    room: `auto-${counter}`,
    name: 'ada',
    clientId: `auto-client-${counter}`,
    since: null,
    baseUrl: server.url,
    ...extra,
  };
  const transport = createAutoTransport(
    { ...options, attemptTimeoutMs, reconnect: { baseDelayMs: 50 } },
    { ...TRANSPORTS, ...overrides },
  );
  opened.push(transport);
  const probe: Probe = { transport, messages: [], resumes: [], statuses: [], attempts: [] };
  transport.onMessage((message) => probe.messages.push(message));
  transport.onResume((resume) => probe.resumes.push(resume));
  transport.onStatus((change) => probe.statuses.push(change));
  transport.onAttempts?.((attempts) => {
    probe.attempts = attempts;
  });
  transport.open();
  return probe;
}

async function until(condition: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const texts = (probe: Probe) => probe.messages.filter((m) => m.kind === 'chat').map((m) => m.text);
const summary = (probe: Probe) => probe.attempts.map((a) => [a.kind, a.state]);

describe('auto transport', () => {
  it('takes the WebSocket when it works', async () => {
    const probe = start({});
    await until(() => probe.statuses.some((s) => s.status === 'open'), 'status open');
    expect(summary(probe)).toEqual([['websocket', 'connected']]);
  });

  it('falls back to SSE when the WebSocket fails before opening, and chats both ways', async () => {
    const probe = start({ websocket: elsewhere('websocket', REFUSED_URL) });
    await until(() => probe.statuses.some((s) => s.status === 'open'), 'status open');
    expect(summary(probe)).toEqual([
      ['websocket', 'failed'],
      ['sse', 'connected'],
    ]);
    expect(probe.attempts[0]?.reason).toBe('failed before opening (upgrade refused or blocked)');
    // Nothing the failed attempt did reached the page: one resume, from SSE.
    expect(probe.resumes).toHaveLength(1);
    expect(probe.statuses.map((s) => s.status)).toEqual(['connecting', 'open']);

    const ack = await probe.transport.send({ id: 'auto-sse-1', text: 'via the fallback', sentAtMs: 0 });
    await until(() => texts(probe).includes('via the fallback'), 'the echo over SSE');
    expect(probe.transport.cursor()).toBe(ack.cursor);
  });

  it('gives up on handshakes nobody answers after the timeout and ends on long polling', async () => {
    const probe = start(
      { websocket: elsewhere('websocket', blackHoleUrl), sse: elsewhere('sse', blackHoleUrl) },
      {},
      300,
    );
    await until(() => probe.statuses.some((s) => s.status === 'open'), 'status open');
    expect(summary(probe)).toEqual([
      ['websocket', 'failed'],
      ['sse', 'failed'],
      ['long-polling', 'connected'],
    ]);
    expect(probe.attempts[0]?.reason).toBe('did not open within 0.3 s');
    await probe.transport.send({ id: 'auto-lp-1', text: 'held and answered', sentAtMs: 0 });
    await until(() => texts(probe).includes('held and answered'), 'the echo over long polling');
  });

  it('carries the cursor across attempts: exactly what came after it, once', async () => {
    const room = `auto-cursor-${++counter}`;
    const writer = TRANSPORTS.websocket({
      room,
      name: 'bob',
      clientId: `w-${counter}`,
      since: null,
      baseUrl: server.url,
    });
    opened.push(writer);
    writer.open();
    const first = await writer.send({ id: 'c-1', text: 'one', sentAtMs: 0 });
    await writer.send({ id: 'c-2', text: 'two', sentAtMs: 0 });

    const probe = start({ websocket: elsewhere('websocket', REFUSED_URL) }, { room, since: first.cursor });
    await until(() => texts(probe).includes('two'), 'the message after the cursor');
    expect(probe.resumes).toEqual([expect.objectContaining({ recovered: true })]);
    await writer.send({ id: 'c-3', text: 'three', sentAtMs: 0 });
    await until(() => texts(probe).includes('three'), 'a live message');
    expect(texts(probe)).toEqual(['two', 'three']);
  });

  it('starts over with backoff when every transport fails, and queued sends wait for a connection', async () => {
    const probe = start({
      websocket: elsewhere('websocket', REFUSED_URL),
      sse: elsewhere('sse', REFUSED_URL),
      'long-polling': elsewhere('long-polling', REFUSED_URL),
    });
    await until(
      () => probe.statuses.some((s) => s.status === 'reconnecting'),
      'a pause after a failed round',
    );
    expect(probe.statuses.find((s) => s.status === 'reconnecting')).toMatchObject({
      error: 'no transport could connect',
      attempt: 1,
    });
    const send = probe.transport.send({ id: 'never', text: 'lost?', sentAtMs: 0 });
    probe.transport.close();
    await expect(send).rejects.toMatchObject({ code: 'transport_closed' });
  });

  it("ends on SSE when the server's lab blocks this client's upgrades (403, seen as 1006)", async () => {
    const clientId = `auto-blocked-${++counter}`;
    await updateLab({ clientId, baseUrl: server.url }, { blockUpgrade: true });
    const probe = start({}, { clientId });
    await until(() => probe.statuses.some((s) => s.status === 'open'), 'status open');
    expect(summary(probe)).toEqual([
      ['websocket', 'failed'],
      ['sse', 'connected'],
    ]);
    await probe.transport.send({ id: 'blocked-1', text: 'through the firewall', sentAtMs: 0 });
    await until(() => texts(probe).includes('through the firewall'), 'the echo over SSE');
  });
});

describe('websocket transport with the lab reshaping frames', () => {
  it.each([
    ['binary frames', { wsBinary: true }],
    ['fragmented frames', { wsFragmentBytes: 16 }],
    ['deflated frames', { wsDeflate: true }],
    ['all three', { wsBinary: true, wsFragmentBytes: 16, wsDeflate: true }],
  ] as const)('reads %s as the same messages', async (_, patch) => {
    const clientId = `ws-frames-${++counter}`;
    await updateLab({ clientId, baseUrl: server.url }, patch);
    const probe = start({}, { clientId });
    await until(() => probe.statuses.some((s) => s.status === 'open'), 'status open');
    const text = 'a message long enough to be cut into several fragments ✓';
    await probe.transport.send({ id: `frames-${counter}`, text, sentAtMs: 0 });
    await until(() => texts(probe).includes(text), 'the echo');
    expect(summary(probe)).toEqual([['websocket', 'connected']]);
  });
});
