/**
 * A WebSocket frame as a capture unit, read now or later. Reading a frame (its layers with a sentence per
 * field, its text, its seqs) costs far more than splitting it off the stream, and under CAPTURE_ALL most
 * frames are never read by anyone. So a frame whose meaning depends on nothing but its own bytes and a
 * few counters waits, and is read the first time an inspector asks; the rest (a frame of a fragmented or
 * compressed message, which must be joined or inflated in order; a Close, whose code the connection's
 * close reports; a frame bigger than the unit cap, whose bytes are not all kept) is read at once.
 */
import type { WireDirection, WireUnit } from '../../protocol/inspect.ts';
import { describeWsFrame, type WsDescribeOptions, type WsSplitFrame } from '../../protocol/wire/ws-frame.ts';
import { WsMessageStream } from '../../protocol/wire/ws-message-stream.ts';
import type { TakenUnit } from './byte-window.ts';
import { DecodedUnit, type UnitRows } from './decoded-unit.ts';
import { type DeflateContext, type Exchange, type UnitDetails, wsFrameDetails } from './unit-details.ts';

/** What every frame of one connection and direction shares: who it is, and what reading it needs. */
export interface WsReadContext {
  connId: number;
  exchange: Exchange;
  dir: WireDirection;
  describe: WsDescribeOptions;
  deflate: DeflateContext;
  maxUnitBytes: number;
  maxScanBytes: number;
}

const OPCODE_CONTINUATION = 0;
const OPCODE_TEXT = 1;
const OPCODE_BINARY = 2;
const OPCODE_CLOSE = 8;

/** Rows of the first table of a direction; each next table has twice as many, up to the most. */
export const FIRST_TABLE_ROWS = 16;
export const MAX_TABLE_ROWS = 256;

// A row's numbers, in this order.
const AT_MS = 0;
const SLAB_OFFSET = 1;
/** The frame's length; all of it is kept (only whole frames wait). */
const BYTE_LENGTH = 2;
const HEADER_LENGTH = 3;
const INDEX = 4;
/** Where the frame starts among the direction's WebSocket bytes (decode errors name it). */
const FRAME_OFFSET = 5;
const PAYLOAD_LENGTH = 6;
const FRAGMENT_OPCODE = 7;
/** The whole message's index in its direction, or -1 for a control frame. */
const MESSAGE_INDEX = 8;
const ROW_NUMBERS = 9;

/**
 * The frames of one direction that wait to be read, as rows of numbers (and the slab each one's bytes
 * are in) rather than an object each: a ring keeps the table and a row, and nothing per frame is left for
 * the garbage collector to copy or mark. A table lives as long as a ring keeps any of its rows.
 */
export class WsFrameTable implements UnitRows {
  readonly context: WsReadContext;
  readonly rows: number;
  readonly #numbers: Float64Array;
  readonly #slabs: Uint8Array[] = [];
  #count = 0;

  constructor(context: WsReadContext, rows: number) {
    this.context = context;
    this.rows = rows;
    this.#numbers = new Float64Array(rows * ROW_NUMBERS);
  }

  get isFull(): boolean {
    return this.#count === this.rows;
  }

