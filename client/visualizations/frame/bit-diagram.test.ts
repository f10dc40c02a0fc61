import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../protocol/wire/bytes.ts';
import { WsFrameDecoder } from '../../../protocol/wire/ws-frame.ts';
import { bitDiagram } from './bit-diagram.ts';
import { fixture } from './fixtures.ts';
import { decodeBase64 } from './hex-grid.ts';

describe('bitDiagram', () => {
  it('labels the bits of a masked client text frame from the layers', () => {
    const event = fixture('wsClientText');
    const diagram = bitDiagram(decodeBase64(event.bytesBase64), event.layers);
    expect(diagram?.lengthForm).toBe(7);
    expect(diagram?.rows).toHaveLength(6);
    const [first, second, key1] = diagram?.rows ?? [];
    expect(first?.bits).toEqual([1, 0, 0, 0, 0, 0, 0, 1]);
    expect(first?.segments.map((s) => [s.label, s.startBit, s.bitLength, s.bits, s.valueText])).toEqual([
      ['FIN', 0, 1, '1', '1'],
      ['RSV1', 1, 1, '0', '0'],
      ['RSV2', 2, 1, '0', '0'],
      ['RSV3', 3, 1, '0', '0'],
      ['opcode', 4, 4, '0001', '1 = text'],
    ]);
    expect(second?.segments.map((s) => [s.label, s.bits, s.valueText])).toEqual([
      ['MASK', '1', '1'],
      ['payload len', '0111101', '61'],
    ]);
    expect(key1?.segments).toEqual([
      {
        label: 'masking key 1/4',
        fieldIndex: 7,
        startBit: 0,
        bitLength: 8,
        bits: '11000001',
        valueText: '0xc1',
      },
    ]);
  });

  it('shows the 16-bit length form of a long frame', () => {
    const event = fixture('wsClientTextTruncated');
    const diagram = bitDiagram(decodeBase64(event.bytesBase64), event.layers);
    expect(diagram?.lengthForm).toBe(16);
    expect(diagram?.rows[1]?.segments[1]).toMatchObject({ label: 'payload len', valueText: '126' });
    expect(diagram?.rows[2]?.segments[0]?.label).toBe('extended length 1/2');
    expect(diagram?.rows.map((row) => row.hex).slice(2, 4)).toEqual(['13', 'ab']);
  });

  it('covers the 64-bit length form, decoded by the protocol decoder', () => {
    const header = fromHex('82 7f 00 00 00 00 00 01 00 00');
    const payload = new Uint8Array(65536);
    const { frames } = new WsFrameDecoder().push(new Uint8Array([...header, ...payload]));
    const layers = frames[0]?.layers ?? [];
    const diagram = bitDiagram(header, layers);
    expect(diagram?.lengthForm).toBe(64);
    expect(diagram?.rows).toHaveLength(10);
    expect(diagram?.rows[9]?.segments[0]?.label).toBe('extended length 8/8');
  });

  it('is null for units without a frame header', () => {
    const event = fixture('sseResume');
    expect(bitDiagram(decodeBase64(event.bytesBase64), event.layers)).toBeNull();
  });
});
