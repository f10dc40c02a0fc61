/**
 * Each lab setting on the wire, one by one: frames as they leave the server (read raw from a TCP
 * socket), and what the `ws` client and the `eventsource` package make of them.
 */
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { inflateRawSync, constants as zlib } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CLOSE_CODES, PollResponse, WsServerFrame } from '../../protocol/messages.ts';
import { type Config, DEFAULT_CONFIG } from '../config.ts';
import { type RunningServer, startServer } from '../server.ts';
import { ClientPool, type SseClient, waitFor } from '../transports/test-clients.ts';
import { UPGRADE_ERROR_HEADER } from '../transports/upgrade.ts';
import { FaultLog, kill, setLab, until } from './test-lab.ts';

// Long enough that a loaded machine (tests run in parallel) answers every ping in time.
const PING_MS = 1_000;
const CONFIG: Config = {
  ...DEFAULT_CONFIG,
  port: 0,
  staticDir: null,
  sendRatePerSecond: 1_000,
  sendBurst: 1_000,
  wsPingIntervalMs: PING_MS,
  sseRetryMs: 50,
  presenceGraceMs: 200,
  shutdownGraceMs: 500,
};

let server: RunningServer;
const faults = new FaultLog();
let counter = 0;

beforeAll(async () => {
  server = await startServer(CONFIG);
  server.lab.onFault(faults.record);
});
afterAll(async () => {
  await server.shutdown();
});

function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

function wsUrl(room: string, client: string): string {
  return `${server.url.replace(/^http/, 'ws')}/api/rooms/${room}/ws?client=${client}&name=n${counter}`;
}

interface RawFrame {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  payload: Buffer;
}

/** Server frames (unmasked) in `bytes`, RFC 6455 section 5.2; stops at an incomplete frame. */
function parseFrames(bytes: Buffer): RawFrame[] {
  const frames: RawFrame[] = [];
  let offset = 0;
  while (offset + 2 <= bytes.length) {
    const first = bytes[offset] ?? 0;
    const second = bytes[offset + 1] ?? 0;
    let length = second & 0x7f;
    let header = 2;
    if (length === 126) {
      if (offset + 4 > bytes.length) break;
      length = bytes.readUInt16BE(offset + 2);
      header = 4;
    } else if (length === 127) {
      if (offset + 10 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(offset + 2));
      header = 10;
    }
    if (offset + header + length > bytes.length) break;
    frames.push({
      fin: (first & 0x80) !== 0,
      rsv1: (first & 0x40) !== 0,
      opcode: first & 0x0f,
      payload: bytes.subarray(offset + header, offset + header + length),
    });
    offset += header + length;
  }
  return frames;
}

