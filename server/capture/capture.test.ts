/**
 * The wire capture end to end: a real server on a real port, a real chat over each transport with an
 * inspector attached, and the units the inspector streams checked against what was really sent.
 * Bytes are checked independently of protocol/wire (test-inspector.ts reads frames and bodies itself).
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WireEvent } from '../../protocol/inspect.ts';
import { PollResponse, type SendAck, WsServerFrame } from '../../protocol/messages.ts';
import { type Config, DEFAULT_CONFIG } from '../config.ts';
import { type RunningServer, startServer } from '../server.ts';
import { type ChatClient, ClientPool, newMessageId, waitFor } from '../transports/test-clients.ts';
import { tapSocket } from './socket-tap.ts';
import {
  bytesOf,
  describeEvents,
  groupByConnection,
  httpBodyText,
  InspectorClient,
  readFrame,
} from './test-inspector.ts';

// A pass-through spy: the real tap runs, and the test can see whether accept() tapped anything at all.
vi.mock('./socket-tap.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./socket-tap.ts')>();
  return { ...actual, tapSocket: vi.fn(actual.tapSocket) };
});

const MAX_EVENTS_PER_CLIENT = 50;
const MAX_UNIT_BYTES = 4096;
const CONFIG: Config = {
  ...DEFAULT_CONFIG,
  port: 0,
  staticDir: null,
  sendRatePerSecond: 1_000,
  sendBurst: 1_000,
  wsPingIntervalMs: 300,
  sseHeartbeatMs: 250,
  sseRetryMs: 50,
  shutdownGraceMs: 1_000,
  captureMaxEventsPerClient: MAX_EVENTS_PER_CLIENT,
  captureMaxUnitBytes: MAX_UNIT_BYTES,
};
const WAIT_MS = 5_000;
const PEER = /^127\.0\.0\.1:\d{1,5}$/;
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

let counter = 0;
function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

function text(event: WireEvent): string {
  return bytesOf(event).toString('latin1');
}

function field(event: WireEvent, name: string): string | number | boolean | undefined {
  for (const layer of event.layers) {
    const found = layer.fields.find((candidate) => candidate.name === name);
    if (found) return found.value;
  }
  return undefined;
}

function waitForText(client: ChatClient, wanted: string): Promise<void> {
  return waitFor(
    () => client.messages.some((message) => message.text === wanted),
    WAIT_MS,
    () => `${client.transport} client to receive "${wanted}"; it has ${client.messages.map((m) => m.text)}`,
  );
}

/** Sends each text with a known id, waiting for it to come back, so every exchange is on the wire. */
async function chat(client: ChatClient, texts: readonly string[]): Promise<Array<SendAck & { id: string }>> {
  const acks: Array<SendAck & { id: string }> = [];
  for (const sent of texts) {
    const id = newMessageId();
    acks.push({ ...(await client.send(sent, { id })), id });
    await waitForText(client, sent);
  }
  return acks;
}

