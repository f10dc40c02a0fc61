/**
 * A raw DEFLATE decoder (RFC 1951), written for permessage-deflate (RFC 7692): pure and synchronous, so
 * the capture and the page can both inflate what crossed the wire, with no node:zlib and no streams.
 *
 * Why not node:zlib: it is not isomorphic, and its streaming API is asynchronous, while the capture
 * decodes each frame as its bytes arrive. DecompressionStream('deflate-raw') is async too. Decoding
 * DEFLATE is small (three block kinds, two canonical Huffman codes), so we do it here.
 *
 * permessage-deflate keeps one LZ77 window per direction across messages ("context takeover",
 * RFC 7692 7.2.3.2): a later message may copy bytes from an earlier one. So an inflater is stateful:
 * feed it the messages of one direction in order. It never throws; a bad stream gives an error result,
 * and after one the window is unknown, so later messages say so instead of inflating garbage.
 */
import { type DecodeError, decodeError } from './layers.ts';

/** RFC 1951 3.2: back-references reach at most 32 KiB back. */
export const WINDOW_BYTES = 32 * 1024;
/** RFC 7692 7.2.2: the sender strips these 4 bytes (an empty stored block's LEN/NLEN); the receiver appends them. */
export const PERMESSAGE_TAIL = Uint8Array.of(0x00, 0x00, 0xff, 0xff);
/** A compressed message may inflate ~1032x; past this many bytes decoding stops (a deflate bomb). */
export const DEFAULT_MAX_INFLATED_BYTES = 1024 * 1024;
export const DEFAULT_MAX_KEPT_BYTES = 4096;

export type DeflateBlockKind = 'stored' | 'fixed' | 'dynamic';

export interface DeflateBlock {
  kind: DeflateBlockKind;
  final: boolean;
  /** Bytes this block produced. */
  outputBytes: number;
}

export interface Inflated {
  /** The first maxKeptBytes inflated bytes. */
  data: Uint8Array;
  /** Every byte the message inflated to (data may hold fewer). */
  inflatedLength: number;
  truncated: boolean;
  /** The blocks, in order: what the compressor chose, worth showing a learner. */
  blocks: DeflateBlock[];
}

export type InflateResult =
  | ({ ok: true } & Inflated)
  /** What was inflated before the problem is still returned: it is what a receiver would have seen. */
  | ({ ok: false; error: DecodeError } & Inflated);

export interface InflaterOptions {
  /** Inflated bytes kept per message; the rest are still decoded (the window needs them), not stored. */
  maxKeptBytes?: number;
  /** Inflated bytes per message after which decoding stops with INFLATE_ERR_TOO_BIG. */
  maxInflatedBytes?: number;
}

/** Thrown inside the decoder only, caught at its one entry point: every bit read would otherwise need a check. */
class InflateFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** RFC 6455 7.4.1: 1007 for data that is not what it claims to be, 1009 for too big (as `ws` reports). */
    readonly closeCode: number,
  ) {
    super(message);
  }
}

/** A canonical Huffman code as a lookup table indexed by the next `maxBits` input bits (LSB first). */
interface HuffmanTable {
  /** entry = symbol << 4 | code length; 0 where no code matches (an incomplete code set). */
  entries: Uint32Array;
  maxBits: number;
}

/**
 * RFC 1951 3.2.2: codes are assigned in order of length, then symbol; each is read most significant bit
 * first, but DEFLATE packs bits from the least significant end of each byte, so we store each code
 * reversed and index the table with the bits as they come. Every index whose low `len` bits are the
 * reversed code maps to that symbol, whatever the bits above.
 */
function buildHuffman(lengths: ArrayLike<number>, what: string): HuffmanTable {
  const countByLength = new Uint16Array(16);
  let maxBits = 0;
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const length = lengths[symbol] ?? 0;
    countByLength[length] = (countByLength[length] ?? 0) + 1;
    if (length > maxBits) maxBits = length;
  }
  countByLength[0] = 0;
  const nextCode = new Uint16Array(16);
  let code = 0;
  let available = 1;
  for (let bits = 1; bits <= 15; bits++) {
    code = (code + (countByLength[bits - 1] ?? 0)) << 1;
    nextCode[bits] = code;
    // Kraft: each length doubles the codes available; using more than there are means two symbols share bits.
    available = available * 2 - (countByLength[bits] ?? 0);
    if (available < 0)
      throw new InflateFailure('INFLATE_ERR_BAD_CODE', `the ${what} code is over-subscribed`, 1007);
  }
  const entries = new Uint32Array(1 << maxBits);
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const length = lengths[symbol] ?? 0;
    if (length === 0) continue;
    const assigned = nextCode[length] ?? 0;
    nextCode[length] = assigned + 1;
    let reversed = 0;
    for (let bit = 0; bit < length; bit++) reversed |= ((assigned >> bit) & 1) << (length - 1 - bit);
    for (let index = reversed; index < entries.length; index += 1 << length) {
      entries[index] = (symbol << 4) | length;
    }
  }
  return { entries, maxBits };
}

