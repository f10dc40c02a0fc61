import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes.ts';
import { type Http1Event, Http1Parser, type Http1ParserOptions, MAX_HEAD_BYTES } from './http1.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const ascii = (b: Uint8Array) => new TextDecoder().decode(b);

interface Collected {
  events: Http1Event[];
  errors: string[];
  leftover: number[];
  upgraded: boolean;
}

function parseInPieces(
  bytes: Uint8Array,
  cuts: number[],
  options: Http1ParserOptions,
  methods: string[] = [],
): Collected {
  const parser = new Http1Parser(options);
  for (const m of methods) parser.expectResponseTo(m);
  const out: Collected = { events: [], errors: [], leftover: [], upgraded: false };
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    const r = parser.push(bytes.subarray(from, cut));
    out.events.push(...r.events);
    if (r.error) out.errors.push(r.error.code);
    out.leftover.push(...r.leftover);
    out.upgraded = r.upgraded;
    from = cut;
  }
  return out;
}

/** Everything but the body-data pieces (whose boundaries follow the reads), plus the joined body bytes. */
function normalize(c: Collected): string {
  const body: number[] = [];
  const rest = c.events.filter((e) => {
    if (e.kind === 'body-data') body.push(...e.bytes);
    return e.kind !== 'body-data';
  });
  return JSON.stringify({ rest, body, errors: c.errors, leftover: c.leftover }, (_k, v: unknown) =>
    v instanceof Uint8Array ? toHex(v) : v,
  );
}

const kinds = (c: Collected) => c.events.filter((e) => e.kind !== 'body-data').map((e) => e.kind);

const REQUESTS = utf8(
  'GET /api/rooms/lobby/poll?client=a1 HTTP/1.1\r\nHost: localhost:8080\r\nAccept: */*\r\n\r\n' +
    'POST /api/rooms/lobby/messages?client=a1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"text":"hi"}',
);

const SSE_RESPONSE =
  'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n' +
  'f\r\ndata: hello\n\n\r\n\r\n' +
  '5;note=x\r\n:hb\n\n\r\n' +
  '0\r\nX-Trailer: done\r\n\r\n';

describe('requests', () => {
  it('parses a keep-alive sequence: GET, then POST with a Content-Length body', () => {
    const c = parseInPieces(REQUESTS, [], { direction: 'in' });
    expect(c.errors).toEqual([]);
    expect(kinds(c)).toEqual(['head', 'message-end', 'head', 'body', 'message-end']);
    const [get] = c.events;
    if (get?.kind !== 'head') throw new Error('expected a head');
    expect(get.request).toEqual({
      method: 'GET',
      target: '/api/rooms/lobby/poll?client=a1',
      version: 'HTTP/1.1',
    });
    expect(get.layers.map((l) => [l.name, l.byteOffset, l.byteLength])).toEqual([
      ['Request line', 0, 46],
      ['Header: Host (22 bytes)', 46, 22],
      ['Header: Accept (13 bytes)', 68, 13],
      ['End of head', 81, 2],
    ]);
    expect(get.layers[0]?.fields.map((f) => [f.name, f.byteOffset, f.byteLength])).toEqual([
      ['Method', 0, 3],
      ['Space', 3, 1],
      ['Request target', 4, 31],
      ['Space', 35, 1],
      ['HTTP version', 36, 8],
      ['Line end', 44, 2],
    ]);
    const body = c.events.find((e) => e.kind === 'body');
    expect(body?.kind === 'body' && ascii(body.data)).toBe('{"text":"hi"}');
    expect(c.events.at(-1)).toMatchObject({
      kind: 'message-end',
      messageIndex: 1,
      byteLength: REQUESTS.length - 83,
      bodyLength: 13,
      keepAlive: true,
    });
  });

  it('holds bytes after an Upgrade request until the answer is known', () => {
    const parser = new Http1Parser({ direction: 'in' });
    const head =
      'GET /api/rooms/a/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    expect(parser.push(utf8(head)).events.map((e) => e.kind)).toEqual(['head', 'message-end']);
    expect(parser.push(fromHex('8185')).events).toEqual([]);
    const done = parser.resolveUpgrade(true);
    expect(done.upgraded).toBe(true);
    expect(toHex(done.leftover, 9, '')).toBe('8185');
    expect(toHex(parser.push(fromHex('37fa')).leftover, 9, '')).toBe('37fa');
  });

  it('stops with a code on a malformed head, and on a head over the cap', () => {
    expect(parseInPieces(utf8('HELLO\r\n\r\n'), [], { direction: 'in' }).errors).toEqual([
      'HTTP_BAD_START_LINE',
    ]);
    expect(
      parseInPieces(utf8('GET / HTTP/1.1\r\nBad Header: x\r\n\r\n'), [], { direction: 'in' }).errors,
    ).toEqual(['HTTP_BAD_HEADER']);
    expect(parseInPieces(utf8('GET / HTTP/1.1\r\n folded\r\n\r\n'), [], { direction: 'in' }).errors).toEqual([
      'HTTP_OBS_FOLD',
    ]);
    const huge = utf8(`GET / HTTP/1.1\r\nX: ${'a'.repeat(MAX_HEAD_BYTES)}`);
    expect(parseInPieces(huge, [1000, 40000], { direction: 'in' }).errors).toEqual(['HTTP_HEAD_TOO_LARGE']);
    expect(
      parseInPieces(utf8('POST / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n'), [], { direction: 'in' }).errors,
    ).toEqual(['HTTP_BAD_CONTENT_LENGTH']);
  });
});