describe('wire capture, a real chat over each transport with an inspector attached', () => {
  let server: RunningServer;
  const pool = new ClientPool();
  const inspectors: InspectorClient[] = [];
  const inspect = async (baseUrl: string, client: string) => {
    const inspector = await InspectorClient.open(baseUrl, client);
    inspectors.push(inspector);
    return inspector;
  };

  beforeAll(async () => {
    server = await startServer(CONFIG);
  });
  afterEach(async () => {
    await pool.closeAll();
    for (const inspector of inspectors) expect(inspector.errors, 'inspector frames off schema').toEqual([]);
    await Promise.all(inspectors.splice(0).map((inspector) => inspector.close()));
  });
  afterAll(async () => {
    await server.shutdown();
  });

  describe.each(['polling', 'long-polling'] as const)('%s', (kind) => {
    it('shows tcp-open, then each request and its response, linked to the seqs they carried', async () => {
      const client = unique(kind);
      const room = unique('room');
      const inspector = await inspect(server.url, client);
      const chatter = await pool.connect(kind, server.url, room, 'ada', { clientId: client });
      const acks = await chat(chatter, ['one', 'two', 'three']);
      const lastSeq = acks.at(-1)?.seq ?? 0;
      await inspector.waitForEvents(
        (events) =>
          events.some((event) => event.unit === 'http-response' && event.messageSeqs.includes(lastSeq)) &&
          events.filter((event) => event.transport === 'send' && event.unit === 'http-response').length === 3,
        'the poll answer carrying the last seq and all three POST answers',
      );
      await pool.closeAll();

      const endpoint = kind === 'polling' ? 'poll' : 'long-poll';
      const polledSeqs = new Set<number>();
      const postAnswers: Array<{ eventSeq: number; seq: number }> = [];
      const postBodies: Array<{ eventSeq: number; id: string; text: string }> = [];
      const groups = groupByConnection(inspector.events);
      expect(groups.size).toBeGreaterThan(0);
      for (const [connId, group] of groups) {
        const where = `connection ${connId}:\n  ${describeEvents(group)}`;
        const [open, ...units] = group;
        expect(open?.unit, where).toBe('tcp-open');
        expect(open?.peer, where).toMatch(PEER);
        expect(open?.byteLength, where).toBe(0);
        if (units.at(-1)?.unit === 'tcp-close') units.pop();
        for (let index = 0; index < units.length; index += 2) {
          const request = units[index];
          const response = units[index + 1];
          if (!request) break;
          const isSend = request.path === `/api/rooms/${room}/messages`;
          expect(request, where).toMatchObject({
            unit: 'http-request',
            dir: 'in',
            client,
            connId,
            transport: isSend ? 'send' : kind,
            path: isSend ? `/api/rooms/${room}/messages` : `/api/rooms/${room}/${endpoint}`,
            messageSeqs: [],
            truncated: false,
          });
          expect(
            text(request).startsWith(`${isSend ? 'POST' : 'GET'} ${request.path}?client=${client}`),
          ).toBe(true);
          expect(request.byteLength).toBe(bytesOf(request).length);
          expect(request.layers.length, 'a request has at least its head layer').toBeGreaterThan(0);
          if (isSend)
            postBodies.push({ eventSeq: request.eventSeq, ...JSON.parse(httpBodyText(bytesOf(request))) });
          // A request with no answer may only be the last: the one the client abandoned when it closed.
          if (!response) {
            expect(index, `${where}\nunanswered request before the end`).toBe(units.length - 1);
            break;
          }
          expect(response, where).toMatchObject({
            unit: 'http-response',
            dir: 'out',
            client,
            connId,
            path: request.path,
            transport: request.transport,
            truncated: false,
          });
          expect(response.eventSeq).toBeGreaterThan(request.eventSeq);
          expect(text(response).startsWith(isSend ? 'HTTP/1.1 201 ' : 'HTTP/1.1 200 ')).toBe(true);
          const body: unknown = JSON.parse(httpBodyText(bytesOf(response)));
          if (isSend) {
            const seq = (body as { seq: number }).seq;
            expect(response.messageSeqs, where).toEqual([seq]);
            postAnswers.push({ eventSeq: response.eventSeq, seq });
          } else {
            const poll = PollResponse.parse(body);
            expect(response.messageSeqs, where).toEqual(poll.messages.map((message) => message.seq));
            for (const message of poll.messages) polledSeqs.add(message.seq);
          }
        }
      }
      postBodies.sort((a, b) => a.eventSeq - b.eventSeq);
      expect(postBodies.map(({ id, text: sent }) => ({ id, text: sent }))).toEqual(
        acks.map((ack, index) => ({ id: ack.id, text: ['one', 'two', 'three'][index] })),
      );
      postAnswers.sort((a, b) => a.eventSeq - b.eventSeq);
      expect(postAnswers.map((answer) => answer.seq)).toEqual(acks.map((ack) => ack.seq));
      expect([...polledSeqs].sort((a, b) => a - b)).toEqual(chatter.messages.map((message) => message.seq));
    });
  });

  /** The SSE stream's connection: its units with the heartbeats set aside (checked on their own). */
  function sseStream(inspector: InspectorClient, room: string): WireEvent[] {
    const streams = [...inspector.byConnection().values()].filter((group) =>
      group.some((event) => event.path === `/api/rooms/${room}/sse`),
    );
    expect(streams, describeEvents(inspector.events)).toHaveLength(1);
    return streams[0] ?? [];
  }
  const isHeartbeat = (event: WireEvent) => text(event).includes(': heartbeat\n');

  it('sse: request, response head, then the retry event, the resume event and one event per message', async () => {
    const client = unique('sse');
    const room = unique('room');
    const inspector = await inspect(server.url, client);
    const chatter = await pool.connect('sse', server.url, room, 'ada', { clientId: client });
    const acks = await chat(chatter, ['one', 'two']);
    const lastSeq = acks.at(-1)?.seq ?? 0;
    await inspector.waitForEvents(
      (events) => events.some((event) => event.unit === 'sse-event' && event.messageSeqs.includes(lastSeq)),
      'the sse-event carrying the last seq',
    );
    await pool.closeAll();
    await inspector.waitForEvents(
      (events) => events.some((event) => event.unit === 'tcp-close' && event.transport === 'sse'),
      'the SSE connection to close',
    );

    const stream = sseStream(inspector, room).filter((event) => !isHeartbeat(event));
    const where = describeEvents(stream);
    const [open, request, head, retry, resume, ...rest] = stream;
    expect(open, where).toMatchObject({ unit: 'tcp-open', client });
    expect(open?.peer).toMatch(PEER);
    expect(request, where).toMatchObject({
      unit: 'http-request',
      dir: 'in',
      transport: 'sse',
      messageSeqs: [],
    });
    expect(request && text(request).startsWith(`GET /api/rooms/${room}/sse?client=${client}`)).toBe(true);
    expect(head, where).toMatchObject({
      unit: 'http-response',
      dir: 'out',
      transport: 'sse',
      messageSeqs: [],
    });
    expect(head && text(head)).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[\s\S]*content-type: text\/event-stream[\s\S]*\r\n\r\n$/i,
    );
    expect(retry, where).toMatchObject({ unit: 'sse-event', dir: 'out', messageSeqs: [] });
    expect(retry && text(retry)).toMatch(/^[0-9a-f]+\r\nretry: 50\n\n\r\n$/);
    expect(resume, where).toMatchObject({ unit: 'sse-event', dir: 'out', messageSeqs: [] });
    expect(resume && text(resume)).toContain('event: resume\n');
    const close = rest.pop();
    expect(close, where).toMatchObject({ unit: 'tcp-close', client });
    // One event per message, in order, each linked to the seq its data carries and named by its id: line.
    expect(rest.map((event) => event.unit)).toEqual(rest.map(() => 'sse-event'));
    expect(rest.map((event) => event.messageSeqs)).toEqual(chatter.messages.map((message) => [message.seq]));
    for (const [index, event] of rest.entries()) {
      const message = chatter.messages[index];
      expect(text(event)).toContain(`id: ${message?.cursor}\ndata: {"seq":${message?.seq},`);
      expect(event.layers.map((layer) => layer.name).join(' | ')).toMatch(/data line/);
    }
    expect(acks.every((ack) => chatter.messages.some((message) => message.seq === ack.seq))).toBe(true);
  });

  it('sse: a heartbeat comment is reported as an sse-comment unit', async () => {
    const client = unique('sse-heartbeat');
    const room = unique('room');
    const inspector = await inspect(server.url, client);
    await pool.connect('sse', server.url, room, 'ada', { clientId: client });
    await inspector.waitForEvents(
      (events) => events.filter(isHeartbeat).length >= 2,
      `two heartbeats (sseHeartbeatMs ${CONFIG.sseHeartbeatMs})`,
    );
    const heartbeats = inspector.events.filter(isHeartbeat);
    for (const heartbeat of heartbeats) {
      expect(text(heartbeat)).toMatch(/^[0-9a-f]+\r\n: heartbeat\n\n\r\n$/);
      expect(heartbeat, `heartbeat unit: ${describeEvents([heartbeat])}`).toMatchObject({
        unit: 'sse-comment',
        dir: 'out',
        transport: 'sse',
        messageSeqs: [],
      });
    }
  });

  it('websocket: handshake, masked client frames, unmasked server frames, ping/pong, close 1000', async () => {
    const client = unique('ws');
    const room = unique('room');
    const inspector = await inspect(server.url, client);
    const chatter = await pool.connect('websocket', server.url, room, 'ada', { clientId: client });
    const acks = await chat(chatter, ['one', 'two']);
    await inspector.waitForEvents(
      (events) => events.some((event) => event.ws?.opcode === 10),
      `a pong (wsPingIntervalMs ${CONFIG.wsPingIntervalMs})`,
    );
    await pool.closeAll();
    await inspector.waitForEvents(
      (events) => events.some((event) => event.unit === 'tcp-close'),
      'the WebSocket connection to close',
    );

    const groups = [...inspector.byConnection().values()];
    expect(groups, describeEvents(inspector.events)).toHaveLength(1);
    const events = groups[0] ?? [];
    const where = describeEvents(events);
    const [open, handshakeIn, handshakeOut] = events;
    expect(open, where).toMatchObject({ unit: 'tcp-open', client, transport: 'websocket' });
    expect(open?.peer).toMatch(PEER);
    expect(handshakeIn, where).toMatchObject({
      unit: 'ws-handshake',
      dir: 'in',
      path: `/api/rooms/${room}/ws`,
      transport: 'websocket',
    });
    expect(handshakeOut, where).toMatchObject({ unit: 'ws-handshake', dir: 'out', transport: 'websocket' });
    const key = /\r\nsec-websocket-key: ([^\r]+)\r\n/i.exec(handshakeIn ? text(handshakeIn) : '')?.[1];
    const accept = createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
    expect(handshakeOut && text(handshakeOut)).toMatch(/^HTTP\/1\.1 101 /);
    expect(handshakeOut && text(handshakeOut)).toContain(`Sec-WebSocket-Accept: ${accept}\r\n`);
    expect(events.at(-1), where).toMatchObject({ unit: 'tcp-close', client });

    const frames = events.slice(3, -1);
    const decoded = frames.map((frame) => ({ event: frame, raw: readFrame(bytesOf(frame)) }));
    for (const { event, raw } of decoded) {
      const line = describeEvents([event]);
      expect(event.unit, line).toBe('ws-frame');
      expect(event.truncated, line).toBe(false);
      expect(event.byteLength, line).toBe(raw.headerLength + raw.payloadLength);
      expect(event.ws, line).toMatchObject({
        fin: raw.fin,
        opcode: raw.opcode,
        payloadLength: raw.payloadLength,
      });
      // Clients always mask (RFC 6455 5.3) with a fresh 4-byte key; servers never do.
      if (event.dir === 'in') {
        expect(event.ws?.masked, line).toBe(true);
        expect(event.ws?.maskingKey, line).toMatch(/^[0-9a-f]{8}$/);
        expect(event.ws?.maskingKey, line).toBe(raw.maskingKey?.toString('hex'));
      } else {
        expect(event.ws?.masked, line).toBe(false);
        expect(event.ws?.maskingKey, line).toBeNull();
      }
      expect(field(event, 'FIN'), line).toBe(raw.fin);
      expect(String(field(event, 'Opcode')), line).toMatch(new RegExp(`^${raw.opcode} \\(`));
      expect(field(event, 'MASK'), line).toBe(raw.masked);
    }

    // Each send: the masked frame unmasks to exactly the JSON the client sent, then the server's ack and
    // message frames name its seq.
    for (const ack of acks) {
      const sentJson = JSON.stringify({ type: 'send', id: ack.id, text: ['one', 'two'][acks.indexOf(ack)] });
      const send = decoded.find(({ raw }) => raw.opcode === 1 && raw.payload.toString() === sentJson);
      expect(send, `a client frame carrying ${sentJson}\n${where}`).toBeDefined();
      expect(send?.event.dir).toBe('in');
      expect(send?.event.messageSeqs).toEqual([]);
      const ackFrame = decoded.find(({ event, raw }) => {
        const frame = event.dir === 'out' && raw.opcode === 1 ? JSON.parse(raw.payload.toString()) : null;
        return frame?.type === 'ack' && frame.id === ack.id;
      });
      expect(ackFrame?.event.messageSeqs, `the ack frame of ${ack.id}\n${where}`).toEqual([ack.seq]);
      expect(ackFrame?.event.eventSeq).toBeGreaterThan(send?.event.eventSeq ?? Number.POSITIVE_INFINITY);
    }
    const serverTexts = decoded.filter(({ event, raw }) => event.dir === 'out' && raw.opcode === 1);
    const messageSeqs: number[] = [];
    for (const { event, raw } of serverTexts) {
      const frame = WsServerFrame.parse(JSON.parse(raw.payload.toString()));
      const expected =
        frame.type === 'message' ? [frame.message.seq] : frame.type === 'ack' ? [frame.seq] : [];
      expect(event.messageSeqs, describeEvents([event])).toEqual(expected);
      if (frame.type === 'message') messageSeqs.push(frame.message.seq);
    }
    expect(messageSeqs).toEqual(chatter.messages.map((message) => message.seq));

    // A server ping (opcode 9), answered by a masked client pong (opcode 10) echoing its payload.
    const ping = decoded.find(({ raw }) => raw.opcode === 9);
    expect(ping?.event.dir, where).toBe('out');
    const pong = decoded.find(
      ({ event, raw }) => raw.opcode === 10 && event.eventSeq > (ping?.event.eventSeq ?? 0),
    );
    expect(pong?.event.dir, where).toBe('in');
    expect(pong?.raw.payload).toEqual(ping?.raw.payload);

    // The client closes with 1000, the server echoes 1000, and the connection ends.
    const closes = decoded.filter(({ raw }) => raw.opcode === 8);
    expect(
      closes.map(({ event }) => [event.dir, event.ws?.closeCode]),
      where,
    ).toEqual([
      ['in', 1000],
      ['out', 1000],
    ]);
    expect(closes[0]?.raw.payload.readUInt16BE(0)).toBe(1000);
    expect(closes.at(-1)?.event).toBe(frames.at(-1));
  });

  it("never captures the inspector's own bytes, nor a client nobody inspects", async () => {
    const watched = unique('watched');
    const unwatched = unique('unwatched');
    const room = unique('room');
    const inspector = await inspect(server.url, watched);
    const ada = await pool.connect('websocket', server.url, room, 'ada', { clientId: watched });
    const bob = await pool.connect('websocket', server.url, room, 'bob', { clientId: unwatched });
    const bobPolling = await pool.connect('polling', server.url, room, 'bob2', {
      clientId: `${unwatched}-p`,
    });
    const [bobAck] = await chat(bob, ['from bob']);
    await chat(bobPolling, ['from bob, polling']);
    await chat(ada, ['from ada']);
    await waitForText(ada, 'from bob, polling');
    // Ada's inspector shows bob's message arriving at ada (her socket), never bob's own connection.
    await inspector.waitForEvents(
      (events) =>
        events.some((event) => event.dir === 'out' && event.messageSeqs.includes(bobAck?.seq ?? -1)),
      "bob's message delivered on ada's socket",
    );
    await pool.closeAll();

    expect(server.recorder.keeps(unwatched)).toBe(false);
    expect(server.recorder.keeps(`${unwatched}-p`)).toBe(false);
    expect(inspector.events.every((event) => event.client === watched)).toBe(true);
    const all = [...inspector.events];
    // The inspector opened later for bob replays nothing: nothing of his was kept.
    const late = await inspect(server.url, unwatched);
    await sleep(200);
    expect(late.events, describeEvents(late.events)).toEqual([]);
    await late.close();

    all.push(...late.events);
    const inspectorPorts = new Set(inspectors.map((one) => String(one.localPort)));
    for (const event of all) {
      expect(event.path ?? '').not.toBe('/api/inspect');
      if (event.peer) expect(inspectorPorts.has(event.peer.split(':')[1] ?? '')).toBe(false);
    }
  });

  it('replays the ring to a late inspector with eventSeq continuity, capped at captureMaxEventsPerClient', async () => {
    const client = unique('replay');
    const room = unique('room');
    const first = await inspect(server.url, client);
    expect(first.hello).toMatchObject({ client, maxEventsPerClient: MAX_EVENTS_PER_CLIENT });
    const chatter = await pool.connect('websocket', server.url, room, 'ada', { clientId: client });
    await chat(chatter, ['a', 'b']);
    await first.waitForEvents((events) => events.length >= 8, 'the first exchanges');

    // A second inspector: its replay is exactly what the first saw, then both see the same live events.
    const second = await inspect(server.url, client);
    const seen = first.events.length;
    await second.waitForEvents((events) => events.length >= seen, `a replay of ${seen} events`);
    expect(second.events.slice(0, seen)).toEqual(first.events.slice(0, seen));
    expect(first.events.map((event) => event.eventSeq)).toEqual(first.events.map((_, index) => index + 1));
    await chat(chatter, ['c']);
    await second.waitForEvents(
      (events) => events.length >= first.events.length,
      'the live events the first inspector has',
    );
    expect(second.events.slice(0, first.events.length)).toEqual(first.events);

    // Past the cap: a third inspector replays only the last MAX_EVENTS_PER_CLIENT, contiguous.
    const texts = Array.from({ length: 25 }, (_, index) => `burst ${index}`);
    await Promise.all(texts.map((sent) => chatter.send(sent)));
    await waitForText(chatter, 'burst 24');
    await pool.closeAll();
    await first.waitForEvents((events) => events.some((event) => event.unit === 'tcp-close'), 'the close');
    const total = first.events.length;
    expect(total).toBeGreaterThan(MAX_EVENTS_PER_CLIENT + 20);
    expect(first.events.at(-1)?.eventSeq).toBe(total);
    const third = await inspect(server.url, client);
    await third.waitForEvents((events) => events.length >= MAX_EVENTS_PER_CLIENT, 'a full ring replay');
    await sleep(100);
    expect(third.events).toHaveLength(MAX_EVENTS_PER_CLIENT);
    expect(third.events).toEqual(first.events.slice(-MAX_EVENTS_PER_CLIENT));
    expect(third.events[0]?.eventSeq).toBe(total - MAX_EVENTS_PER_CLIENT + 1);
  });

  it('reports a 60 KiB message as truncated units: the first captureMaxUnitBytes bytes, the full length', async () => {
    const client = unique('big');
    const room = unique('room');
    const inspector = await inspect(server.url, client);
    expect(inspector.hello?.maxUnitBytes).toBe(MAX_UNIT_BYTES);
    const chatter = await pool.connect('websocket', server.url, room, 'ada', { clientId: client });
    const big = 'x'.repeat(60 * 1024);
    const [ack] = await chat(chatter, [big]);
    await inspector.waitForEvents(
      (events) => events.filter((event) => event.messageSeqs.includes(ack?.seq ?? -1)).length >= 2,
      'the big message and its ack',
    );

    const sentJson = JSON.stringify({ type: 'send', id: ack?.id, text: big });
    const frames = inspector.events.filter((event) => event.unit === 'ws-frame');
    const inFrame = frames.find((event) => event.dir === 'in' && (event.ws?.payloadLength ?? 0) > 60 * 1024);
    const where = describeEvents(inspector.events);
    expect(inFrame, where).toBeDefined();
    if (!inFrame) return;
    // 16-bit extended length, so 2 + 2 + 4 (key) header bytes.
    expect(inFrame.ws?.payloadLength).toBe(Buffer.byteLength(sentJson));
    expect(inFrame.byteLength).toBe(8 + Buffer.byteLength(sentJson));
    expect(inFrame.truncated).toBe(true);
    const kept = bytesOf(inFrame);
    expect(kept.length).toBe(MAX_UNIT_BYTES);
    const raw = readFrame(kept);
    expect(raw.payloadLength).toBe(Buffer.byteLength(sentJson));
    expect(raw.payload.toString('latin1')).toBe(sentJson.slice(0, MAX_UNIT_BYTES - 8));
    expect(inFrame.messageSeqs).toEqual([]);

    const outFrame = frames.find(
      (event) => event.dir === 'out' && (event.ws?.payloadLength ?? 0) > 60 * 1024,
    );
    expect(outFrame, where).toMatchObject({ truncated: true, messageSeqs: [ack?.seq] });
    expect(outFrame && bytesOf(outFrame).length).toBe(MAX_UNIT_BYTES);
    expect(outFrame?.byteLength).toBe(4 + (outFrame?.ws?.payloadLength ?? 0));
    for (const event of inspector.events)
      expect(bytesOf(event).length, describeEvents([event])).toBeLessThanOrEqual(MAX_UNIT_BYTES);
  });
});

