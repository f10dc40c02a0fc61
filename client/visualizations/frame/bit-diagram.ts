/**
 * The WebSocket frame header as rows of 8 bits, one row per header byte, each bit labelled with the field
 * it belongs to, as in the RFC 6455 5.2 diagram: FIN, RSV1-3, opcode, MASK, payload len, then the
 * extended length and masking key bytes. Built from the decoder's byte and bit ranges, not re-parsed.
 */
import type { Field, Layer } from '../../../protocol/wire/layers.ts';
import { hexByte } from './hex-grid.ts';

export const WS_HEADER_LAYER = 'WebSocket frame header';

export interface BitSegment {
  /** The short label drawn over the bits: FIN, RSV1, opcode, payload len, masking key 1/4. */
  label: string;
  fieldIndex: number;
  startBit: number;
  bitLength: number;
  /** The bits as written on the wire, most significant first: "0001". */
  bits: string;
  /** What those bits say: "1 = text", "61", "0x13". */
  valueText: string;
}

export interface BitRow {
  byteOffset: number;
  byte: number;
  hex: string;
  /** Eight 0/1 values, most significant bit first (bit 0 on the left, as in the RFC). */
  bits: number[];
  segments: BitSegment[];
}

export interface BitDiagram {
  layerIndex: number;
  rows: BitRow[];
  /** How the length is written: in the 7 bits alone, or 126/127 then 16 or 64 more bits. */
  lengthForm: 7 | 16 | 64;
}

function shortLabel(field: Field): string {
  if (field.name === 'Opcode') return 'opcode';
  if (field.name === 'Payload length') return 'payload len';
  if (field.name.startsWith('Extended payload length')) return 'extended length';
  if (field.name === 'Masking key') return 'masking key';
  return field.name;
}

function bitsOf(byte: number): number[] {
  return Array.from({ length: 8 }, (_, bit) => (byte >> (7 - bit)) & 1);
}

function segmentValue(field: Field, bits: string, byte: number, whole: boolean): string {
  if (!whole) return `0x${hexByte(byte)}`;
  const number = Number.parseInt(bits, 2);
  if (field.name === 'Opcode') {
    const name = /\(([^)]+)\)/.exec(String(field.value))?.[1];
    return name ? `${number} = ${name}` : String(number);
  }
  return String(number);
}

/** The diagram for an event's header layer, or null when the event has none (or its bytes are missing). */
export function bitDiagram(bytes: Uint8Array, layers: readonly Layer[]): BitDiagram | null {
  const layerIndex = layers.findIndex((layer) => layer.name === WS_HEADER_LAYER);
  const header = layers[layerIndex];
  if (!header || header.byteLength < 2 || bytes.length < header.byteOffset + header.byteLength) return null;
  const rows: BitRow[] = [];
  for (let at = header.byteOffset; at < header.byteOffset + header.byteLength; at++) {
    const byte = bytes[at] ?? 0;
    const bits = bitsOf(byte);
    const segments: BitSegment[] = [];
    header.fields.forEach((field, fieldIndex) => {
      if (at < field.byteOffset || at >= field.byteOffset + field.byteLength) return;
      const startBit = field.bitOffset ?? 0;
      const bitLength = field.bitLength ?? 8;
      const pattern = bits.slice(startBit, startBit + bitLength).join('');
      const whole = field.byteLength === 1;
      const part = at - field.byteOffset + 1;
      segments.push({
        label: whole ? shortLabel(field) : `${shortLabel(field)} ${part}/${field.byteLength}`,
        fieldIndex,
        startBit,
        bitLength,
        bits: pattern,
        valueText: segmentValue(field, pattern, byte, whole),
      });
    });
    segments.sort((a, b) => a.startBit - b.startBit);
    rows.push({ byteOffset: at, byte, hex: hexByte(byte), bits, segments });
  }
  const extended = header.fields.find((field) => field.name.startsWith('Extended payload length'));
  const lengthForm = extended ? (extended.byteLength === 2 ? 16 : 64) : 7;
  return { layerIndex, rows, lengthForm };
}
