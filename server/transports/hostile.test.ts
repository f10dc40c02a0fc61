/**
 * Bad input and bad peers against a real server on a real port: every refusal is a clear status and
 * `{ error: { code, message } }` (or a WebSocket close code), nothing crashes, nothing committed is lost.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CLOSE_CODES, ErrorBody, PollResponse, SseResumeData } from '../../protocol/messages.ts';
import { type Config, DEFAULT_CONFIG } from '../config.ts';
import { type RunningServer, startServer } from '../server.ts';
import {
  ClientPool,
  lines,
  newMessageId,
  type SseClient,
  type WebSocketClient,
  waitFor,
} from './test-clients.ts';
import { UPGRADE_ERROR_HEADER } from './upgrade.ts';

const CONFIG: Config = {
  ...DEFAULT_CONFIG,
  port: 0,
  staticDir: null,
  allowedOrigins: ['https://allowed.example'],
  historyLimit: 50,
  snapshotSize: 10,
  maxMessageBytes: 16 * 1024,
  maxBodyBytes: 17 * 1024,
  sendRatePerSecond: 2,
  sendBurst: 5,
  wsFloodCloseAfter: 3,
  maxConnectionsPerClient: 3,
  maxQueueBytes: 256 * 1024,
  presenceGraceMs: 200,
  pollPresenceLeaseMs: 200,
  sseRetryMs: 50,
  shutdownGraceMs: 3_000,
};
const WAIT_MS = 5_000;

let counter = 0;
function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

async function expectError(
  response: Response,
  status: number,
  code: string,
): Promise<ReturnType<typeof ErrorBody.parse>> {
  const text = await response.text();
  expect(response.status, `expected ${status} ${code}, got ${response.status}: ${text}`).toBe(status);
  expect(response.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  const body = ErrorBody.parse(JSON.parse(text));
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body;
}

type UpgradeOutcome =
  | { opened: WebSocket; frames: string[] }
  | {
      status: number;
      body: string;
      errorCode: string | string[] | undefined;
      contentType: string | undefined;
    };

/** Resolves with the upgrade's outcome: open (with every frame from the first), or the refusal's status and body. */
function tryUpgrade(url: string, headers: Record<string, string> = {}): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    // Frames can arrive in the same chunk as the 101: collect them from the start.
    const frames: string[] = [];
    socket.on('message', (data) => frames.push(data.toString()));
    const timer = setTimeout(
      () => reject(new Error(`upgrade of ${url} neither opened nor was refused`)),
      WAIT_MS,
    );
    socket.once('open', () => {
      clearTimeout(timer);
      resolve({ opened: socket, frames });
    });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => {
        clearTimeout(timer);
        socket.terminate();
        resolve({
          status: response.statusCode ?? 0,
          body,
          errorCode: response.headers[UPGRADE_ERROR_HEADER],
          contentType: response.headers['content-type'],
        });
      });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      if (socket.readyState !== WebSocket.OPEN) reject(error);
    });
  });
}

/** A refused upgrade: the status, and the error code when the body carries one (see the JSON-body test). */
function expectRefused(outcome: UpgradeOutcome, status: number, code: string): void {
  if ('opened' in outcome) {
    outcome.opened.terminate();
    throw new Error(`expected the upgrade to be refused with ${status} ${code}, but it opened`);
  }
  expect(outcome.status, `refusal body: ${outcome.body}`).toBe(status);
  if (outcome.body !== '') expect(ErrorBody.parse(JSON.parse(outcome.body)).error.code).toBe(code);
}

function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket was not closed in time')), WAIT_MS);
    socket.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
  });
}

/** A raw TCP exchange: writes `request`, reads until the peer ends or `untilText` appears. */
function rawExchange(port: number, request: string, untilText?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`raw exchange timed out; got ${JSON.stringify(received.slice(0, 300))}`));
    }, WAIT_MS);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (untilText?.test(received)) finish();
    });
    socket.on('end', finish);
    socket.on('error', finish);
    socket.write(request);
  });
}