describe('wire capture off: no inspector, no tap', () => {
  let server: RunningServer;
  const pool = new ClientPool();
  let inspector: InspectorClient | null = null;

  beforeAll(async () => {
    server = await startServer({ ...CONFIG, wsPingIntervalMs: 60_000 });
  });
  afterAll(async () => {
    await pool.closeAll();
    await inspector?.close();
    await server.shutdown();
  });

  it('accepts sockets without tapping them, and what it did not tap stays unseen after an inspector opens', async () => {
    const tapped = vi.mocked(tapSocket);
    const client = unique('untapped');
    const room = unique('room');
    const before = tapped.mock.calls.length;
    expect(server.recorder.isCapturing).toBe(false);
    const ws = await pool.connect('websocket', server.url, room, 'ada', { clientId: client });
    const polling = await pool.connect('polling', server.url, room, 'bob', { clientId: `${client}-p` });
    await chat(ws, ['one']);
    await chat(polling, ['two']);
    expect(tapped.mock.calls.length - before, 'sockets tapped while capture was off').toBe(0);

    // Now an inspector for the WebSocket's client: that socket was accepted untapped, so it stays unseen.
    inspector = await InspectorClient.open(server.url, client);
    expect(server.recorder.isCapturing).toBe(true);
    await chat(ws, ['three']);
    await sleep(200);
    expect(inspector.events, describeEvents(inspector.events)).toEqual([]);
    // A connection accepted from now on is tapped: the same client's next socket is seen from its first byte.
    const again = await pool.connect('websocket', server.url, room, 'ada', { clientId: client });
    await chat(again, ['four']);
    expect(tapped.mock.calls.length - before).toBeGreaterThan(0);
    await inspector.waitForEvents(
      (events) => events[0]?.unit === 'tcp-open' && events[1]?.unit === 'ws-handshake',
      "the new socket's open and handshake",
    );
  });
});

