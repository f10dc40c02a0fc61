/**
 * The shapes every wire decoder returns. A decoded unit (a WebSocket frame, an SSE event, an
 * HTTP head or chunk) is a list of layers; a layer is a named byte range made of fields; a field
 * is the smallest thing the page draws, with one plain-language sentence saying what it is for.
 *
 * Byte offsets count from the first byte pushed into that decoder, so they line up with the raw
 * bytes of one direction of one TCP connection. Bit offsets count from the most significant bit
 * of the field's first byte (bit 0 is the leftmost bit in the RFC diagrams).
 */

export type FieldValue = string | number | boolean;

export interface Field {
  name: string;
  byteOffset: number;
  byteLength: number;
  /** Only when the field is smaller than its byte range: 0 is the most significant bit. */
  bitOffset?: number;
  bitLength?: number;
  value: FieldValue;
  /** One sentence for a learner: what this byte (or bit) is for, in our own words. */
  meaning: string;
}

export interface Layer {
  name: string;
  byteOffset: number;
  byteLength: number;
  fields: Field[];
}

/** A stable `code` (like `WS_ERR_INVALID_OPCODE`) the page can switch on, and a message for people. */
export interface DecodeError {
  code: string;
  message: string;
  /** Where in the stream the problem was seen, when known. */
  byteOffset?: number;
  /** The close code a WebSocket endpoint would fail the connection with (RFC 6455 7.4.1). */
  closeCode?: number;
}

export type Result<T, E = DecodeError> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(code: string, message: string, byteOffset?: number): { ok: false; error: DecodeError } {
  return { ok: false, error: decodeError(code, message, byteOffset) };
}

export function decodeError(
  code: string,
  message: string,
  byteOffset?: number,
  closeCode?: number,
): DecodeError {
  const error: DecodeError = { code, message };
  if (byteOffset !== undefined) error.byteOffset = byteOffset;
  if (closeCode !== undefined) error.closeCode = closeCode;
  return error;
}

/** Builds a field without repeating property names at every call site. */
export function field(
  name: string,
  byteOffset: number,
  byteLength: number,
  value: FieldValue,
  meaning: string,
  bits?: { bitOffset: number; bitLength: number },
): Field {
  const built: Field = { name, byteOffset, byteLength, value, meaning };
  if (bits) {
    built.bitOffset = bits.bitOffset;
    built.bitLength = bits.bitLength;
  }
  return built;
}

/** A layer spanning exactly its fields (the first field's start to the last field's end). */
export function layer(name: string, fields: Field[], byteOffset?: number, byteLength?: number): Layer {
  const first = fields[0];
  const start = byteOffset ?? first?.byteOffset ?? 0;
  let end = start;
  for (const f of fields) end = Math.max(end, f.byteOffset + f.byteLength);
  return { name, byteOffset: start, byteLength: byteLength ?? end - start, fields };
}
