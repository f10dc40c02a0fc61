/**
 * The hex and text grid of one wire unit: 16 bytes a row, each byte with its hex, what it reads as, and
 * which layer and field it belongs to. Text is decoded only where the unit is text (UTF-8, RFC 3629);
 * elsewhere a byte that is not printable ASCII shows as ·, like a packet dump does.
 */
import type { WireEvent } from '../../../protocol/inspect.ts';
import { readUtf8 } from '../../../protocol/wire/bytes.ts';
import type { Layer } from '../../../protocol/wire/layers.ts';
import { type EscapeKind, escapeCodePoint } from './escapes.ts';

/** The usual width of a dump; the presenter theme halves it so the type can be twice as large. */
export const BYTES_PER_ROW = 16;
/** Bytes drawn before "show more": 1 KiB, 64 rows of 16. */
export const HEX_BYTES_PER_PAGE = 1024;

export type CellKind = EscapeKind | 'ascii' | 'continuation' | 'binary' | 'cut';

export interface TextCell {
  /** What the text column shows for this byte; '' on the later bytes of a multi-byte character. */
  text: string;
  kind: CellKind;
  /** How many bytes the text stands for: 2-4 on the first byte of a multi-byte UTF-8 character. */
  span: number;
  note: string | null;
}

export interface HexCell extends TextCell {
  byteOffset: number;
  byte: number;
  hex: string;
  /** Index into the event's layers of the most specific layer holding this byte, -1 for none. */
  layerIndex: number;
  /** Index into that layer's fields of the most specific field holding this byte, -1 for none. */
  fieldIndex: number;
}

export interface HexRow {
  byteOffset: number;
  cells: HexCell[];
}

export interface ByteRange {
  byteOffset: number;
  byteLength: number;
}

