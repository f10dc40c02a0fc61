/**
 * Client-to-server masking (RFC 6455 5.3), byte by byte: payload byte i is XORed with key byte i mod 4.
 * Computed here from the captured bytes and the key, so the page shows the arithmetic, not the server's
 * answer; the unmasked text can then be checked against the decoder's.
 */
import type { Layer } from '../../../protocol/wire/layers.ts';
import { type ByteRange, hexByte, type TextCell, textCells } from './hex-grid.ts';

/** Rows of the XOR table drawn before "show more". */
export const XOR_ROWS_PER_PAGE = 32;
export const PAYLOAD_LAYERS: readonly string[] = ['WebSocket payload', 'Close payload'];

export interface XorRow {
  /** Position in the payload (i), which picks key byte i mod 4. */
  index: number;
  /** Position in the unit. */
  byteOffset: number;
  masked: number;
  keyIndex: number;
  key: number;
  unmasked: number;
  /** What the unmasked byte reads as, decoded as UTF-8 with visible escapes. */
  text: TextCell;
}

export interface XorTable {
  key: number[];
  keyHex: string;
  payloadLength: number;
  /** Payload bytes present in the capture (fewer than payloadLength when the unit was cut). */
  capturedPayloadBytes: number;
  rows: XorRow[];
  unmasked: Uint8Array;
}

/** "c11e9039" as four bytes; null unless exactly 8 hex digits. */
export function parseMaskingKey(hex: string | null | undefined): number[] | null {
  if (!hex || !/^[0-9a-fA-F]{8}$/.test(hex)) return null;
  return [0, 2, 4, 6].map((at) => Number.parseInt(hex.slice(at, at + 2), 16));
}

export function payloadRange(layers: readonly Layer[]): ByteRange | null {
  const payload = layers.find((layer) => PAYLOAD_LAYERS.includes(layer.name));
  return payload ? { byteOffset: payload.byteOffset, byteLength: payload.byteLength } : null;
}

export function xorTable(
  bytes: Uint8Array,
  maskingKeyHex: string | null,
  payload: ByteRange,
): XorTable | null {
  const key = parseMaskingKey(maskingKeyHex);
  if (!key) return null;
  const start = payload.byteOffset;
  const captured = Math.max(0, Math.min(payload.byteLength, bytes.length - start));
  const unmasked = new Uint8Array(captured);
  for (let i = 0; i < captured; i++) unmasked[i] = (bytes[start + i] ?? 0) ^ (key[i % 4] ?? 0);
  const text = textCells(unmasked, [{ byteOffset: 0, byteLength: payload.byteLength }]);
  const rows: XorRow[] = [];
  for (let i = 0; i < captured; i++) {
    rows.push({
      index: i,
      byteOffset: start + i,
      masked: bytes[start + i] ?? 0,
      keyIndex: i % 4,
      key: key[i % 4] ?? 0,
      unmasked: unmasked[i] ?? 0,
      text: text[i] ?? { text: '', kind: 'binary', span: 1, note: null },
    });
  }
  return {
    key,
    keyHex: key.map(hexByte).join(' '),
    payloadLength: payload.byteLength,
    capturedPayloadBytes: captured,
    rows,
    unmasked,
  };
}
