import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from './bytes.ts';
import { parseEventStream, type SseEvent, SseParser, type SsePushResult, type SseUnit } from './sse.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const snapshot = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v));

function parseInPieces(bytes: Uint8Array, cuts: number[]): SsePushResult {
  const parser = new SseParser();
  const units: SseUnit[] = [];
  const errors: SsePushResult['errors'] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    const r = parser.push(bytes.subarray(from, cut));
    units.push(...r.units);
    errors.push(...r.errors);
    from = cut;
  }
  const last = parser.end();
  return { units: [...units, ...last.units], errors: [...errors, ...last.errors] };
}

const events = (r: SsePushResult) => r.units.filter((u): u is SseEvent => u.kind === 'event');
const dispatched = (r: SsePushResult) =>
  events(r)
    .filter((e) => e.status === 'dispatched')
    .map((e) => ({ type: e.type, data: e.data, lastEventId: e.lastEventId }));

describe('WHATWG HTML 9.2.6 examples', () => {
  it('joins data lines with LF: the stock ticker', () => {
    const r = parseEventStream(utf8('data: YHOO\ndata: +2\ndata: 10\n\n'));
    expect(dispatched(r)).toEqual([{ type: 'message', data: 'YHOO\n+2\n10', lastEventId: '' }]);
    const [event] = events(r);
    expect(event?.layers.map((l) => [l.name, l.byteOffset, l.byteLength])).toEqual([
      ['data line', 0, 11],
      ['data line', 11, 9],
      ['data line', 20, 9],
      ['Blank line (dispatch)', 29, 1],
    ]);
    expect(event?.layers[0]?.fields.map((f) => [f.name, f.byteOffset, f.byteLength, f.value])).toEqual([
      ['Field name', 0, 4, 'data'],
      ['Colon', 4, 1, ':'],
      ['Space', 5, 1, ' '],
      ['Value', 6, 4, 'YHOO'],
      ['Line end', 10, 1, 'LF or CR'],
    ]);
  });

  it('the "test stream": comments, id, id reset, one leading space kept', () => {
    const stream =
      ': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n';
    const r = parseEventStream(utf8(stream));
    expect(r.units.filter((u) => u.kind === 'comment').map((u) => u.kind === 'comment' && u.text)).toEqual([
      ' test stream',
    ]);
    expect(events(r).map((e) => e.status)).toEqual(['no-data', 'dispatched', 'dispatched', 'dispatched']);
    expect(dispatched(r)).toEqual([
      { type: 'message', data: 'first event', lastEventId: '1' },
      { type: 'message', data: 'second event', lastEventId: '' },
      { type: 'message', data: ' third event', lastEventId: '' },
    ]);
  });

  it('"data" without a colon, empty lines, and an unterminated last block', () => {
    const r = parseEventStream(utf8('data\n\ndata\ndata\n\ndata:'));
    expect(dispatched(r).map((e) => e.data)).toEqual(['', '\n']);
    const last = events(r).at(-1);
    expect(last).toMatchObject({ status: 'unterminated', byteOffset: 17, byteLength: 5 });
  });

  it('"data:test" and "data: test" mean the same', () => {
    expect(dispatched(parseEventStream(utf8('data:test\n\ndata: test\n\n'))).map((e) => e.data)).toEqual([
      'test',
      'test',
    ]);
  });
});