export function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function hexByte(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

function binaryCell(byte: number): TextCell {
  if (byte >= 0x21 && byte <= 0x7e)
    return { text: String.fromCharCode(byte), kind: 'ascii', span: 1, note: null };
  if (byte === 0x20) return { text: ' ', kind: 'ascii', span: 1, note: 'space' };
  return { text: '·', kind: 'binary', span: 1, note: 'not printable text' };
}

function textCellsInRange(
  bytes: Uint8Array,
  start: number,
  end: number,
  cutByCapture: boolean,
  out: TextCell[],
): void {
  let i = start;
  while (i < end) {
    const read = readUtf8(bytes, i, end);
    if (read.kind === 'invalid' || (read.kind === 'cut' && !cutByCapture)) {
      out[i] = {
        text: '�',
        kind: 'invalid',
        span: 1,
        note: `0x${hexByte(bytes[i] ?? 0)} is not valid UTF-8 here, so a decoder shows � (U+FFFD)`,
      };
      i++;
      continue;
    }
    if (read.kind === 'cut') {
      for (let k = i; k < end; k++) {
        out[k] = {
          text: k === i ? '…' : '',
          kind: k === i ? 'cut' : 'continuation',
          span: k === i ? end - i : 1,
          note: 'the start of a UTF-8 character whose last bytes were not captured',
        };
      }
      return;
    }
    const escaped = escapeCodePoint(read.codePoint);
    const kind: CellKind =
      escaped.kind === 'plain' ? (read.codePoint < 0x80 ? 'ascii' : 'plain') : escaped.kind;
    out[i] = {
      text: escaped.text,
      kind,
      span: read.length,
      note:
        escaped.note ??
        (read.length > 1
          ? `one character, ${read.length} bytes in UTF-8`
          : read.codePoint === 0x20
            ? 'space'
            : null),
    };
    for (let k = 1; k < read.length; k++) {
      out[i + k] = { text: '', kind: 'continuation', span: 1, note: 'continues the character before' };
    }
    i += read.length;
  }
}

/**
 * What each byte reads as: UTF-8 inside `textRanges`, a packet-dump view outside them. A character cut
 * by the end of a range (or of the captured bytes) shows as … rather than as invalid.
 */
export function textCells(bytes: Uint8Array, textRanges: readonly ByteRange[]): TextCell[] {
  const out: TextCell[] = Array.from(bytes, binaryCell);
  for (const range of textRanges) {
    const start = Math.max(0, range.byteOffset);
    const end = Math.min(bytes.length, range.byteOffset + range.byteLength);
    const cutByCapture = range.byteOffset + range.byteLength > bytes.length;
    if (end > start) textCellsInRange(bytes, start, end, cutByCapture, out);
  }
  return out;
}

/** Where the unit holds text: HTTP and SSE are text throughout; a WebSocket frame only in an unmasked text payload. */
export function textRangesOf(event: Pick<WireEvent, 'unit' | 'byteLength' | 'ws' | 'layers'>): ByteRange[] {
  switch (event.unit) {
    case 'http-request':
    case 'http-response':
    case 'http-chunk':
    case 'sse-event':
    case 'sse-comment':
    case 'ws-handshake':
      return [{ byteOffset: 0, byteLength: event.byteLength }];
    case 'ws-frame': {
      const ws = event.ws;
      if (!ws || ws.masked || ws.rsv1) return [];
      // Text frames, their continuations, and binary payloads that are valid UTF-8 (the decoder says which).
      const payload = event.layers.find((layer) => layer.name === 'WebSocket payload');
      const readsAsText = payload?.fields.some(
        (field) => field.name.endsWith('(UTF-8 text)') || field.name.endsWith('read as UTF-8'),
      );
      if (payload && readsAsText) return [{ byteOffset: payload.byteOffset, byteLength: payload.byteLength }];
      const reason = event.layers
        .flatMap((layer) => layer.fields)
        .find((field) => field.name === 'Close reason');
      return reason ? [{ byteOffset: reason.byteOffset, byteLength: reason.byteLength }] : [];
    }
    case 'tcp-open':
    case 'tcp-close':
      return [];
    default:
      return event.unit satisfies never;
  }
}

/**
 * The layer and field a byte belongs to. Layers overlap (an SSE line inside its chunk's data; the Accept
 * computation over its header line), so the smallest holder wins, the earlier one on a tie.
 */
export function ownerAt(
  layers: readonly Layer[],
  byteOffset: number,
): { layerIndex: number; fieldIndex: number } {
  let layerIndex = -1;
  let layerSize = Number.POSITIVE_INFINITY;
  layers.forEach((layer, index) => {
    if (contains(layer, byteOffset) && layer.byteLength < layerSize) {
      layerIndex = index;
      layerSize = layer.byteLength;
    }
  });
  let fieldIndex = -1;
  let fieldSize = Number.POSITIVE_INFINITY;
  layers[layerIndex]?.fields.forEach((field, index) => {
    if (contains(field, byteOffset) && field.byteLength < fieldSize) {
      fieldIndex = index;
      fieldSize = field.byteLength;
    }
  });
  return { layerIndex, fieldIndex };
}

function contains(range: ByteRange, byteOffset: number): boolean {
  return byteOffset >= range.byteOffset && byteOffset < range.byteOffset + range.byteLength;
}

/** The grid's rows for the first `maxBytes` bytes. */
export function hexRows(
  bytes: Uint8Array,
  layers: readonly Layer[],
  textRanges: readonly ByteRange[],
  maxBytes: number,
  bytesPerRow = BYTES_PER_ROW,
): HexRow[] {
  const shown = Math.min(bytes.length, maxBytes);
  const text = textCells(bytes, textRanges);
  const rows: HexRow[] = [];
  for (let start = 0; start < shown; start += bytesPerRow) {
    const cells: HexCell[] = [];
    for (let at = start; at < Math.min(shown, start + bytesPerRow); at++) {
      const byte = bytes[at] ?? 0;
      const cell = text[at] ?? binaryCell(byte);
      cells.push({ ...cell, byteOffset: at, byte, hex: hexByte(byte), ...ownerAt(layers, at) });
    }
    rows.push({ byteOffset: start, cells });
  }
  return rows;
}

export function cellAt(
  rows: readonly HexRow[],
  byteOffset: number,
  bytesPerRow: number,
): HexCell | undefined {
  return rows[Math.floor(byteOffset / bytesPerRow)]?.cells[byteOffset % bytesPerRow];
}

/** One stretch of highlighted cells within a row. */
export interface RowRun {
  row: number;
  startColumn: number;
  /** Exclusive. */
  endColumn: number;
}

/** Where a byte range falls on the grid, row by row, clipped to the rows drawn. */
export function rangeRuns(range: ByteRange, shownBytes: number, bytesPerRow = BYTES_PER_ROW): RowRun[] {
  const runs: RowRun[] = [];
  const start = Math.max(0, range.byteOffset);
  const end = Math.min(shownBytes, range.byteOffset + range.byteLength);
  for (let at = start; at < end; ) {
    const row = Math.floor(at / bytesPerRow);
    const rowEnd = Math.min(end, (row + 1) * bytesPerRow);
    runs.push({ row, startColumn: at % bytesPerRow, endColumn: rowEnd - row * bytesPerRow });
    at = rowEnd;
  }
  return runs;
}
