import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures.ts';
import { decodeBase64 } from './hex-grid.ts';
import { parseMaskingKey, payloadRange, xorTable } from './xor.ts';

const decoder = new TextDecoder();

describe('parseMaskingKey', () => {
  it('takes exactly 8 hex digits', () => {
    expect(parseMaskingKey('c11e9039')).toEqual([0xc1, 0x1e, 0x90, 0x39]);
    for (const bad of [null, undefined, '', 'c11e903', 'c11e9039aa', 'zz1e9039']) {
      expect(parseMaskingKey(bad)).toBeNull();
    }
  });
});

describe('xorTable', () => {
  it('unmasks the captured client frame into the text the decoder saw', () => {
    const event = fixture('wsClientText');
    const bytes = decodeBase64(event.bytesBase64);
    const range = payloadRange(event.layers);
    expect(range).toEqual({ byteOffset: 6, byteLength: 61 });
    const table = range && xorTable(bytes, event.ws?.maskingKey ?? null, range);
    expect(table?.rows).toHaveLength(61);
    expect(table?.rows[0]).toMatchObject({ index: 0, byteOffset: 6, masked: 0xba, keyIndex: 0, key: 0xc1 });
    expect(table?.rows[0]?.unmasked).toBe(0xba ^ 0xc1);
    expect(table?.rows[5]).toMatchObject({ keyIndex: 1, key: 0x1e });
    const decoded = event.layers[1]?.fields.find((field) => field.name === 'Unmasked payload (UTF-8 text)');
    expect(decoder.decode(table?.unmasked)).toBe(decoded?.value);
    expect(table?.rows.find((row) => row.text.kind === 'bidi')?.text.text).toBe('⟨RLO⟩');
  });

  it('unmasks a close frame into its code and reason', () => {
    const event = fixture('wsClientClose');
    const range = payloadRange(event.layers);
    const table = range && xorTable(decodeBase64(event.bytesBase64), event.ws?.maskingKey ?? null, range);
    expect(Array.from(table?.unmasked ?? [])).toEqual([0x03, 0xe8, 0x62, 0x79, 0x65]);
  });

  it('stops at the captured bytes of a truncated frame', () => {
    const event = fixture('wsClientTextTruncated');
    const range = payloadRange(event.layers);
    const table = range && xorTable(decodeBase64(event.bytesBase64), event.ws?.maskingKey ?? null, range);
    expect(table?.payloadLength).toBe(5035);
    expect(table?.capturedPayloadBytes).toBe(4096 - 8);
    expect(decoder.decode(table?.unmasked).startsWith('{"type":"send","id":"m2","text":"xxx')).toBe(true);
  });

  it('refuses without a key', () => {
    expect(xorTable(new Uint8Array(4), null, { byteOffset: 0, byteLength: 4 })).toBeNull();
  });
});
