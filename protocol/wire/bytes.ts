/**
 * Small byte helpers shared by the decoders: hex, lossy-but-honest UTF-8, and a growable
 * buffer so byte-at-a-time input does not copy the whole pending buffer on every push.
 */

const HEX = '0123456789abcdef';

/** Lowercase hex with a space between bytes ("81 05 48"), at most `maxBytes` bytes then "…". */
export function toHex(bytes: Uint8Array, maxBytes = Number.POSITIVE_INFINITY, separator = ' '): string {
  const shown = Math.min(bytes.length, maxBytes);
  const parts: string[] = [];
  for (let i = 0; i < shown; i++) {
    const b = bytes[i] ?? 0;
    parts.push(HEX[b >> 4] + (HEX[b & 15] ?? ''));
  }
  return parts.join(separator) + (shown < bytes.length ? `${separator}…` : '');
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export type Utf8Read =
  | { kind: 'ok'; length: number; codePoint: number }
  | { kind: 'invalid' }
  | { kind: 'cut' };

/**
 * Reads one UTF-8 sequence at `i` (bytes before `end`) by the table in RFC 3629 section 4: no overlongs,
 * no surrogates, nothing above U+10FFFF. `cut` means the bytes ended inside the sequence.
 */
export function readUtf8(bytes: Uint8Array, i: number, end: number = bytes.length): Utf8Read {
  const b0 = bytes[i] ?? 0;
  if (b0 < 0x80) return { kind: 'ok', length: 1, codePoint: b0 };
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    if (b0 === 0xe0) lo = 0xa0;
    if (b0 === 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f;
  } else return { kind: 'invalid' };
  let codePoint = b0 & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
  for (let k = 1; k <= need; k++) {
    if (i + k >= end) return { kind: 'cut' };
    const b = bytes[i + k] ?? 0;
    if (k === 1 ? b < lo || b > hi : b < 0x80 || b > 0xbf) return { kind: 'invalid' };
    codePoint = (codePoint << 6) | (b & 0x3f);
  }
  return { kind: 'ok', length: need + 1, codePoint };
}

/**
 * Checks UTF-8 well-formedness (see readUtf8). `allowTruncatedEnd` accepts a sequence cut off by the
 * end of the bytes, for payloads we only kept the start of.
 */
export function isValidUtf8(bytes: Uint8Array, allowTruncatedEnd = false): boolean {
  let i = 0;
  while (i < bytes.length) {
    const read = readUtf8(bytes, i);
    if (read.kind === 'cut') return allowTruncatedEnd;
    if (read.kind === 'invalid') return false;
    i += read.length;
  }
  return true;
}

// ignoreBOM: a BOM inside a payload is content; only the SSE parser strips one, on purpose.
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Decodes UTF-8, replacing bad sequences with U+FFFD, and says honestly whether it had to. */
export function decodeUtf8(bytes: Uint8Array, allowTruncatedEnd = false): { text: string; lossy: boolean } {
  return { text: utf8.decode(bytes), lossy: !isValidUtf8(bytes, allowTruncatedEnd) };
}

/** Decodes bytes that should be ASCII (HTTP heads); anything else is shown, not trusted. */
export function decodeLatin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** An append-only byte buffer with amortised growth and consumption from the front. */
export class ByteQueue {
  private data = new Uint8Array(64);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.data.length) {
      const needed = this.length + chunk.length;
      const grown = new Uint8Array(Math.max(needed, this.data.length * 2));
      grown.set(this.data.subarray(this.start, this.end));
      this.data = grown;
      this.end -= this.start;
      this.start = 0;
    }
    this.data.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** A view of the pending bytes; valid until the next push or consume. */
  view(): Uint8Array {
    return this.data.subarray(this.start, this.end);
  }

  at(index: number): number | undefined {
    return index < this.length ? this.data[this.start + index] : undefined;
  }

  /** Removes and returns (as a copy) the first `count` bytes. */
  take(count: number): Uint8Array {
    const n = Math.min(count, this.length);
    const out = this.data.slice(this.start, this.start + n);
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }
}
