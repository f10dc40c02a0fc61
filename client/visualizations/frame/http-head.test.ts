import { describe, expect, it } from 'vitest';
import { escapeCodePoint, visibleText } from './escapes.ts';
import { bitRangeText, byteRangeText, formatFieldValue } from './field-format.ts';
import { fixture } from './fixtures.ts';
import { decodeBase64 } from './hex-grid.ts';
import { acceptComputation, headLines } from './http-head.ts';

describe('headLines', () => {
  it('lists each line of an SSE response head with its byte count, line ends visible', () => {
    const event = fixture('httpResponseSse');
    const head = headLines(decodeBase64(event.bytesBase64), event.layers, event.byteLength);
    expect(head?.lines.map((line) => [line.kind, line.label, line.byteLength])).toEqual([
      ['start', 'Status line', 17],
      ['header', 'content-type', 48],
      ['header', 'cache-control', 39],
      ['header', 'connection', 24],
      ['header', 'x-accel-buffering', 23],
      ['header', 'Date', 37],
      ['header', 'Transfer-Encoding', 28],
      ['end', 'Empty line', 2],
    ]);
    expect(head?.lines[0]?.text).toBe('HTTP/1.1 200 OK␍␊');
    expect(head?.headBytes).toBe(218);
    expect(head?.lines.reduce((sum, line) => sum + line.byteLength, 0)).toBe(218);
    expect(head?.bodyBytes).toBe(0);
  });

  it('counts the body after a POST head', () => {
    const event = fixture('httpRequestPost');
    const head = headLines(decodeBase64(event.bytesBase64), event.layers, event.byteLength);
    expect(head?.lines[0]?.text).toMatch(/^POST \/api\/rooms\/fixtures\/messages\?client=\S+ HTTP\/1\.1␍␊$/);
    expect((head?.headBytes ?? 0) + (head?.bodyBytes ?? 0)).toBe(event.byteLength);
    expect(head?.bodyBytes).toBeGreaterThan(0);
  });
});

describe('acceptComputation', () => {
  it('reads the steps and the match from the 101', () => {
    const accept = acceptComputation(fixture('wsHandshake101').layers);
    expect(accept?.steps.map((step) => step.title)).toEqual([
      'Sec-WebSocket-Key',
      'Append the GUID',
      'SHA-1 digest',
      'Sec-WebSocket-Accept',
    ]);
    expect(accept?.steps[1]?.value).toContain('258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
    expect(accept?.matches).toBe(true);
    expect(acceptComputation(fixture('wsHandshakeRequest').layers)).toBeNull();
  });
});

describe('escapes and field text', () => {
  it('never lets a value carry a live control, bidi or format character', () => {
    const shown = visibleText('a\u202Eb\nc\u0000\u200Bd\u0085');
    expect(shown).toBe('a⟨RLO⟩b␊c␀⟨ZWSP⟩d⟨U+0085⟩');
    const live = [...shown].filter((char) => {
      const code = char.codePointAt(0) ?? 0;
      return (
        code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || code === 0x200b
      );
    });
    expect(live).toEqual([]);
    expect(escapeCodePoint(0xd800).kind).toBe('invalid');
  });

  it('writes bits, bytes and values the way the field list shows them', () => {
    expect(formatFieldValue({ value: true, bitLength: 1 })).toBe('1');
    expect(formatFieldValue({ value: false })).toBe('no');
    expect(formatFieldValue({ value: 'x\ty' })).toBe('x␉y');
    expect(byteRangeText({ byteOffset: 2, byteLength: 4 })).toBe('bytes 2–5');
    expect(byteRangeText({ byteOffset: 0, byteLength: 1 })).toBe('byte 0');
    expect(bitRangeText({ byteOffset: 0, bitOffset: 4, bitLength: 4 })).toBe('bits 4–7 of byte 0');
    expect(bitRangeText({ byteOffset: 1, bitOffset: 0, bitLength: 1 })).toBe('bit 0 of byte 1');
    expect(bitRangeText({ byteOffset: 2 })).toBeNull();
  });
});