describe('responses', () => {
  it('emits each chunk of a streaming SSE response as it arrives', () => {
    const parser = new Http1Parser({ direction: 'out' });
    const bytes = utf8(SSE_RESPONSE);
    const headEnd = SSE_RESPONSE.indexOf('f\r\n');
    const first = parser.push(bytes.subarray(0, headEnd + 'f\r\ndata: hello\n\n\r\n\r\n'.length));
    expect(first.events.map((e) => e.kind)).toEqual(['head', 'body-data', 'chunk']);
    const chunk = first.events[2];
    if (chunk?.kind !== 'chunk') throw new Error('expected a chunk');
    expect(chunk).toMatchObject({ size: 15, last: false, byteOffset: headEnd, byteLength: 20 });
    expect(ascii(chunk.data)).toBe('data: hello\n\n\r\n');
    expect(chunk.layers.map((l) => l.name)).toEqual(['Chunk size line', 'Chunk data']);
    const rest = parser.push(bytes.subarray(first.events.length ? headEnd + 20 : 0));
    expect(rest.events.map((e) => e.kind)).toEqual(['body-data', 'chunk', 'chunk', 'message-end']);
    expect(rest.events[1]).toMatchObject({ kind: 'chunk', size: 5, extension: ';note=x' });
    expect(rest.events[2]).toMatchObject({
      kind: 'chunk',
      last: true,
      trailers: [{ name: 'X-Trailer', value: 'done' }],
    });
  });

  it('knows which responses have no body: HEAD, 204, 304, 1xx', () => {
    const bytes = utf8(
      'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n' +
        'HTTP/1.1 204 No Content\r\n\r\n' +
        'HTTP/1.1 100 Continue\r\n\r\n' +
        'HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}',
    );
    const c = parseInPieces(bytes, [], { direction: 'out' }, ['HEAD', 'GET', 'POST']);
    expect(c.errors).toEqual([]);
    const heads = c.events.flatMap((e) =>
      e.kind === 'head' ? [[e.response?.status, e.requestMethod, e.bodyMode]] : [],
    );
    expect(heads).toEqual([
      [200, 'HEAD', 'none'],
      [204, 'GET', 'none'],
      [100, 'POST', 'none'],
      [201, 'POST', 'content-length'],
    ]);
  });

  it('hands back the WebSocket bytes that follow a 101', () => {
    const head =
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';
    const bytes = new Uint8Array([...utf8(head), ...fromHex('810548656c6c6f')]);
    for (const cut of [0, head.length - 1, head.length, head.length + 3, bytes.length]) {
      const c = parseInPieces(bytes, [cut], { direction: 'out' });
      expect(c.upgraded).toBe(true);
      expect(kinds(c)).toEqual(['head', 'message-end', 'upgrade']);
      expect(c.events.at(-1)).toMatchObject({ kind: 'upgrade', byteOffset: head.length });
      expect(toHex(Uint8Array.from(c.leftover), 99, '')).toBe('810548656c6c6f');
    }
  });

  it('reads a body without length until the connection closes', () => {
    const parser = new Http1Parser({ direction: 'out' });
    parser.push(utf8('HTTP/1.0 200 OK\r\n\r\nabc'));
    const end = parser.end();
    expect(end.events.map((e) => e.kind)).toEqual(['body', 'message-end']);
    expect(end.events[1]).toMatchObject({ bodyLength: 3, keepAlive: false });
  });

  it('reports a connection closed mid-message', () => {
    const parser = new Http1Parser({ direction: 'out' });
    parser.push(utf8('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab'));
    expect(parser.end().error?.code).toBe('HTTP_INCOMPLETE_MESSAGE');
  });
});