describe('wire capture, an inspector reconnecting to a full ring of large units', () => {
  let server: RunningServer;
  const pool = new ClientPool();
  const inspectors: InspectorClient[] = [];

  beforeAll(async () => {
    // Default caps (2000 events per client, 4 KiB per unit, 1 MiB inspector queue): what users run.
    server = await startServer({
      ...CONFIG,
      captureMaxEventsPerClient: DEFAULT_CONFIG.captureMaxEventsPerClient,
      // Server and clients share this process, which is busy parsing megabytes of events here: a 300 ms
      // ping would terminate a chat socket whose pong is merely late.
      wsPingIntervalMs: DEFAULT_CONFIG.wsPingIntervalMs,
    });
  });
  afterAll(async () => {
    await pool.closeAll();
    await Promise.all(inspectors.map((inspector) => inspector.close()));
    await server.shutdown();
  });

  it('keeps an inspector that stops reading without queueing for it: it resumes from the ring', async () => {
    const client = unique('paused');
    const inspector = await InspectorClient.open(server.url, client);
    inspectors.push(inspector);
    const chatter = await pool.connect('websocket', server.url, unique('room'), 'ada', { clientId: client });
    inspector.pause();
    const text = 'p'.repeat(8 * 1024);
    // 750 messages of 8 KiB are 2,250 units of ~10 KB of JSON: ~22 MB, past the kernel buffers, the pump's
    // high-water mark and even the ring (2,000 events); a server that queued per inspector would hold it all.
    for (let batch = 0; batch < 75; batch += 1)
      await Promise.all(Array.from({ length: 10 }, () => chatter.send(text)));
    await chat(chatter, ['still chatting']);
    expect(server.connections.countFor(client), 'the paused inspector stays connected').toBe(2);
    const newest = server.recorder.eventsFrom(client, 1, Number.MAX_SAFE_INTEGER).at(-1)?.eventSeq ?? 0;
    inspector.resume();
    await inspector.waitForEvents(
      (events) => events.some((event) => event.eventSeq === newest),
      'the resumed inspector to reach the newest event',
    );
    expect(inspector.closeEvent).toBeNull();
    const seqs = inspector.events.map((event) => event.eventSeq);
    // Every event came at most once and in order (the kernel's socket buffers may have held many of them;
    // anything the ring dropped meanwhile is skipped, never queued on the server for this reader).
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  }, 30_000);

  it('gets the whole replay, not cut as a slow reader while it reads', async () => {
    const client = unique('full-ring');
    const first = await InspectorClient.open(server.url, client);
    inspectors.push(first);
    const chatter = await pool.connect('websocket', server.url, unique('room'), 'ada', { clientId: client });
    // 700 messages of 8 KiB: a send, a message and an ack frame each, so the ring fills with 2000 units
    // of about 10 KB of JSON each (the page's replay is ~20 MB).
    const text = 'z'.repeat(8 * 1024);
    for (let batch = 0; batch < 14; batch += 1)
      await Promise.all(Array.from({ length: 50 }, () => chatter.send(text)));
    await first.waitForEvents((events) => events.length >= 2100, 'the first inspector to see 2100 events');
    const ring = first.events.slice(-DEFAULT_CONFIG.captureMaxEventsPerClient);

    // A page that reloads: it reads as fast as it can while the replay (~20 MB) is paced by the pump.
    const late = await InspectorClient.open(server.url, client);
    inspectors.push(late);
    await waitFor(
      () => late.events.length >= ring.length || late.closeEvent !== null,
      10_000,
      () => `the replay of ${ring.length} events (got ${late.events.length})`,
    );
    expect(
      late.closeEvent,
      `the reloaded inspector was closed after ${late.events.length} of ${ring.length} replayed events`,
    ).toBeNull();
    expect(late.events.slice(0, ring.length)).toEqual(ring);
  }, 20_000);
});
