/**
 * The other frame kinds, captured for real: compressed (permessage-deflate, context takeover),
 * fragmented, binary, and closes with their codes. The bytes come from a real `ws` pair on a real port
 * (the chat route does not compress or fragment on its own); its sockets are tapped by the real
 * server's recorder, and the events are read through a real inspector socket, as the page reads them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { WireEvent } from '../../protocol/inspect.ts';
import { type Config, DEFAULT_CONFIG } from '../config.ts';
import { type RunningServer, startServer } from '../server.ts';
import { waitFor } from '../transports/test-clients.ts';
import { bytesOf, describeEvents, InspectorClient, readFrame } from './test-inspector.ts';

const CONFIG: Config = {
  ...DEFAULT_CONFIG,
  port: 0,
  staticDir: null,
  wsPingIntervalMs: 60_000,
  shutdownGraceMs: 1_000,
  captureMaxUnitBytes: 4096,
};
const WAIT_MS = 5_000;

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

interface Pair {
  client: WebSocket;
  server: WebSocket;
}

/** A `ws` server whose accepted sockets the real server's recorder taps, as it taps its own. */
class PairServer {
  readonly #http: Server;
  readonly #plain = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly #deflate = new WebSocketServer({ noServer: true, perMessageDeflate: { threshold: 0 } });
  readonly #waiting = new Map<string, (socket: WebSocket) => void>();