/** RFC 1951 3.2.6: the fixed codes every "fixed Huffman" block uses. */
const FIXED_LITERALS = buildHuffman(
  Array.from({ length: 288 }, (_, symbol) => (symbol < 144 ? 8 : symbol < 256 ? 9 : symbol < 280 ? 7 : 8)),
  'fixed literal/length',
);
const FIXED_DISTANCES = buildHuffman(new Array<number>(30).fill(5), 'fixed distance');

/** RFC 1951 3.2.5: length symbols 257-285 as a base plus extra bits. */
const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
  227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/** RFC 1951 3.2.5: distance symbols 0-29. */
const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
/** RFC 1951 3.2.7: the order the code length code lengths are sent in. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/**
 * One direction's decompressor. `inflateMessage` takes one permessage-deflate message (its frames'
 * payloads joined, RSV1 on the first) and appends the 00 00 ff ff the sender removed.
 */
export class Inflater {
  readonly #maxKept: number;
  readonly #maxInflated: number;
  readonly #window = new Uint8Array(WINDOW_BYTES);
  #windowEnd = 0;
  /** Bytes ever written to the window (capped use: only to know how far back a distance may reach). */
  #history = 0;
  #lost: DecodeError | null = null;

  // Per-call input and output state.
  #input: Uint8Array = new Uint8Array(0);
  #at = 0;
  #bits = 0;
  #bitCount = 0;
  #kept = new Uint8Array(0);
  #keptLength = 0;
  #produced = 0;

  constructor(options: InflaterOptions = {}) {
    this.#maxKept = limit(options.maxKeptBytes, DEFAULT_MAX_KEPT_BYTES);
    this.#maxInflated = limit(options.maxInflatedBytes, DEFAULT_MAX_INFLATED_BYTES);
  }

  /** Why this inflater cannot continue (an earlier message failed, so its window is unknown), if so. */
  get lostContext(): DecodeError | null {
    return this.#lost;
  }

  /** "no context takeover" (RFC 7692 7.1.1): every message starts with an empty window. Also recovers a lost context. */
  reset(): void {
    this.#windowEnd = 0;
    this.#history = 0;
    this.#lost = null;
  }

  /** Declares the window unknown without decoding, e.g. when a message's bytes were not all captured. */
  loseContext(error: DecodeError): void {
    this.#lost = error;
  }

  inflateMessage(compressed: Uint8Array): InflateResult {
    const input = new Uint8Array(compressed.length + PERMESSAGE_TAIL.length);
    input.set(compressed);
    input.set(PERMESSAGE_TAIL, compressed.length);
    return this.#run(input, true);
  }

  /** A whole raw DEFLATE stream, ending with a BFINAL block (RFC 1951 3.2.3). */
  inflateStream(stream: Uint8Array): InflateResult {
    return this.#run(stream, false);
  }

