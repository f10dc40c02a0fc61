import { describe, expect, it } from 'vitest';
import { readUtf8 } from '../../../protocol/wire/bytes.ts';
import { fixture } from './fixtures.ts';
import {
  BYTES_PER_ROW,
  cellAt,
  decodeBase64,
  hexRows,
  ownerAt,
  rangeRuns,
  textCells,
  textRangesOf,
} from './hex-grid.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);
const all = (bytes: Uint8Array) => [{ byteOffset: 0, byteLength: bytes.length }];

describe('textCells', () => {
  it('shows control characters as control pictures, never as themselves', () => {
    const bytes = new Uint8Array([0x00, 0x09, 0x0a, 0x0d, 0x1b, 0x7f]);
    expect(textCells(bytes, all(bytes)).map((cell) => cell.text)).toEqual(['␀', '␉', '␊', '␍', '␛', '␡']);
    expect(textCells(bytes, all(bytes)).every((cell) => cell.kind === 'control')).toBe(true);
  });

  it('names bidi overrides and isolates instead of applying them', () => {
    const bytes = utf8('a\u202Eb\u2066c\u2069');
    const cells = textCells(bytes, all(bytes));
    expect(cells.map((cell) => cell.text)).toEqual([
      'a',
      '⟨RLO⟩',
      '',
      '',
      'b',
      '⟨LRI⟩',
      '',
      '',
      'c',
      '⟨PDI⟩',
      '',
      '',
    ]);
    expect(cells[1]).toMatchObject({ kind: 'bidi', span: 3 });
    expect(cells[2]?.kind).toBe('continuation');
    expect(cells[1]?.note).toContain('right-to-left override');
  });

  it('shows invisible format characters by name and combining marks on a dotted circle', () => {
    const bytes = utf8('\u200B\uFEFFe\u0301');
    const cells = textCells(bytes, all(bytes)).filter((cell) => cell.text !== '');
    expect(cells.map((cell) => cell.text)).toEqual(['⟨ZWSP⟩', '⟨BOM⟩', 'e', '◌\u0301']);
  });

  it('keeps multi-byte characters whole on their first byte', () => {
    const bytes = utf8('✓😀');
    const cells = textCells(bytes, all(bytes));
    expect(cells[0]).toMatchObject({ text: '✓', span: 3, kind: 'plain' });
    expect(cells[3]).toMatchObject({ text: '😀', span: 4 });
    expect(cells.slice(4).every((cell) => cell.kind === 'continuation')).toBe(true);
  });

  it('marks invalid UTF-8 as � with a note: stray bytes, overlongs, surrogates, too-large', () => {
    for (const bad of [[0xff], [0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      const bytes = new Uint8Array([0x61, ...bad, 0x62]);
      const cells = textCells(bytes, all(bytes));
      expect(cells[0]?.text).toBe('a');
      expect(cells[1]).toMatchObject({ text: '�', kind: 'invalid' });
      expect(cells[1]?.note).toMatch(/not valid UTF-8/);
      expect(cells.at(-1)?.text).toBe('b');
    }
  });

  it('says a character was cut by the capture, but calls a sequence cut inside the unit invalid', () => {
    const bytes = utf8('ok✓').subarray(0, 4);
    const cut = textCells(bytes, [{ byteOffset: 0, byteLength: 5 }]);
    expect(cut[2]).toMatchObject({ text: '…', kind: 'cut', span: 2 });
    const inside = textCells(bytes, all(bytes));
    expect(inside[2]).toMatchObject({ text: '�', kind: 'invalid' });
  });

  it('outside text ranges shows printable ASCII and · for everything else', () => {
    const bytes = new Uint8Array([0x81, 0x41, 0x00, 0xe2, 0x80, 0xae]);
    expect(textCells(bytes, []).map((cell) => cell.text)).toEqual(['·', 'A', '·', '·', '·', '·']);
  });
});

describe('readUtf8', () => {
  it('decodes the code point and length', () => {
    expect(readUtf8(utf8('€'), 0, 3)).toEqual({ kind: 'ok', length: 3, codePoint: 0x20ac });
    expect(readUtf8(utf8('€'), 0, 2)).toEqual({ kind: 'cut' });
  });
});

describe('ownerAt', () => {
  it('picks the smallest layer and field holding a byte (SSE line inside its chunk data)', () => {
    const event = fixture('sseResume');
    const { layerIndex, fieldIndex } = ownerAt(event.layers, 11);
    expect(event.layers[layerIndex]?.name).toBe('event line');
    expect(event.layers[layerIndex]?.fields[fieldIndex]?.name).toBe('Value');
    // The CRLF after the chunk data belongs to the chunk layer only.
    const tail = ownerAt(event.layers, 81);
    expect(event.layers[tail.layerIndex]?.name).toBe('Chunk data');
  });

  it('picks the close code over the masked payload that spans it', () => {
    const event = fixture('wsClientClose');
    const { layerIndex, fieldIndex } = ownerAt(event.layers, 7);
    expect(event.layers[layerIndex]?.fields[fieldIndex]?.name).toBe('Close code');
  });

  it('returns -1 for bytes outside every layer', () => {
    expect(ownerAt([], 3)).toEqual({ layerIndex: -1, fieldIndex: -1 });
  });
});

describe('hexRows', () => {
  it('lays out a masked client frame 16 bytes a row with lowercase hex and owners', () => {
    const event = fixture('wsClientText');
    const bytes = decodeBase64(event.bytesBase64);
    expect(bytes.length).toBe(event.byteLength);
    const rows = hexRows(bytes, event.layers, textRangesOf(event), 1024);
    expect(rows).toHaveLength(Math.ceil(67 / BYTES_PER_ROW));
    expect(rows[0]?.cells).toHaveLength(16);
    expect(rows[4]?.cells).toHaveLength(3);
    expect(rows[0]?.cells.slice(0, 6).map((cell) => cell.hex)).toEqual(['81', 'bd', 'c1', '1e', '90', '39']);
    expect(rows[0]?.cells[2]).toMatchObject({ layerIndex: 0, fieldIndex: 7 });
    expect(rows[1]?.byteOffset).toBe(16);
  });

  it('stops at maxBytes, in rows of 16 or of 8', () => {
    const event = fixture('wsClientTextTruncated');
    const bytes = decodeBase64(event.bytesBase64);
    expect(bytes.length).toBe(4096);
    const rows = hexRows(bytes, event.layers, textRangesOf(event), 1024);
    expect(rows).toHaveLength(64);
    expect(rows.at(-1)?.cells.at(-1)?.byteOffset).toBe(1023);
    const narrow = hexRows(bytes, event.layers, textRangesOf(event), 1024, 8);
    expect(narrow).toHaveLength(128);
    expect(narrow[1]?.byteOffset).toBe(8);
    expect(cellAt(narrow, 21, 8)?.byteOffset).toBe(21);
  });
});

describe('textRangesOf', () => {
  it('reads text only where the unit holds text', () => {
    expect(textRangesOf(fixture('wsClientText'))).toEqual([]);
    expect(textRangesOf(fixture('wsServerText'))).toEqual([{ byteOffset: 4, byteLength: 205 }]);
    expect(textRangesOf(fixture('wsServerClose'))).toEqual([{ byteOffset: 4, byteLength: 3 }]);
    expect(textRangesOf(fixture('wsPong'))).toEqual([]);
    expect(textRangesOf(fixture('sseResume'))).toEqual([{ byteOffset: 0, byteLength: 83 }]);
  });
});

describe('rangeRuns', () => {
  it('splits a range at row ends and clips to the shown bytes', () => {
    expect(rangeRuns({ byteOffset: 6, byteLength: 30 }, 64)).toEqual([
      { row: 0, startColumn: 6, endColumn: 16 },
      { row: 1, startColumn: 0, endColumn: 16 },
      { row: 2, startColumn: 0, endColumn: 4 },
    ]);
    expect(rangeRuns({ byteOffset: 6, byteLength: 4 }, 64, 8)).toEqual([
      { row: 0, startColumn: 6, endColumn: 8 },
      { row: 1, startColumn: 0, endColumn: 2 },
    ]);
    expect(rangeRuns({ byteOffset: 10, byteLength: 100 }, 20)).toEqual([
      { row: 0, startColumn: 10, endColumn: 16 },
      { row: 1, startColumn: 0, endColumn: 4 },
    ]);
  });
});