  constructor(running: RunningServer) {
    this.#http = createServer();
    this.#http.on('connection', (socket) => running.recorder.accept(socket));
    this.#http.on('upgrade', (request, socket, head) => {
      const url = new URL(request.url ?? '/', 'http://pair.invalid');
      const client = url.searchParams.get('client') ?? '';
      const wss = url.searchParams.get('deflate') === '1' ? this.#deflate : this.#plain;
      wss.handleUpgrade(request, socket, head, (ws) => this.#waiting.get(client)?.(ws));
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.#http.listen(0, '127.0.0.1', resolve));
  }

  async open(clientId: string, deflate: boolean): Promise<Pair> {
    const { port } = this.#http.address() as AddressInfo;
    const server = new Promise<WebSocket>((resolve) => this.#waiting.set(clientId, resolve));
    const client = new WebSocket(
      `ws://127.0.0.1:${port}/api/rooms/lab/ws?client=${clientId}&deflate=${deflate ? 1 : 0}`,
      { perMessageDeflate: deflate ? { threshold: 0 } : false },
    );
    client.on('error', () => {});
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    return { client, server: await server };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#http.close(() => resolve()));
  }
}

const chatJson = (seq: number, text: string) =>
  JSON.stringify({ type: 'message', message: { seq, epoch: 'e', text } });

function frames(events: readonly WireEvent[], dir: 'in' | 'out'): WireEvent[] {
  return events.filter((event) => event.unit === 'ws-frame' && event.dir === dir);
}

function fieldValue(event: WireEvent | undefined, name: string) {
  return event?.layers.flatMap((layer) => layer.fields).find((field) => field.name === name)?.value;
}

function received(socket: WebSocket, count: number): Promise<Buffer[]> {
  const got: Buffer[] = [];
  return new Promise((resolve) => {
    socket.on('message', (data: Buffer) => {
      got.push(data);
      if (got.length === count) resolve(got);
    });
  });
}

describe('wire capture of compressed, fragmented, binary and close frames', () => {
  let running: RunningServer;
  let pairs: PairServer;
  const inspectors: InspectorClient[] = [];
  const sockets: WebSocket[] = [];

  async function setUp(deflate: boolean) {
    const clientId = unique('frames');
    const inspector = await InspectorClient.open(running.url, clientId);
    inspectors.push(inspector);
    const pair = await pairs.open(clientId, deflate);
    sockets.push(pair.client, pair.server);
    return { inspector, ...pair };
  }

  beforeAll(async () => {
    running = await startServer(CONFIG);
    pairs = new PairServer(running);
    await pairs.listen();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    for (const inspector of inspectors) expect(inspector.errors).toEqual([]);
    await Promise.all(inspectors.splice(0).map((inspector) => inspector.close()));
  });
  afterAll(async () => {
    await pairs.close();
    await running.shutdown();
  });

  it('permessage-deflate: says what was negotiated, inflates each message with the shared window, links seqs', async () => {
    const { inspector, client, server } = await setUp(true);
    const sent = [
      chatJson(1, 'hello, compressed wire'),
      chatJson(2, 'hello, compressed wire'),
      chatJson(3, 'é ✓'),
    ];
    const got = received(client, sent.length);
    for (const text of sent) server.send(text);
    const fromClient = JSON.stringify({ type: 'send', id: 'm1', text: 'compressed by the browser side' });
    const serverGot = received(server, 1);
    client.send(fromClient);
    await Promise.all([got, serverGot]);
    await inspector.waitForEvents(
      (events) => frames(events, 'out').length >= 3 && frames(events, 'in').length >= 1,
      'three compressed server frames and one client frame',
    );
    const where = describeEvents(inspector.events);
    const answer = inspector.events.find((event) => event.unit === 'ws-handshake' && event.dir === 'out');
    expect(bytesOf(answer as WireEvent).toString('latin1')).toMatch(
      /Sec-WebSocket-Extensions: permessage-deflate/i,
    );
    expect(answer?.layers.map((layer) => layer.name)).toContain('Negotiated extensions');

    const out = frames(inspector.events, 'out');
    expect(
      out.map((event) => [event.ws?.rsv1, event.ws?.opcode, event.messageSeqs]),
      where,
    ).toEqual([
      [true, 1, [1]],
      [true, 1, [2]],
      [true, 1, [3]],
    ]);
    for (const [index, event] of out.entries()) {
      expect(event.error, where).toBeUndefined();
      expect(event.wsMessage).toMatchObject({
        compressed: true,
        text: sent[index],
        dataLength: Buffer.byteLength(sent[index] ?? ''),
        wireLength: event.ws?.payloadLength,
        deflate: { contextTakeover: true, windowBits: 15 },
      });
      // The compressed bytes are the frame's payload, read independently of protocol/wire.
      const raw = readFrame(bytesOf(event));
      expect(Buffer.from(event.wsMessage?.wireBase64 ?? '', 'base64').equals(raw.payload)).toBe(true);
      expect(raw.payload.toString('latin1')).not.toContain('hello');
      expect(fieldValue(event, 'Inflated message (UTF-8 text)')).toBe(sent[index]);
      expect(event.wsMessage?.deflate?.blocks.at(-1)).toEqual({
        kind: 'stored',
        final: false,
        outputBytes: 0,
      });
    }
    // Context takeover: the repeat copies from the first message's window, so it is far smaller.
    expect(out[1]?.ws?.payloadLength ?? 0).toBeLessThan((out[0]?.ws?.payloadLength ?? 0) / 2);

    const [inFrame] = frames(inspector.events, 'in');
    expect(inFrame?.ws).toMatchObject({ rsv1: true, masked: true, opcode: 1 });
    expect(inFrame?.wsMessage).toMatchObject({ compressed: true, text: fromClient });
  });

  it('fragmentation: each frame knows its message and place; the last one carries the message and its seq', async () => {
    for (const deflate of [false, true]) {
      const { inspector, client, server } = await setUp(deflate);
      const json = chatJson(4321, 'split across frames');
      const cut = json.indexOf('43') + 1;
      const got = received(client, 1);
      server.send(json.slice(0, cut), { fin: false });
      server.ping('between');
      server.send(json.slice(cut, cut + 10), { fin: false });
      server.send(json.slice(cut + 10), { fin: true });
      expect((await got)[0]?.toString()).toBe(json);
      await inspector.waitForEvents((events) => frames(events, 'out').length >= 4, 'four server frames');
      const out = frames(inspector.events, 'out');
      const where = describeEvents(out);
      expect(
        out.map((event) => [
          event.ws?.fin,
          event.ws?.opcode,
          event.ws?.rsv1,
          event.ws?.fragment,
          event.messageSeqs,
        ]),
        where,
      ).toEqual([
        [false, 1, deflate, 1, []],
        [true, 9, false, undefined, []],
        [false, 0, false, 2, []],
        [true, 0, false, 3, [4321]],
      ]);
      const data = out.filter((event) => event.ws?.opcode !== 9);
      expect(new Set(data.map((event) => event.ws?.messageIndex)).size).toBe(1);
      const last = data.at(-1);
      expect(last?.wsMessage, where).toMatchObject({
        opcode: 1,
        compressed: deflate,
        text: json,
        frameIndexes: data.map((event) => event.ws?.frameIndex),
      });
      expect(fieldValue(last, 'Fragment')).toBe('3 of 3 (last)');
      expect(fieldValue(data[0], 'Fragment')).toBe('1 (more follow)');
      expect(last?.error).toBeUndefined();
    }
  });

  it('binary frames: hex, plus the text when the bytes are UTF-8; seqs found in binary JSON', async () => {
    const { inspector, client, server } = await setUp(false);
    const got = received(client, 2);
    server.send(Buffer.from(chatJson(77, 'as binary')), { binary: true });
    server.send(Buffer.from([0xff, 0x00, 0xfe, 0x01]), { binary: true });
    await got;
    await inspector.waitForEvents((events) => frames(events, 'out').length >= 2, 'two binary frames');
    const [json, bytes] = frames(inspector.events, 'out');
    expect(json?.ws?.opcode).toBe(2);
    expect(json?.messageSeqs).toEqual([77]);
    expect(fieldValue(json, 'Payload read as UTF-8')).toBe(chatJson(77, 'as binary'));
    expect(fieldValue(bytes, 'Payload')).toBe('ff 00 fe 01');
    expect(fieldValue(bytes, 'Payload read as UTF-8')).toBeUndefined();
  });

  it.each([
    [1000, 'done'],
    [1001, 'going away'],
    [1008, 'policy'],
    [1009, 'too big'],
    [1011, 'oops'],
    [1012, 'restarting'],
    [4001, 'slow reader'],
  ])('close %i: the code, its meaning and the reason, from both sides', async (code, reason) => {
    const { inspector, client, server } = await setUp(false);
    const closed = new Promise<number>((resolve) => client.once('close', resolve));
    server.close(code, reason);
    expect(await closed).toBe(code);
    await inspector.waitForEvents(
      (events) => events.some((event) => event.unit === 'tcp-close'),
      'the close',
    );
    const where = describeEvents(inspector.events);
    const closes = inspector.events.filter((event) => event.ws?.opcode === 8);
    expect(
      closes.map((event) => [event.dir, event.ws?.closeCode]),
      where,
    ).toEqual([
      ['out', code],
      ['in', code],
    ]);
    expect(fieldValue(closes[0], 'Close reason')).toBe(reason);
    expect(String(fieldValue(closes[0], 'Close code'))).toBe(String(code));
    const meaning = closes[0]?.layers
      .flatMap((layer) => layer.fields)
      .find((field) => field.name === 'Close code')?.meaning;
    expect(meaning).toMatch(code >= 4000 ? /Private use/ : /\. [A-Z]/);
    const end = inspector.events.find((event) => event.unit === 'tcp-close');
    expect(end?.wsClosing).toEqual({ fromServer: { code, reason }, fromClient: { code, reason } });
  });

  it('a connection that ends without a Close frame: tcp-close says neither side sent one (both see 1006)', async () => {
    const { inspector, client, server } = await setUp(false);
    const closed = new Promise<number>((resolve) => client.once('close', resolve));
    server.terminate();
    expect(await closed).toBe(1006);
    await inspector.waitForEvents(
      (events) => events.some((event) => event.unit === 'tcp-close'),
      'the close',
    );
    expect(inspector.events.some((event) => event.ws?.opcode === 8)).toBe(false);
    expect(inspector.events.find((event) => event.unit === 'tcp-close')?.wsClosing).toEqual({
      fromServer: null,
      fromClient: null,
    });
    await waitFor(
      () => client.readyState === WebSocket.CLOSED,
      WAIT_MS,
      () => 'the client to close',
    );
  });
});