  #run(input: Uint8Array, isMessage: boolean): InflateResult {
    this.#input = input;
    this.#at = 0;
    this.#bits = 0;
    this.#bitCount = 0;
    this.#kept = new Uint8Array(Math.min(this.#maxKept, 64));
    this.#keptLength = 0;
    this.#produced = 0;
    const blocks: DeflateBlock[] = [];
    if (this.#lost) return this.#result(blocks, this.#lost);
    try {
      for (;;) {
        // RFC 7692 7.2.2: a message ends where its bytes end, on a block boundary (the appended empty
        // stored block is byte aligned). A raw stream ends with its BFINAL block instead.
        if (isMessage && this.#at >= input.length && this.#bitCount === 0) break;
        const before = this.#produced;
        const final = this.#bit() === 1;
        const type = this.#take(2);
        let kind: DeflateBlockKind;
        if (type === 0) {
          kind = 'stored';
          this.#stored();
        } else if (type === 1) {
          kind = 'fixed';
          this.#huffmanBlock(FIXED_LITERALS, FIXED_DISTANCES);
        } else if (type === 2) {
          kind = 'dynamic';
          const codes = this.#dynamicCodes();
          this.#huffmanBlock(codes.literals, codes.distances);
        } else {
          throw new InflateFailure(
            'INFLATE_ERR_BAD_BLOCK_TYPE',
            'block type 11 is reserved (RFC 1951 3.2.3)',
            1007,
          );
        }
        blocks.push({ kind, final, outputBytes: this.#produced - before });
        // RFC 7692 7.2.3.3 lets a sender end a message with a BFINAL block instead of a sync flush; what
        // follows it (our appended tail) is not part of the stream. The window is kept for the next one.
        if (final) break;
      }
    } catch (error) {
      if (!(error instanceof InflateFailure)) throw error;
      const failure = decodeError(error.code, error.message, undefined, error.closeCode);
      this.#lost = decodeError(
        'INFLATE_ERR_CONTEXT_LOST',
        `an earlier message of this connection could not be inflated (${error.code}), so the shared window is unknown`,
        undefined,
        1007,
      );
      return this.#result(blocks, failure);
    }
    return this.#result(blocks, null);
  }

  #result(blocks: DeflateBlock[], error: DecodeError | null): InflateResult {
    const inflated: Inflated = {
      data: this.#kept.slice(0, this.#keptLength),
      inflatedLength: this.#produced,
      truncated: this.#produced > this.#keptLength,
      blocks,
    };
    this.#input = new Uint8Array(0);
    this.#kept = new Uint8Array(0);
    return error ? { ok: false, error, ...inflated } : { ok: true, ...inflated };
  }

  #needBits(count: number): void {
    while (this.#bitCount < count) {
      if (this.#at >= this.#input.length) {
        throw new InflateFailure('INFLATE_ERR_TRUNCATED', 'the compressed data ended inside a block', 1007);
      }
      this.#bits |= (this.#input[this.#at++] ?? 0) << this.#bitCount;
      this.#bitCount += 8;
    }
  }