  /**
   * Keeps the frame for later and returns its row, or -1 when it must be read now (see the top of this
   * file). `taken` is where the window put its bytes; they must be exactly the frame, all of it, so the
   * frame can be read again from them alone. Counts the frame's message in `messages` when it is a whole
   * one (the only state such a frame touches). The table must not be full.
   */
  defer(frame: WsSplitFrame, taken: Readonly<TakenUnit>, atMs: number, messages: WsMessageStream): number {
    const whole = taken.byteLength === frame.byteLength && taken.keptLength === frame.byteLength;
    if (!whole || !frame.isPayloadKept || this.isFull) return -1;
    const b0 = frame.firstByte;
    const opcode = b0 & 0x0f;
    if (opcode === OPCODE_CONTINUATION || opcode === OPCODE_CLOSE) return -1;
    let messageIndex = -1;
    if (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY) {
      const wholeUncompressed = (b0 & 0x80) !== 0 && (b0 & 0x40) === 0;
      if (!wholeUncompressed || !messages.isBetweenMessages) return -1;
      messageIndex = messages.skipWholeMessage();
    }
    const row = this.#count++;
    const at = row * ROW_NUMBERS;
    const numbers = this.#numbers;
    numbers[at + AT_MS] = atMs;
    numbers[at + SLAB_OFFSET] = taken.slabOffset;
    numbers[at + BYTE_LENGTH] = frame.byteLength;
    numbers[at + HEADER_LENGTH] = frame.headerLength;
    numbers[at + INDEX] = frame.index;
    numbers[at + FRAME_OFFSET] = frame.byteOffset;
    numbers[at + PAYLOAD_LENGTH] = frame.payloadLength;
    numbers[at + FRAGMENT_OPCODE] = frame.fragmentOpcode;
    numbers[at + MESSAGE_INDEX] = messageIndex;
    this.#slabs[row] = taken.slab;
    return row;
  }

  unitAt(row: number): WsFrameUnit {
    return new WsFrameUnit(this, row);
  }

  /** A number of a row (one of the constants above). */
  numberAt(row: number, field: number): number {
    return this.#numbers[row * ROW_NUMBERS + field] ?? 0;
  }

  bytesAt(row: number): Uint8Array {
    const offset = this.numberAt(row, SLAB_OFFSET);
    return (this.#slabs[row] ?? EMPTY).subarray(offset, offset + this.numberAt(row, BYTE_LENGTH));
  }
}

const EMPTY = new Uint8Array(0);

/** A row of a WsFrameTable as a unit, made when someone reads it. */
export class WsFrameUnit extends DecodedUnit {
  readonly #table: WsFrameTable;
  readonly #row: number;

  constructor(table: WsFrameTable, row: number) {
    super();
    this.#table = table;
    this.#row = row;
  }

  get connId(): number {
    return this.#table.context.connId;
  }

  get exchange(): Exchange {
    return this.#table.context.exchange;
  }

  get dir(): WireDirection {
    return this.#table.context.dir;
  }

  get unit(): WireUnit {
    return 'ws-frame';
  }

  get atMs(): number {
    return this.#table.numberAt(this.#row, AT_MS);
  }

  get byteLength(): number {
    return this.#table.numberAt(this.#row, BYTE_LENGTH);
  }

  get bytes(): Uint8Array {
    return this.#table.bytesAt(this.#row);
  }

  get isDeferred(): boolean {
    return true;
  }

  details(): UnitDetails {
    const table = this.#table;
    const row = this.#row;
    const context = table.context;
    const bytes = table.bytesAt(row);
    const headerLength = table.numberAt(row, HEADER_LENGTH);
    const frameOffset = table.numberAt(row, FRAME_OFFSET);
    const messageIndex = table.numberAt(row, MESSAGE_INDEX);
    const frame = describeWsFrame(
      {
        index: table.numberAt(row, INDEX),
        byteOffset: frameOffset,
        byteLength: bytes.length,
        header: bytes.subarray(0, headerLength),
        payloadLength: table.numberAt(row, PAYLOAD_LENGTH),
        keptPayload: bytes.subarray(headerLength),
        fragmentOpcode: table.numberAt(row, FRAGMENT_OPCODE),
      },
      context.describe,
    );
    // A stream that starts at this message's index reads it exactly as the connection's stream would have.
    const place =
      messageIndex < 0
        ? null
        : new WsMessageStream({
            // Only whole uncompressed messages wait, and those never reach the inflater.
            deflate: null,
            maxKeptBytes: context.maxScanBytes,
            maxInflatedBytes: context.maxScanBytes,
            firstMessageIndex: messageIndex,
          }).push(frame);
    // The unit starts at the frame's first byte: layers move from stream offsets to the unit's.
    return wsFrameDetails(frame, place, context.deflate, -frameOffset, context.maxUnitBytes);
  }
}