describe('splits at every byte boundary', () => {
  const stream = utf8(`${SSE_RESPONSE}HTTP/1.1 200 OK\nContent-Length: 4\n\nbody`);

  it('gives the same events for every two-piece split and one byte at a time', () => {
    const whole = normalize(parseInPieces(stream, [], { direction: 'out' }));
    expect(parseInPieces(stream, [], { direction: 'out' }).errors).toEqual([]);
    for (let cut = 0; cut <= stream.length; cut++)
      expect(normalize(parseInPieces(stream, [cut], { direction: 'out' }))).toBe(whole);
    const bytewise = Array.from({ length: stream.length }, (_, i) => i);
    expect(normalize(parseInPieces(stream, bytewise, { direction: 'out' }))).toBe(whole);
    const requestsWhole = normalize(parseInPieces(REQUESTS, [], { direction: 'in' }));
    for (let cut = 0; cut <= REQUESTS.length; cut++)
      expect(normalize(parseInPieces(REQUESTS, [cut], { direction: 'in' }))).toBe(requestsWhole);
  });
});

describe('properties', () => {
  it('a keep-alive run of Content-Length and chunked responses gives back every body', () => {
    const body = fc.record({
      text: fc.string({ maxLength: 300 }),
      chunked: fc.boolean(),
      pieces: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(
        fc.array(body, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (bodies, rawCuts) => {
          let wire = '';
          for (const b of bodies) {
            const bytes = utf8(b.text);
            if (!b.chunked) {
              wire += `HTTP/1.1 200 OK\r\nContent-Length: ${bytes.length}\r\n\r\n${b.text}`;
              continue;
            }
            wire += 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
            const size = Math.ceil(bytes.length / b.pieces);
            for (let at = 0; at < bytes.length; at += size) {
              const piece = bytes.subarray(at, at + size);
              wire += `${piece.length.toString(16)}\r\n${ascii(piece)}\r\n`;
            }
            wire += '0\r\n\r\n';
          }
          const bytes = utf8(wire);
          const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
          const c = parseInPieces(bytes, cuts, { direction: 'out' });
          expect(c.errors).toEqual([]);
          const bodiesSeen = bodies.map(() => [] as number[]);
          for (const e of c.events) if (e.kind === 'body-data') bodiesSeen[e.messageIndex]?.push(...e.bytes);
          expect(bodiesSeen.map((b) => ascii(Uint8Array.from(b)))).toEqual(bodies.map((b) => b.text));
          expect(c.events.filter((e) => e.kind === 'message-end')).toHaveLength(bodies.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('arbitrary bytes never throw, in either direction', () => {
    const prefix = fc.constantFrom(
      '',
      'GET / HTTP/1.1\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    fc.assert(
      fc.property(
        prefix,
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        (p, tail, rawCuts, isIn) => {
          const bytes = new Uint8Array([...utf8(p), ...tail]);
          const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
          const parser = new Http1Parser({ direction: isIn ? 'in' : 'out' });
          let from = 0;
          for (const cut of [...cuts, bytes.length]) {
            parser.push(bytes.subarray(from, cut));
            from = cut;
          }
          parser.end();
          parser.resolveUpgrade(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