describe('hostile input', () => {
  let server: RunningServer;
  let base: string;
  let wsBase: string;
  const pool = new ClientPool();
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    server = await startServer(CONFIG);
    base = server.url;
    wsBase = base.replace(/^http/, 'ws');
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await pool.closeAll();
  });
  afterAll(async () => {
    await server.shutdown();
  });

  function post(room: string, body: BodyInit, clientId = unique('c')): Promise<Response> {
    return fetch(`${base}/api/rooms/${room}/messages?client=${clientId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
  }

  /** An SSE request read as raw text; aborted in afterEach. */
  async function openSse(path: string, headers: Record<string, string> = {}) {
    const controller = new AbortController();
    cleanups.push(() => controller.abort());
    const response = await fetch(`${base}${path}`, { headers, signal: controller.signal });
    let text = '';
    let ended = false;
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    const done = (async () => {
      if (!reader) return;
      try {
        for (;;) {
          const chunk = await reader.read();
          if (chunk.done) break;
          text += decoder.decode(chunk.value, { stream: true });
        }
      } catch {
        // Aborted by us, or cut by the server: `ended` says which test cares.
      }
      ended = true;
    })();
    return {
      response,
      controller,
      done,
      get text() {
        return text;
      },
      get ended() {
        return ended;
      },
    };
  }

  describe('POST /messages', () => {
    it('malformed JSON is a 400 invalid_json', async () => {
      await expectError(await post('r', '{"id": "m1", "from": '), 400, 'invalid_json');
      await expectError(await post('r', ''), 400, 'invalid_json');
      await expectError(await post('r', '\u0000\u00ff'), 400, 'invalid_json');
    });

    it.each([
      ['no text', { id: 'm1', from: 'ada' }],
      ['empty text', { id: 'm1', from: 'ada', text: '' }],
      ['text not a string', { id: 'm1', from: 'ada', text: 7 }],
      ['an id with spaces', { id: 'm 1', from: 'ada', text: 'hi' }],
      ['a sender with a newline', { id: 'm1', from: 'ada\nbob', text: 'hi' }],
      ['a negative sentAtMs', { id: 'm1', from: 'ada', text: 'hi', sentAtMs: -5 }],
      ['an array body', [1, 2]],
      ['null', null],
    ])('schema-invalid JSON (%s) is a 400 invalid_body', async (_label, body) => {
      await expectError(await post('r', JSON.stringify(body)), 400, 'invalid_body');
    });

    it('a body over maxBodyBytes is a 413, with Content-Length or chunked', async () => {
      const huge = JSON.stringify({ id: 'm1', from: 'ada', text: 'x'.repeat(CONFIG.maxBodyBytes + 10) });
      await expectError(await post('r', huge), 413, 'payload_too_large');
      const bytes = new TextEncoder().encode(huge);
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < bytes.length; offset += 1024)
            controller.enqueue(bytes.slice(offset, offset + 1024));
          controller.close();
        },
      });
      const response = await fetch(`${base}/api/rooms/r/messages?client=${unique('c')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: chunked,
        duplex: 'half',
      } as RequestInit & { duplex: 'half' });
      await expectError(response, 413, 'payload_too_large');
    });

    it('text over maxMessageBytes (counted in UTF-8 bytes) is a 413 and is not stored', async () => {
      const room = unique('r');
      // 9,000 characters, 18,000 bytes: under the body limit in characters, over the text limit in bytes.
      const text = 'é'.repeat(CONFIG.maxMessageBytes / 2 + 100);
      const body = JSON.stringify({ id: 'm1', from: 'ada', text });
      expect(body.length).toBeLessThan(CONFIG.maxBodyBytes);
      const response = await post(room, body);
      await expectError(response, 413, 'payload_too_large');
      const poll = PollResponse.parse(
        await (await fetch(`${base}/api/rooms/${room}/poll?client=x&name=x`)).json(),
      );
      expect(poll.messages.filter((message) => message.kind === 'chat')).toEqual([]);
    });

    it('a send flood from one client is a 429 with Retry-After', async () => {
      const clientId = unique('flood');
      const statuses: number[] = [];
      let refused: Response | null = null;
      for (let index = 0; index < CONFIG.sendBurst + 2; index += 1) {
        const response = await post(
          'r',
          JSON.stringify({ id: newMessageId(), from: 'ada', text: 'spam' }),
          clientId,
        );
        statuses.push(response.status);
        if (response.status === 429 && !refused) refused = response;
        else await response.arrayBuffer();
      }
      expect(statuses.slice(0, CONFIG.sendBurst)).toEqual(Array(CONFIG.sendBurst).fill(201));
      expect(statuses.at(-1)).toBe(429);
      if (!refused) throw new Error(`no 429 in ${statuses.join(',')}`);
      const retryAfter = refused.headers.get('retry-after');
      expect(retryAfter).toMatch(/^[1-9][0-9]*$/);
      await expectError(refused, 429, 'rate_limited');
      // Another client is not punished for it.
      expect((await post('r', JSON.stringify({ id: newMessageId(), from: 'bob', text: 'hi' }))).status).toBe(
        201,
      );
    });
  });

  describe('WebSocket frames', () => {
    it('a frame over maxBodyBytes closes with 1009', async () => {
      const socket = new WebSocket(`${wsBase}/api/rooms/${unique('r')}/ws?client=${unique('c')}&name=ada`);
      cleanups.push(() => socket.terminate());
      await new Promise((resolve) => socket.once('open', resolve));
      const closed = closeOf(socket);
      socket.send(JSON.stringify({ type: 'send', id: 'big', text: 'x'.repeat(CONFIG.maxBodyBytes + 1) }));
      expect((await closed).code).toBe(CLOSE_CODES.messageTooBig);
    });

    it('text over maxMessageBytes in a frame under maxBodyBytes closes with 1009', async () => {
      const socket = new WebSocket(`${wsBase}/api/rooms/${unique('r')}/ws?client=${unique('c')}&name=ada`);
      cleanups.push(() => socket.terminate());
      await new Promise((resolve) => socket.once('open', resolve));
      const closed = closeOf(socket);
      socket.send(
        JSON.stringify({ type: 'send', id: 'big', text: 'é'.repeat(CONFIG.maxMessageBytes / 2 + 100) }),
      );
      expect((await closed).code).toBe(CLOSE_CODES.messageTooBig);
    });

    it('bad JSON and bad frames get an error frame and the socket stays usable; binary closes 1003', async () => {
      const client = (await pool.connect('websocket', base, unique('r'), 'ada')) as WebSocketClient;
      const raw = new WebSocket(`${wsBase}/api/rooms/${client.room}/ws?client=${unique('c')}&name=bob`);
      cleanups.push(() => raw.terminate());
      const frames: string[] = [];
      raw.on('message', (data) => frames.push(data.toString()));
      await new Promise((resolve) => raw.once('open', resolve));
      raw.send('{not json');
      raw.send(JSON.stringify({ type: 'shout', text: 'hi' }));
      await waitFor(
        () => frames.filter((frame) => frame.includes('"type":"error"')).length >= 2,
        WAIT_MS,
        () => `two error frames; got ${JSON.stringify(frames)}`,
      );
      const errors = frames
        .filter((frame) => frame.includes('"type":"error"'))
        .map((frame) => JSON.parse(frame).code);
      expect(errors).toEqual(['invalid_json', 'invalid_body']);
      const ack = await client.send('still works');
      expect(ack.seq).toBeGreaterThan(0);
      const closed = closeOf(raw);
      raw.send(Buffer.from([1, 2, 3]), { binary: true });
      expect((await closed).code).toBe(CLOSE_CODES.unsupportedData);
    });

    it('a send flood gets error frames, then close 1008 if it goes on', async () => {
      const room = unique('r');
      const socket = new WebSocket(`${wsBase}/api/rooms/${room}/ws?client=${unique('flood')}&name=ada`);
      cleanups.push(() => socket.terminate());
      const frames: { type: string; code?: string; id?: string }[] = [];
      socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
      await new Promise((resolve) => socket.once('open', resolve));
      const closed = closeOf(socket);
      const total = CONFIG.sendBurst + CONFIG.wsFloodCloseAfter + 5;
      for (let index = 0; index < total; index += 1) {
        socket.send(JSON.stringify({ type: 'send', id: `f${index}`, text: 'spam' }));
      }
      expect((await closed).code).toBe(CLOSE_CODES.policyViolation);
      const rateErrors = frames.filter(
        (frame) => frame.type === 'error' && frame.code === 'rate_limited',
      ).length;
      expect(rateErrors).toBeGreaterThanOrEqual(1);
      // Every send the server stored must have been acked before the socket was closed.
      const poll = PollResponse.parse(
        await (await fetch(`${base}/api/rooms/${room}/poll?client=x&name=x`)).json(),
      );
      const stored = poll.messages.filter((message) => message.kind === 'chat').map((message) => message.id);
      expect(stored).toHaveLength(CONFIG.sendBurst);
      const acked = frames.filter((frame) => frame.type === 'ack').map((frame) => frame.id);
      expect(acked, `stored ${stored.join(',')} but the frames were ${JSON.stringify(frames)}`).toEqual(
        stored,
      );
    });
  });

  describe('Origin on the WebSocket upgrade', () => {
    const path = () => `/api/rooms/${unique('r')}/ws?client=${unique('c')}&name=ada`;

    it('a foreign Origin is refused with 403 forbidden_origin', async () => {
      expectRefused(
        await tryUpgrade(`${wsBase}${path()}`, { origin: 'https://evil.example' }),
        403,
        'forbidden_origin',
      );
      expectRefused(await tryUpgrade(`${wsBase}${path()}`, { origin: 'null' }), 403, 'forbidden_origin');
      expectRefused(
        await tryUpgrade(`${wsBase}${path()}`, { origin: 'https://allowed.example.evil.example' }),
        403,
        'forbidden_origin',
      );
    });

    it('a refused upgrade is a whole HTTP response: status, JSON error body, and the code in a header', async () => {
      const outcome = await tryUpgrade(`${wsBase}${path()}`, { origin: 'https://evil.example' });
      if ('opened' in outcome) {
        outcome.opened.terminate();
        throw new Error('a foreign origin opened a chat socket');
      }
      expect(outcome.status).toBe(403);
      expect(outcome.errorCode).toBe('forbidden_origin');
      expect(outcome.contentType).toMatch(/^application\/json/);
      expect(ErrorBody.parse(JSON.parse(outcome.body)).error.code).toBe('forbidden_origin');
    });

    it.each([
      ['a missing Origin', {}],
      ['the page own origin', 'own'],
      ['a configured origin', { origin: 'https://allowed.example' }],
    ])('%s is allowed', async (_label, headers) => {
      const resolved = headers === 'own' ? { origin: base } : headers;
      const outcome = await tryUpgrade(`${wsBase}${path()}`, resolved);
      if (!('opened' in outcome)) throw new Error(`refused with ${outcome.status}: ${outcome.body}`);
      outcome.opened.terminate();
    });
  });

  describe('bogus cursors', () => {
    const BAD_CURSORS = [
      'abc',
      'e:abc',
      'e:-1',
      'e:+1',
      'e:99999999999999999999',
      'e:1\r\nX-Injected: 1',
      'e:1:2',
    ];

    it.each(['poll', 'long-poll', 'sse'])('%s: a malformed since is a 400 invalid_cursor', async (path) => {
      for (const since of BAD_CURSORS) {
        const query = new URLSearchParams({ client: unique('c'), name: 'ada', since });
        await expectError(await fetch(`${base}/api/rooms/r/${path}?${query}`), 400, 'invalid_cursor');
      }
    });

    it('ws: a malformed since refuses the upgrade with 400 invalid_cursor', async () => {
      for (const since of BAD_CURSORS) {
        const query = new URLSearchParams({ client: unique('c'), name: 'ada', since });
        expectRefused(await tryUpgrade(`${wsBase}/api/rooms/r/ws?${query}`), 400, 'invalid_cursor');
      }
    });

    it('sse: a malformed Last-Event-ID is a 400 invalid_cursor', async () => {
      for (const lastEventId of ['abc', 'e:99999999999999999999', 'e:-1', 'e:1:2']) {
        const response = await fetch(`${base}/api/rooms/r/sse?client=${unique('c')}&name=ada`, {
          headers: { 'last-event-id': lastEventId },
        });
        await expectError(response, 400, 'invalid_cursor');
      }
    });

    it('sse: a CR inside Last-Event-ID (raw bytes, fetch would refuse) gets a 400, not a stream', async () => {
      const answer = await rawExchange(
        server.port,
        `GET /api/rooms/r/sse?client=${unique('c')}&name=ada HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: e:1\rX-Evil: 1\r\nConnection: close\r\n\r\n`,
        /\r\n\r\n/,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
    });

    it.each(['poll', 'long-poll'])(
      '%s: another epoch answers recovered:false epoch_changed',
      async (path) => {
        const room = unique('r');
        await post(room, JSON.stringify({ id: 'm1', from: 'ada', text: 'hi' }));
        const response = await fetch(
          `${base}/api/rooms/${room}/${path}?client=${unique('c')}&name=ada&since=otherEpoch:1`,
        );
        const body = PollResponse.parse(await response.json());
        expect(response.status).toBe(200);
        expect(body).toMatchObject({ recovered: false, reason: 'epoch_changed' });
        expect(body.messages.map((message) => message.text)).toContain('hi');
      },
    );

    it('sse: another epoch in Last-Event-ID answers a stream whose resume says epoch_changed', async () => {
      const stream = await openSse(`/api/rooms/${unique('r')}/sse?client=${unique('c')}&name=ada`, {
        'last-event-id': 'otherEpoch:7',
      });
      expect(stream.response.status).toBe(200);
      await waitFor(
        () => /event: resume/.test(stream.text),
        WAIT_MS,
        () => `a resume event; got ${stream.text}`,
      );
      const data = /event: resume\nid: [^\n]*\ndata: ([^\n]*)/.exec(stream.text)?.[1] ?? '';
      expect(SseResumeData.parse(JSON.parse(data))).toMatchObject({
        recovered: false,
        reason: 'epoch_changed',
      });
    });

    it('a seq ahead of the room is a 400 invalid_cursor (poll, long-poll, sse) and refused on ws', async () => {
      const room = unique('r');
      const ack = await (await post(room, JSON.stringify({ id: 'm1', from: 'ada', text: 'hi' }))).json();
      const ahead = `${ack.epoch}:${ack.seq + 5}`;
      for (const path of ['poll', 'long-poll', 'sse']) {
        const response = await fetch(
          `${base}/api/rooms/${room}/${path}?client=${unique('c')}&name=ada&since=${ahead}`,
        );
        await expectError(response, 400, 'invalid_cursor');
      }
      const sse = await fetch(`${base}/api/rooms/${room}/sse?client=${unique('c')}&name=ada`, {
        headers: { 'last-event-id': ahead },
      });
      await expectError(sse, 400, 'invalid_cursor');
      // On ws the cursor is checked after the upgrade: an invalid_cursor error frame, then 1008.
      const outcome = await tryUpgrade(
        `${wsBase}/api/rooms/${room}/ws?client=${unique('c')}&name=ada&since=${ahead}`,
      );
      if (!('opened' in outcome)) {
        expectRefused(outcome, 400, 'invalid_cursor');
        return;
      }
      const closed = await closeOf(outcome.opened);
      expect(closed.code).toBe(CLOSE_CODES.policyViolation);
      expect(outcome.frames.map((frame) => JSON.parse(frame))).toContainEqual(
        expect.objectContaining({ type: 'error', code: 'invalid_cursor' }),
      );
    });

    it('long-poll: a bogus timeoutMs is a 400', async () => {
      for (const timeoutMs of ['abc', '-1', '1.5', '99999999999']) {
        const query = new URLSearchParams({ client: unique('c'), name: 'ada', timeoutMs });
        await expectError(await fetch(`${base}/api/rooms/r/long-poll?${query}`), 400, 'bad_request');
      }
    });
  });

  describe('SSE framing and resume', () => {
    it('text with CR, LF, "data:" and "id:" arrives as exactly one event with the text intact', async () => {
      const room = unique('r');
      const raw = await openSse(`/api/rooms/${room}/sse?client=${unique('c')}&name=bob`);
      const client = (await pool.connect('sse', base, room, 'bob')) as SseClient;
      const nasty = [
        'a\rb',
        'x\n\ndata: x',
        'id: 9',
        '\r\n\r\nevent: resume\ndata: {}\n\n',
        'retry: 1\n: comment',
      ];
      const sender = unique('c');
      for (const text of nasty) {
        const response = await post(room, JSON.stringify({ id: newMessageId(), from: 'ada', text }), sender);
        expect(response.status).toBe(201);
      }
      await waitFor(
        () => client.messages.filter((message) => message.kind === 'chat').length >= nasty.length,
        WAIT_MS,
        () => `${nasty.length} chat events; got ${JSON.stringify(lines(client.messages))}`,
      );
      const chats = client.messages.filter((message) => message.kind === 'chat');
      expect(chats.map((message) => message.text)).toEqual(nasty);
      expect(client.errors).toEqual([]);
      expect(client.resumes).toHaveLength(1);
      // On the wire: no line that a parser would read as a field of our own making.
      await waitFor(
        () => raw.text.split('\n\n').length > nasty.length + 2,
        WAIT_MS,
        () => `raw events; got ${raw.text}`,
      );
      const fieldLines = raw.text.split(/\r\n|\r|\n/).filter((line) => /^(id|data|event|retry):/.test(line));
      expect(
        fieldLines.filter((line) => line === 'id: 9' || line === 'data: x' || line === 'retry: 1'),
      ).toEqual([]);
      expect(raw.text).not.toMatch(/\r/);
    });

    it('EventSource reconnects with Last-Event-ID and resumes from it', async () => {
      const room = unique('r');
      const client = (await pool.connect('sse', base, room, 'bob')) as SseClient;
      await post(room, JSON.stringify({ id: newMessageId(), from: 'ada', text: 'one' }));
      await waitFor(
        () => client.messages.some((m) => m.text === 'one'),
        WAIT_MS,
        () => 'message one',
      );
      const cursorBeforeCut = client.cursor;
      await client.cut();
      await post(room, JSON.stringify({ id: newMessageId(), from: 'ada', text: 'two' }));
      await client.reconnect();
      await waitFor(
        () => client.messages.some((m) => m.text === 'two'),
        WAIT_MS,
        () => 'message two',
      );
      expect(client.requestHeaders.at(-1)?.['Last-Event-ID']).toBe(cursorBeforeCut);
      expect(client.duplicates).toEqual([]);
    });

    it('on its own reconnect, Last-Event-ID wins over a stale ?since= in the EventSource URL', async () => {
      // A page builds the EventSource URL once, with the cursor it had then. When the browser reconnects
      // by itself it sends the same URL plus Last-Event-ID, which is newer: resuming from the URL's old
      // cursor replays what the page already has (or reports window_exceeded although nothing was lost).
      const room = unique('r');
      const sender = unique('c');
      const first = await (
        await post(room, JSON.stringify({ id: newMessageId(), from: 'ada', text: 'old' }), sender)
      ).json();
      const client = (await pool.connect('sse', base, room, 'bob', { since: first.cursor })) as SseClient;
      for (const text of ['b', 'c'])
        await post(room, JSON.stringify({ id: newMessageId(), from: 'ada', text }), sender);
      await waitFor(
        () => client.messages.some((m) => m.text === 'c'),
        WAIT_MS,
        () => 'message c',
      );
      await client.cut();
      await client.reconnect();
      await post(room, JSON.stringify({ id: newMessageId(), from: 'ada', text: 'd' }), sender);
      await waitFor(
        () => client.messages.some((m) => m.text === 'd'),
        WAIT_MS,
        () => 'message d',
      );
      expect(client.requestHeaders.at(-1)?.['Last-Event-ID']).toBe(
        client.messages.find((m) => m.text === 'c')?.cursor,
      );
      expect(lines(client.duplicates), 'messages replayed after the reconnect').toEqual([]);
    });
  });

  describe('connections per client id', () => {
    it('past maxConnectionsPerClient every transport refuses with 429 too_many_connections, and frees a slot on close', async () => {
      const clientId = unique('many');
      const room = unique('r');
      const streams = [];
      for (let index = 0; index < CONFIG.maxConnectionsPerClient; index += 1) {
        const stream = await openSse(`/api/rooms/${room}/sse?client=${clientId}&name=ada`);
        expect(stream.response.status).toBe(200);
        streams.push(stream);
      }
      await expectError(
        await fetch(`${base}/api/rooms/${room}/sse?client=${clientId}&name=ada`),
        429,
        'too_many_connections',
      );
      await expectError(
        await fetch(`${base}/api/rooms/${room}/long-poll?client=${clientId}&name=ada&since=`),
        429,
        'too_many_connections',
      );
      const upgrade = await tryUpgrade(`${wsBase}/api/rooms/${room}/ws?client=${clientId}&name=ada`);
      if ('opened' in upgrade) {
        const closed = await closeOf(upgrade.opened);
        expect(closed.code).toBe(CLOSE_CODES.tooManyConnections);
      } else {
        expectRefused(upgrade, 429, 'too_many_connections');
      }
      streams[0]?.controller.abort();
      await waitFor(
        () => server.connections.countFor(clientId) < CONFIG.maxConnectionsPerClient,
        WAIT_MS,
        () => `the server to release the aborted stream (count ${server.connections.countFor(clientId)})`,
      );
      const again = await openSse(`/api/rooms/${room}/sse?client=${clientId}&name=ada`);
      expect(again.response.status).toBe(200);
    });
  });

  describe('a reader that stops reading', () => {
    const FLOOD_TEXT = 'y'.repeat(8 * 1024);
    const MAX_FLOOD = 6_000;

    /** Publishes until `isCut()` or MAX_FLOOD messages; returns how many were published. */
    async function floodUntil(room: string, isCut: () => boolean): Promise<number> {
      let published = 0;
      while (!isCut() && published < MAX_FLOOD) {
        for (let index = 0; index < 50; index += 1) {
          published += 1;
          await server.hub.broker.publish({
            room,
            id: `flood-${published}`,
            from: 'flood',
            kind: 'chat',
            text: FLOOD_TEXT,
          });
        }
        await sleep(5);
      }
      return published;
    }

    function pausedSocket(request: string, ready: RegExp): Promise<Socket> {
      return new Promise((resolve, reject) => {
        const socket = netConnect(server.port, '127.0.0.1');
        cleanups.push(() => socket.destroy());
        let head = '';
        const timer = setTimeout(
          () => reject(new Error(`no answer to the raw request; got ${head}`)),
          WAIT_MS,
        );
        const onData = (chunk: Buffer) => {
          head += chunk.toString('latin1');
          if (ready.test(head)) {
            clearTimeout(timer);
            socket.off('data', onData);
            socket.pause();
            resolve(socket);
          }
        };
        socket.on('data', onData);
        socket.on('error', () => undefined);
        socket.write(request);
      });
    }

    async function expectSocketEnds(socket: Socket): Promise<void> {
      const ended = new Promise<void>((resolve) => {
        if (socket.destroyed) resolve();
        socket.once('close', () => resolve());
        socket.once('end', () => resolve());
      });
      socket.on('data', () => undefined);
      socket.resume();
      await Promise.race([
        ended,
        sleep(WAIT_MS).then(() => {
          throw new Error('the server did not end the slow reader socket');
        }),
      ]);
    }

    it.each([
      ['websocket', 'ws'],
      ['sse', 'sse'],
    ] as const)(
      '%s: the server cuts it, and a normal client in the room gets every message promptly',
      async (_label, path) => {
        const room = unique('r');
        const slowId = unique('slow');
        const normal = await pool.connect('websocket', base, room, 'normal');
        const request =
          path === 'ws'
            ? `GET /api/rooms/${room}/ws?client=${slowId}&name=slow HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`
            : `GET /api/rooms/${room}/sse?client=${slowId}&name=slow HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAccept: text/event-stream\r\n\r\n`;
        const slow = await pausedSocket(
          request,
          path === 'ws' ? /^HTTP\/1\.1 101[\s\S]*\r\n\r\n/ : /event: resume/,
        );
        await waitFor(
          () => server.connections.countFor(slowId) === 1,
          WAIT_MS,
          () => 'the slow reader to register',
        );
        const published = await floodUntil(room, () => server.connections.countFor(slowId) === 0);
        // The server stops feeding at once, sends close 4001, and destroys the socket if the close
        // handshake cannot finish (a reader that does not read never answers): within about a second.
        await waitFor(
          () => server.connections.countFor(slowId) === 0,
          WAIT_MS,
          () => `the slow reader to be cut after ${published} messages of 8 KiB`,
        );
        const started = performance.now();
        await waitFor(
          () => normal.messages.filter((message) => message.from === 'flood').length === published,
          10_000,
          () =>
            `the normal client to get all ${published} messages; it has ${normal.messages.filter((m) => m.from === 'flood').length}`,
        );
        expect(performance.now() - started).toBeLessThan(10_000);
        expect(normal.duplicates).toEqual([]);
        expect(normal.resumes).toHaveLength(1);
        await expectSocketEnds(slow);
      },
    );
  });

  describe('bad URLs', () => {
    it.each([
      ['room with a space', '/api/rooms/bad%20room/poll?client=c1&name=ada', 'invalid_room'],
      ['room of 65 characters', `/api/rooms/${'r'.repeat(65)}/poll?client=c1&name=ada`, 'invalid_room'],
      ['missing client', '/api/rooms/r/poll?name=ada', 'invalid_client'],
      ['client with a slash', '/api/rooms/r/poll?client=a%2Fb&name=ada', 'invalid_client'],
      ['missing name', '/api/rooms/r/poll?client=c1', 'invalid_name'],
      ['name with a newline', '/api/rooms/r/long-poll?client=c1&name=a%0Ab', 'invalid_name'],
      ['name of 33 characters', `/api/rooms/r/sse?client=c1&name=${'n'.repeat(33)}`, 'invalid_name'],
      ['name with a bidi override', '/api/rooms/r/sse?client=c1&name=a%E2%80%AEb', 'invalid_name'],
    ])('%s is a 400', async (_label, path, code) => {
      await expectError(await fetch(`${base}${path}`), 400, code);
    });

    it('POST with a bad room or client is a 400', async () => {
      const body = JSON.stringify({ id: 'm1', from: 'ada', text: 'hi' });
      await expectError(
        await fetch(`${base}/api/rooms/bad%20room/messages?client=c1`, { method: 'POST', body }),
        400,
        'invalid_room',
      );
      await expectError(
        await fetch(`${base}/api/rooms/r/messages`, { method: 'POST', body }),
        400,
        'invalid_client',
      );
    });

    it('ws with a bad name refuses the upgrade with 400', async () => {
      expectRefused(await tryUpgrade(`${wsBase}/api/rooms/r/ws?client=c1&name=`), 400, 'invalid_name');
      expectRefused(
        await tryUpgrade(`${wsBase}/api/rooms/bad%20room/ws?client=c1&name=ada`),
        400,
        'invalid_room',
      );
    });

    it.each([
      ['GET', '/api/nope'],
      ['GET', '/api/rooms/r/nope?client=c1&name=ada'],
      ['DELETE', '/api/health'],
      ['PUT', '/api/rooms/r/messages?client=c1'],
    ])('%s %s is a 404 JSON not_found', async (method, path) => {
      await expectError(await fetch(`${base}${path}`, { method }), 404, 'not_found');
    });
  });

  it('after all of it, GET /api/health is still 200 {"ok":true}', async () => {
    const response = await fetch(`${base}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});

describe('graceful shutdown', () => {
  it('closes WS with 1001, ends SSE after a retry: line, answers a held long poll with 200, loses nothing', async () => {
    const server = await startServer({ ...CONFIG, shutdownGraceMs: 3_000 });
    const room = unique('r');
    const aborts: AbortController[] = [];
    let ws: WebSocket | null = null;
    try {
      ws = new WebSocket(
        `${server.url.replace(/^http/, 'ws')}/api/rooms/${room}/ws?client=${unique('c')}&name=wsuser`,
      );
      const wsFrames: string[] = [];
      const socket = ws;
      socket.on('message', (data) => wsFrames.push(data.toString()));
      await new Promise((resolve) => socket.once('open', resolve));
      const wsClosed = closeOf(socket);

      const sseAbort = new AbortController();
      aborts.push(sseAbort);
      const sse = await fetch(`${server.url}/api/rooms/${room}/sse?client=${unique('c')}&name=sseuser`, {
        signal: sseAbort.signal,
      });
      expect(sse.status).toBe(200);
      let sseText = '';
      const sseReader = sse.body?.getReader();
      if (!sseReader) throw new Error('SSE answered without a body');
      const sseDone = (async () => {
        const decoder = new TextDecoder();
        for (;;) {
          const chunk = await sseReader.read();
          if (chunk.done) return 'ended';
          sseText += decoder.decode(chunk.value, { stream: true });
        }
      })();
      await waitFor(
        () => sseText.includes('event: resume'),
        WAIT_MS,
        () => `SSE resume; got ${sseText}`,
      );

      const ackResponse = await fetch(`${server.url}/api/rooms/${room}/messages?client=${unique('c')}`, {
        method: 'POST',
        body: JSON.stringify({ id: 'last-words', from: 'ada', text: 'committed before shutdown' }),
      });
      expect(ackResponse.status).toBe(201);
      const ack = await ackResponse.json();

      const pollAbort = new AbortController();
      aborts.push(pollAbort);
      const pollClient = unique('c');
      // A first poll makes polluser present, so the held long poll is not answered by its own join line.
      const first = await fetch(
        `${server.url}/api/rooms/${room}/poll?client=${pollClient}&name=polluser&since=${ack.cursor}`,
      );
      const firstBody = PollResponse.parse(await first.json());
      const held = fetch(
        `${server.url}/api/rooms/${room}/long-poll?client=${pollClient}&name=polluser&since=${firstBody.cursor}&timeoutMs=20000`,
        { signal: pollAbort.signal },
      );
      await waitFor(
        () => server.connections.countFor(pollClient) === 1,
        WAIT_MS,
        () => 'the long poll to be held',
      );

      const started = performance.now();
      await server.shutdown();
      const shutdownMs = performance.now() - started;

      const closed = await wsClosed;
      expect(closed.code).toBe(CLOSE_CODES.goingAway);
      expect(wsFrames.some((frame) => frame.includes('committed before shutdown'))).toBe(true);

      expect(await Promise.race([sseDone, sleep(WAIT_MS).then(() => 'still open')])).toBe('ended');
      const afterMessage = sseText.slice(sseText.indexOf('committed before shutdown'));
      expect(sseText).toContain('committed before shutdown');
      expect(afterMessage).toMatch(/\nretry: \d+\n/);

      const pollResponse = await held;
      expect(pollResponse.status).toBe(200);
      expect(PollResponse.parse(await pollResponse.json()).messages).toEqual([]);

      // Every connection released itself, so shutdown did not have to wait out its grace.
      expect(shutdownMs).toBeLessThan(3_000);
      await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
    } finally {
      ws?.terminate();
      for (const abort of aborts) abort.abort();
      await server.shutdown();
    }
  });
});