/** A WebSocket handshake by hand, so the test sees every frame as the server wrote it. */
async function rawSocket(
  path: string,
  offerDeflate: boolean,
): Promise<{ socket: Socket; head: string; bytes: () => Buffer }> {
  const socket = netConnect(server.port, '127.0.0.1');
  let received = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(
    [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${server.port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      ...(offerDeflate ? ['Sec-WebSocket-Extensions: permessage-deflate'] : []),
      '',
      '',
    ].join('\r\n'),
  );
  await waitFor(
    () => received.includes('\r\n\r\n'),
    5_000,
    () => `a handshake answer, got ${received.toString()}`,
  );
  const end = received.indexOf('\r\n\r\n') + 4;
  const head = received.subarray(0, end).toString();
  return { socket, head, bytes: () => received.subarray(end) };
}

/** The first whole message (its frames, data frames only) in what the server wrote. */
function firstMessage(frames: RawFrame[]): RawFrame[] {
  const data = frames.filter((frame) => frame.opcode !== 0x9 && frame.opcode !== 0xa);
  const last = data.findIndex((frame) => frame.fin);
  return last === -1 ? [] : data.slice(0, last + 1);
}

describe('WebSocket frame options', () => {
  it('wsBinary + wsFragmentBytes: opcode 2, then continuation frames of at most N bytes, one JSON message', async () => {
    const client = unique('frag');
    await setLab(server.url, client, { wsBinary: true, wsFragmentBytes: 16 });
    const url = new URL(wsUrl(unique('room'), client));
    const { socket, head, bytes } = await rawSocket(url.pathname + url.search, false);
    try {
      expect(head).toMatch(/^HTTP\/1\.1 101/);
      expect(head.toLowerCase()).not.toContain('permessage-deflate');
      await waitFor(
        () => firstMessage(parseFrames(bytes())).length > 0,
        5_000,
        () => 'a whole first message',
      );
      const frames = firstMessage(parseFrames(bytes()));
      expect(frames.length).toBeGreaterThan(1);
      expect(frames[0]?.opcode).toBe(0x2);
      expect(frames.slice(1).every((frame) => frame.opcode === 0x0)).toBe(true);
      expect(frames.every((frame) => frame.payload.length <= 16)).toBe(true);
      expect(frames.slice(0, -1).every((frame) => !frame.fin)).toBe(true);
      const json = JSON.parse(Buffer.concat(frames.map((frame) => frame.payload)).toString('utf8'));
      expect(json).toMatchObject({ type: 'resume', recovered: true });
    } finally {
      socket.destroy();
    }
  });

  it('with wsDeflate too: RSV1 on the first fragment only, and the fragments inflate to one message', async () => {
    const client = unique('deflate');
    await setLab(server.url, client, { wsBinary: true, wsFragmentBytes: 16, wsDeflate: true });
    const url = new URL(wsUrl(unique('room'), client));
    const { socket, head, bytes } = await rawSocket(url.pathname + url.search, true);
    try {
      expect(head.toLowerCase()).toContain('sec-websocket-extensions: permessage-deflate');
      await waitFor(
        () => firstMessage(parseFrames(bytes())).length > 0,
        5_000,
        () => 'a whole first message',
      );
      const frames = firstMessage(parseFrames(bytes()));
      expect(frames[0]?.rsv1).toBe(true);
      expect(frames[0]?.opcode).toBe(0x2);
      expect(frames.slice(1).every((frame) => !frame.rsv1 && frame.opcode === 0x0)).toBe(true);
      // RFC 7692 section 7.2.2: the sender removed the trailing 00 00 ff ff; the receiver appends it.
      const compressed = Buffer.concat([
        ...frames.map((frame) => frame.payload),
        Buffer.from([0, 0, 0xff, 0xff]),
      ]);
      expect(
        JSON.parse(inflateRawSync(compressed, { finishFlush: zlib.Z_SYNC_FLUSH }).toString('utf8')),
      ).toMatchObject({ type: 'resume' });
    } finally {
      socket.destroy();
    }
  });

  it('the ws client reads binary, fragmented, deflated messages intact and in order; without the lab, text frames', async () => {
    const room = unique('room');
    const client = unique('ws-all');
    await setLab(server.url, client, { wsBinary: true, wsFragmentBytes: 16, wsDeflate: true });
    const shaped = new WebSocket(wsUrl(room, client));
    const plain = new WebSocket(wsUrl(room, unique('ws-plain')));
    const got = new Map<WebSocket, { binary: boolean; text: string }[]>([
      [shaped, []],
      [plain, []],
    ]);
    for (const socket of [shaped, plain]) {
      socket.on('message', (data, isBinary) =>
        got.get(socket)?.push({ binary: isBinary, text: data.toString() }),
      );
      await new Promise<void>((resolve) => socket.once('open', () => resolve()));
    }
    try {
      expect(shaped.extensions).toContain('permessage-deflate');
      expect(plain.extensions).toBe('');
      const texts = Array.from({ length: 20 }, (_, index) => `fragment me ${index} ${'é'.repeat(index)}`);
      for (const [index, text] of texts.entries())
        plain.send(JSON.stringify({ type: 'send', id: `f${index}`, text }));
      const chatTexts = (socket: WebSocket) =>
        (got.get(socket) ?? []).flatMap((entry) => {
          const frame = WsServerFrame.parse(JSON.parse(entry.text));
          return frame.type === 'message' && frame.message.kind === 'chat' ? [frame.message.text] : [];
        });
      await until(
        () => chatTexts(shaped).length === 20 && chatTexts(plain).length === 20,
        () => 'both to get 20',
      );
      expect(chatTexts(shaped)).toEqual(texts);
      expect(got.get(shaped)?.every((entry) => entry.binary)).toBe(true);
      expect(got.get(plain)?.every((entry) => !entry.binary)).toBe(true);
    } finally {
      shaped.terminate();
      plain.terminate();
    }
  });
});

describe('faults on a live WebSocket', () => {
  it('blockUpgrade: 403 with upgrade_blocked in the error header', async () => {
    const client = unique('blocked');
    await setLab(server.url, client, { blockUpgrade: true });
    const socket = new WebSocket(wsUrl(unique('room'), client));
    const status = await new Promise<{ code: number; header: string | undefined }>((resolve, reject) => {
      socket.once('unexpected-response', (_request, response) =>
        resolve({
          code: response.statusCode ?? 0,
          header: response.headers[UPGRADE_ERROR_HEADER] as string | undefined,
        }),
      );
      socket.once('open', () => reject(new Error('the upgrade was accepted')));
      socket.on('error', () => {});
    });
    socket.terminate();
    expect(status).toEqual({ code: 403, header: 'upgrade_blocked' });
  });

  it('ignorePongs: the ping timer terminates the socket within two ping intervals (1006)', async () => {
    const client = unique('pongs');
    const socket = new WebSocket(wsUrl(unique('room'), client));
    await new Promise<void>((resolve) => socket.once('open', () => resolve()));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const setAt = performance.now();
    await setLab(server.url, client, { ignorePongs: true });
    expect(await closed).toBe(1006);
    expect(performance.now() - setAt).toBeLessThanOrEqual(2 * PING_MS + 200);
    expect(faults.count(client, 'pong_timeout')).toBe(1);
  });

  it('kill clean: a close frame with the asked code and a lab reason; kill reset: 1006', async () => {
    const client = unique('kill');
    const open = async () => {
      const socket = new WebSocket(wsUrl(unique('room'), client));
      socket.on('error', () => {});
      await new Promise<void>((resolve) => socket.once('open', () => resolve()));
      return {
        socket,
        closed: new Promise<{ code: number; reason: string }>((resolve) =>
          socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
        ),
      };
    };
    const first = await open();
    expect(await kill(server.url, client, { mode: 'clean' })).toBe(1);
    expect(await first.closed).toEqual({
      code: CLOSE_CODES.serviceRestart,
      reason: 'lab: killed by the network lab',
    });
    const second = await open();
    expect(await kill(server.url, client, { mode: 'clean', code: CLOSE_CODES.goingAway })).toBe(1);
    expect((await second.closed).code).toBe(CLOSE_CODES.goingAway);
    const third = await open();
    expect(await kill(server.url, client, { mode: 'reset' })).toBe(1);
    expect((await third.closed).code).toBe(1006);
  });

  it('delay and jitter to the client: every frame arrives late, and still in order', async () => {
    const room = unique('room');
    const client = unique('slow');
    await setLab(server.url, client, { delayToClientMs: 100, jitterToClientMs: 100 });
    const slow = new WebSocket(wsUrl(room, client));
    const sender = new WebSocket(wsUrl(room, unique('fast')));
    const arrivals: { text: string; committedAtMs: number; atMs: number }[] = [];
    slow.on('message', (data) => {
      const frame = WsServerFrame.parse(JSON.parse(data.toString()));
      if (frame.type === 'message' && frame.message.kind === 'chat')
        arrivals.push({
          text: frame.message.text,
          committedAtMs: frame.message.committedAtMs,
          atMs: performance.timeOrigin + performance.now(),
        });
    });
    for (const socket of [slow, sender])
      await new Promise<void>((resolve) => socket.once('open', () => resolve()));
    try {
      const texts = Array.from({ length: 30 }, (_, index) => `late ${index}`);
      for (const [index, text] of texts.entries())
        sender.send(JSON.stringify({ type: 'send', id: `d${index}`, text }));
      await until(
        () => arrivals.length === 30,
        () => `30 late messages, got ${arrivals.length}`,
      );
      expect(arrivals.map((arrival) => arrival.text)).toEqual(texts);
      for (const arrival of arrivals) expect(arrival.atMs - arrival.committedAtMs).toBeGreaterThanOrEqual(95);
    } finally {
      slow.terminate();
      sender.terminate();
    }
  });
});

describe('faults on SSE and HTTP', () => {
  it('cutNextSseEvent: the cut event is never dispatched; EventSource resumes before it and gets it once', async () => {
    const pool = new ClientPool();
    try {
      const room = unique('room');
      const client = unique('cut');
      const reader = (await pool.connect('sse', server.url, room, 'reader', {
        clientId: client,
      })) as SseClient;
      const writer = await pool.connect('sse', server.url, room, 'writer');
      await writer.send('before');
      await waitFor(
        () => reader.messages.some((m) => m.text === 'before'),
        5_000,
        () => 'before',
      );
      await setLab(server.url, client, { cutNextSseEvent: true });
      await writer.send('cut me');
      await writer.send('after');
      await waitFor(
        () => reader.messages.some((m) => m.text === 'after'),
        5_000,
        () => 'after',
      );
      expect(reader.messages.filter((m) => m.kind === 'chat').map((m) => m.text)).toEqual([
        'before',
        'cut me',
        'after',
      ]);
      // Had EventSource dispatched the partial event, it would come again after the reconnect.
      expect(reader.duplicates).toEqual([]);
      expect(reader.resumes.length).toBe(2);
      expect(faults.count(client, 'sse_cut')).toBe(1);
      // The one-shot turned itself off.
      const state = await setLab(server.url, client, {});
      expect(state.settings.cutNextSseEvent).toBe(false);
    } finally {
      await pool.closeAll();
    }
  });

  it('delayToServerMs holds a send that long; dropNext loses the 201 but the message is stored once', async () => {
    const room = unique('room');
    const client = unique('post');
    const post = (id: string) =>
      fetch(`${server.url}/api/rooms/${room}/messages?client=${client}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, from: 'ann', text: id }),
      });
    await setLab(server.url, client, { delayToServerMs: 200 });
    const started = performance.now();
    expect((await post('slow')).status).toBe(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    await setLab(server.url, client, { delayToServerMs: 0, dropNext: 1 });
    await expect(post('lost-ack')).rejects.toThrow();
    const retried = await post('lost-ack');
    expect(retried.status).toBe(201);
    const poll = PollResponse.parse(
      await (await fetch(`${server.url}/api/rooms/${room}/poll?client=other&name=olga`)).json(),
    );
    expect(poll.messages.filter((message) => message.text === 'lost-ack')).toHaveLength(1);
  });
});