describe('field rules', () => {
  it('event sets the type; unknown fields are ignored', () => {
    const r = parseEventStream(utf8('event: resume\nfoo: bar\ndata: {}\n\n'));
    expect(dispatched(r)).toEqual([{ type: 'resume', data: '{}', lastEventId: '' }]);
  });

  it('an id containing NUL is ignored; the last id persists across events', () => {
    const r = parseEventStream(utf8('id: a\ndata: 1\n\nid: b\u0000c\ndata: 2\n\ndata: 3\n\n'));
    expect(dispatched(r).map((e) => e.lastEventId)).toEqual(['a', 'a', 'a']);
  });

  it('retry takes digits only', () => {
    const parser = new SseParser();
    const r = parser.push(utf8('retry: 3000\n\nretry: 12x\n\nretry: -5\n\nretry:\n\n'));
    expect(events(r).map((e) => e.retryMs)).toEqual([3000, null, null, null]);
    expect(parser.retryMs).toBe(3000);
  });

  it('strips one leading BOM only, even split across reads', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('data: a\n\n')]);
    const r = parseInPieces(bytes, [1, 2]);
    expect(r.units[0]).toMatchObject({ kind: 'bom', byteOffset: 0, byteLength: 3 });
    expect(dispatched(r)[0]?.data).toBe('a');
    const twice = parseEventStream(
      new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...utf8('data: a\n\n')]),
    );
    expect(events(twice)[0]?.status).toBe('no-data');
  });

  it('bytes that only start like a BOM are line bytes', () => {
    const r = parseEventStream(new Uint8Array([0xef, 0xbb, ...utf8('\ndata: b\n\n')]));
    expect(dispatched(r)).toEqual([{ type: 'message', data: 'b', lastEventId: '' }]);
  });

  it('CRLF, LF and lone CR all end lines; CR at the end of a read waits for a possible LF', () => {
    const bytes = utf8('data: a\r\ndata: b\rdata: c\n\r\n');
    const whole = parseEventStream(bytes);
    expect(dispatched(whole)[0]?.data).toBe('a\nb\nc');
    const parser = new SseParser();
    expect(parser.push(utf8('data: x\r')).units).toEqual([]);
    const next = parser.push(utf8('\n\r'));
    expect(next.units).toEqual([]);
    const fired = parser.push(utf8('data: y'));
    expect(fired.units.map((u) => u.kind === 'event' && u.data)).toEqual(['x']);
    expect(fired.units[0]?.layers[0]?.fields.at(-1)).toMatchObject({
      value: 'CRLF',
      byteOffset: 7,
      byteLength: 2,
    });
  });

  it('marks invalid UTF-8 as lossy instead of hiding it', () => {
    const r = parseEventStream(new Uint8Array([...utf8('data: '), 0xff, 0x0a, 0x0a]));
    expect(events(r)[0]).toMatchObject({ data: '\ufffd', lossy: true });
  });

  it('emits a heartbeat comment as soon as its line ends', () => {
    const parser = new SseParser();
    expect(parser.push(utf8(':hb\n')).units).toMatchObject([
      { kind: 'comment', text: 'hb', byteOffset: 0, byteLength: 4 },
    ]);
  });
});

const FIXTURE = utf8(
  '\ufeff: test stream\r\n\r\ndata: first event\nid: 1\r\rdata:second event\nid\n\nevent: x\nretry: 10\ndata:  third\r\n\r\ndata',
);

describe('splits at every byte boundary', () => {
  const whole = parseInPieces(FIXTURE, []);

  it('gives the same units for every two-piece split', () => {
    for (let cut = 0; cut <= FIXTURE.length; cut++)
      expect(snapshot(parseInPieces(FIXTURE, [cut]))).toBe(snapshot(whole));
  });

  it('gives the same units one byte at a time', () => {
    expect(
      snapshot(
        parseInPieces(
          FIXTURE,
          Array.from({ length: FIXTURE.length }, (_, i) => i),
        ),
      ),
    ).toBe(snapshot(whole));
  });

  it('covers every byte exactly once', () => {
    let at = 0;
    for (const unit of whole.units) {
      expect(unit.byteOffset).toBe(at);
      at = unit.byteOffset + unit.byteLength;
    }
    expect(at).toBe(FIXTURE.length);
  });
});

describe('properties', () => {
  const line = fc.string({ unit: fc.constantFrom('a', 'é', ' ', ':', 'd', '\u0000'), maxLength: 12 });

  it('events written by a server come back the same, however the bytes are cut', () => {
    const event = fc.record({
      type: fc.constantFrom('', 'message', 'resume'),
      id: line,
      data: fc.array(line, { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 5 }),
        fc.constantFrom('\n', '\r', '\r\n'),
        fc.array(fc.nat(), { maxLength: 5 }),
        (list, eol, rawCuts) => {
          let text = '';
          let lastId = '';
          const expected = list.map((e) => {
            if (e.type) text += `event: ${e.type}${eol}`;
            if (!e.id.includes('\u0000')) lastId = e.id;
            text += `id: ${e.id}${eol}`;
            for (const d of e.data) text += `data: ${d}${eol}`;
            text += eol;
            return { type: e.type || 'message', data: e.data.join('\n'), lastEventId: lastId };
          });
          const bytes = utf8(text);
          const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
          expect(dispatched(parseInPieces(bytes, cuts))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('arbitrary bytes never throw, and every layer lies inside its unit and the input', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (bytes, rawCuts) => {
          const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
          const r = parseInPieces(bytes, cuts);
          for (const unit of r.units) {
            expect(unit.byteOffset + unit.byteLength).toBeLessThanOrEqual(bytes.length);
            for (const l of unit.layers) {
              expect(l.byteOffset).toBeGreaterThanOrEqual(unit.byteOffset);
              expect(l.byteOffset + l.byteLength).toBeLessThanOrEqual(unit.byteOffset + unit.byteLength);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
