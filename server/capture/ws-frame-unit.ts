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
import { DecodedUnit } from './decoded-unit.ts';
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

/**
 * The frame as a unit to read later, or null when it must be read now. `taken` is where the window put
 * its bytes; they must be exactly the frame, all of it, so the frame can be read again from them alone.
 * Counts the frame's message in `messages` when it is a whole one (the only state such a frame touches).
 */
export function deferWsFrame(
  frame: WsSplitFrame,
  taken: Readonly<TakenUnit>,
  atMs: number,
  messages: WsMessageStream | null,
  context: WsReadContext,
): WsFrameUnit | null {
  const whole = taken.byteLength === frame.byteLength && taken.keptLength === frame.byteLength;
  if (!whole || !frame.isPayloadKept) return null;
  const b0 = frame.firstByte;
  const opcode = b0 & 0x0f;
  if (opcode === OPCODE_CONTINUATION || opcode === OPCODE_CLOSE) return null;
  let messageIndex: number | null = null;
  if (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY) {
    const wholeUncompressed = (b0 & 0x80) !== 0 && (b0 & 0x40) === 0;
    if (!messages || !wholeUncompressed || !messages.isBetweenMessages) return null;
    messageIndex = messages.skipWholeMessage();
  }
  return new WsFrameUnit(context, atMs, taken, frame, messageIndex);
}

/** A frame kept for later: its place in the slab and six numbers; the context is shared by its direction. */
export class WsFrameUnit extends DecodedUnit {
  readonly #context: WsReadContext;
  readonly #headerLength: number;
  readonly #index: number;
  /** Where the frame starts among the direction's WebSocket bytes (decode errors name it). */
  readonly #frameOffset: number;
  readonly #payloadLength: number;
  readonly #fragmentOpcode: number;
  readonly #messageIndex: number | null;

  constructor(
    context: WsReadContext,
    atMs: number,
    taken: Readonly<TakenUnit>,
    frame: WsSplitFrame,
    messageIndex: number | null,
  ) {
    super(atMs, taken.byteLength, taken);
    this.#context = context;
    this.#headerLength = frame.headerLength;
    this.#index = frame.index;
    this.#frameOffset = frame.byteOffset;
    this.#payloadLength = frame.payloadLength;
    this.#fragmentOpcode = frame.fragmentOpcode;
    this.#messageIndex = messageIndex;
  }

  get connId(): number {
    return this.#context.connId;
  }

  get exchange(): Exchange {
    return this.#context.exchange;
  }

  get dir(): WireDirection {
    return this.#context.dir;
  }

  get unit(): WireUnit {
    return 'ws-frame';
  }

  get isDeferred(): boolean {
    return true;
  }

  details(): UnitDetails {
    const context = this.#context;
    const bytes = this.bytes;
    const frame = describeWsFrame(
      {
        index: this.#index,
        byteOffset: this.#frameOffset,
        byteLength: bytes.length,
        header: bytes.subarray(0, this.#headerLength),
        payloadLength: this.#payloadLength,
        keptPayload: bytes.subarray(this.#headerLength),
        fragmentOpcode: this.#fragmentOpcode,
      },
      context.describe,
    );
    // A stream that starts at this message's index reads it exactly as the connection's stream would have.
    const place =
      this.#messageIndex === null
        ? null
        : new WsMessageStream({
            // Only whole uncompressed messages wait, and those never reach the inflater.
            deflate: null,
            maxKeptBytes: context.maxScanBytes,
            maxInflatedBytes: context.maxScanBytes,
            firstMessageIndex: this.#messageIndex,
          }).push(frame);
    // The unit starts at the frame's first byte: layers move from stream offsets to the unit's.
    return wsFrameDetails(frame, place, context.deflate, -this.#frameOffset, context.maxUnitBytes);
  }
}