  #bit(): number {
    return this.#take(1);
  }

  /** RFC 1951 3.1.1: values other than Huffman codes are packed least significant bit first. */
  #take(count: number): number {
    if (count === 0) return 0;
    this.#needBits(count);
    const value = this.#bits & ((1 << count) - 1);
    this.#bits >>>= count;
    this.#bitCount -= count;
    return value;
  }

  #symbol(table: HuffmanTable): number {
    // Load up to maxBits; near the end of the input fewer may exist, which is fine if the code is short.
    while (this.#bitCount < table.maxBits && this.#at < this.#input.length) {
      this.#bits |= (this.#input[this.#at++] ?? 0) << this.#bitCount;
      this.#bitCount += 8;
    }
    const entry = table.entries[this.#bits & ((1 << table.maxBits) - 1)] ?? 0;
    const length = entry & 15;
    if (length === 0) {
      throw new InflateFailure('INFLATE_ERR_BAD_CODE', 'the bits match no code of this block', 1007);
    }
    if (length > this.#bitCount) {
      throw new InflateFailure('INFLATE_ERR_TRUNCATED', 'the compressed data ended inside a code', 1007);
    }
    this.#bits >>>= length;
    this.#bitCount -= length;
    return entry >>> 4;
  }

  /** RFC 1951 3.2.4: skip to a byte boundary, LEN, its ones' complement NLEN, then LEN raw bytes. */
  #stored(): void {
    this.#bits >>>= this.#bitCount & 7;
    this.#bitCount -= this.#bitCount & 7;
    const length = this.#take(16);
    const check = this.#take(16);
    if ((length ^ 0xffff) !== check) {
      throw new InflateFailure(
        'INFLATE_ERR_STORED_LENGTH',
        "a stored block's NLEN is not the complement of LEN",
        1007,
      );
    }
    // Whole bytes may still sit in the bit buffer after the header; use them first.
    let left = length;
    while (left > 0 && this.#bitCount >= 8) {
      this.#emit(this.#take(8));
      left--;
    }
    if (this.#at + left > this.#input.length) {
      throw new InflateFailure(
        'INFLATE_ERR_TRUNCATED',
        'the compressed data ended inside a stored block',
        1007,
      );
    }
    for (let i = 0; i < left; i++) this.#emit(this.#input[this.#at + i] ?? 0);
    this.#at += left;
  }

  /** RFC 1951 3.2.7: a dynamic block first sends its two codes, themselves compressed with a third. */
  #dynamicCodes(): { literals: HuffmanTable; distances: HuffmanTable } {
    const literalCount = this.#take(5) + 257;
    const distanceCount = this.#take(5) + 1;
    const codeLengthCount = this.#take(4) + 4;
    if (literalCount > 286 || distanceCount > 30) {
      throw new InflateFailure(
        'INFLATE_ERR_BAD_COUNTS',
        `${literalCount} literal/length or ${distanceCount} distance codes is too many`,
        1007,
      );
    }
    const codeLengthLengths = new Uint8Array(19);
    for (let i = 0; i < codeLengthCount; i++) codeLengthLengths[CODE_LENGTH_ORDER[i] ?? 0] = this.#take(3);
    const codeLengthCode = buildHuffman(codeLengthLengths, 'code length');
    const lengths = new Uint8Array(literalCount + distanceCount);
    let filled = 0;
    while (filled < lengths.length) {
      const symbol = this.#symbol(codeLengthCode);
      if (symbol < 16) {
        lengths[filled++] = symbol;
        continue;
      }
      let repeat: number;
      let value = 0;
      if (symbol === 16) {
        if (filled === 0)
          throw new InflateFailure(
            'INFLATE_ERR_BAD_REPEAT',
            'code 16 repeats a length, but none came before',
            1007,
          );
        value = lengths[filled - 1] ?? 0;
        repeat = 3 + this.#take(2);
      } else if (symbol === 17) repeat = 3 + this.#take(3);
      else repeat = 11 + this.#take(7);
      if (filled + repeat > lengths.length) {
        throw new InflateFailure(
          'INFLATE_ERR_BAD_REPEAT',
          'code lengths repeat past the number of codes',
          1007,
        );
      }
      lengths.fill(value, filled, filled + repeat);
      filled += repeat;
    }
    if (lengths[256] === 0) {
      throw new InflateFailure(
        'INFLATE_ERR_NO_END_CODE',
        'the block has no code for end-of-block (256)',
        1007,
      );
    }
    return {
      literals: buildHuffman(lengths.subarray(0, literalCount), 'literal/length'),
      distances: buildHuffman(lengths.subarray(literalCount), 'distance'),
    };
  }

  /** RFC 1951 3.2.5: literals, end-of-block, and <length, backward distance> pairs into the window. */
  #huffmanBlock(literals: HuffmanTable, distances: HuffmanTable): void {
    for (;;) {
      const symbol = this.#symbol(literals);
      if (symbol < 256) {
        this.#emit(symbol);
        continue;
      }
      if (symbol === 256) return;
      const lengthIndex = symbol - 257;
      if (lengthIndex >= LENGTH_BASE.length) {
        throw new InflateFailure(
          'INFLATE_ERR_BAD_LENGTH',
          `length symbol ${symbol} is not used (RFC 1951 3.2.5)`,
          1007,
        );
      }
      const length = (LENGTH_BASE[lengthIndex] ?? 0) + this.#take(LENGTH_EXTRA[lengthIndex] ?? 0);
      const distanceSymbol = this.#symbol(distances);
      if (distanceSymbol >= DISTANCE_BASE.length) {
        throw new InflateFailure(
          'INFLATE_ERR_BAD_DISTANCE',
          `distance symbol ${distanceSymbol} is not used (RFC 1951 3.2.5)`,
          1007,
        );
      }
      const distance = (DISTANCE_BASE[distanceSymbol] ?? 0) + this.#take(DISTANCE_EXTRA[distanceSymbol] ?? 0);
      if (distance > Math.min(this.#history, WINDOW_BYTES)) {
        throw new InflateFailure(
          'INFLATE_ERR_DISTANCE_TOO_FAR',
          `a copy reaches ${distance} bytes back, before the first byte`,
          1007,
        );
      }
      // Byte by byte: a copy may overlap the bytes it writes (distance 1, length 10 repeats one byte).
      for (let i = 0; i < length; i++) {
        this.#emit(this.#window[(this.#windowEnd - distance) & (WINDOW_BYTES - 1)] ?? 0);
      }
    }
  }

  #emit(byte: number): void {
    if (this.#produced >= this.#maxInflated) {
      throw new InflateFailure(
        'INFLATE_ERR_TOO_BIG',
        `the message inflates to more than ${this.#maxInflated} bytes`,
        1009,
      );
    }
    this.#window[this.#windowEnd] = byte;
    this.#windowEnd = (this.#windowEnd + 1) & (WINDOW_BYTES - 1);
    this.#history++;
    if (this.#keptLength < this.#maxKept) {
      if (this.#keptLength === this.#kept.length) {
        const grown = new Uint8Array(Math.min(this.#maxKept, this.#kept.length * 2));
        grown.set(this.#kept);
        this.#kept = grown;
      }
      this.#kept[this.#keptLength++] = byte;
    }
    this.#produced++;
  }
}

/** One raw DEFLATE stream, inflated on its own (a fresh window). */
export function inflateRaw(stream: Uint8Array, options: InflaterOptions = {}): InflateResult {
  return new Inflater(options).inflateStream(stream);
}

function limit(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}
