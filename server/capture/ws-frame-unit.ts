/**
 * A WebSocket frame as a capture unit, read now or later. Reading a frame (its layers with a sentence per
 * field, its text, its seqs) costs far more than splitting it off the stream, and under CAPTURE_ALL most
 * frames are never read by anyone. So a frame whose meaning depends on nothing but its own bytes and a
 * few counters waits, and is read the first time an inspector asks; the rest (a frame of a fragmented or
 * compressed message, which must be joined or inflated in order; a Close, whose code the connection's
 * close reports; a frame bigger than the unit cap, whose bytes are not all kept) is read at once.
 */
import { describeWsFrame, type WsDescribeOptions, type WsRawFrame } from '../../protocol/wire/ws-frame.ts';
import { WsMessageStream } from '../../protocol/wire/ws-message-stream.ts';
import { type DeflateContext, type UnitDetails, wsFrameDetails } from './unit-details.ts';

/** What reading a frame of one connection and direction needs besides its bytes. */
export interface WsReadContext {
  describe: WsDescribeOptions;
  deflate: DeflateContext;
  maxUnitBytes: number;
  maxScanBytes: number;
}

/** Details not built yet: `build` makes them (the caller keeps the result). */
export interface PendingDetails {
  build(): UnitDetails;
}

const OPCODE_CONTINUATION = 0;
const OPCODE_TEXT = 1;
const OPCODE_BINARY = 2;
const OPCODE_CLOSE = 8;

/**
 * The frame's details for later, or null when it must be read now. `unitBytes` are the bytes the unit
 * kept; they must be exactly the frame, all of it, so the frame can be read again from them alone. Counts the frame's
 * message in `messages` when it is a whole one (the only state such a frame touches).
 */
export function deferWsFrame(
  raw: WsRawFrame,
  unitBytes: Uint8Array,
  messages: WsMessageStream | null,
  context: WsReadContext,
): PendingDetails | null {
  if (unitBytes.length !== raw.byteLength || raw.keptPayload.length !== raw.payloadLength) return null;
  const b0 = raw.header[0] ?? 0;
  const opcode = b0 & 0x0f;
  if (opcode === OPCODE_CONTINUATION || opcode === OPCODE_CLOSE) return null;
  let messageIndex: number | null = null;
  if (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY) {
    const wholeUncompressed = (b0 & 0x80) !== 0 && (b0 & 0x40) === 0;
    if (!messages || !wholeUncompressed || !messages.isBetweenMessages) return null;
    messageIndex = messages.skipWholeMessage();
  }
  return new DeferredWsFrame(
    context,
    unitBytes,
    raw.header.length,
    raw.index,
    raw.byteOffset,
    raw.payloadLength,
    raw.fragmentOpcode,
    messageIndex,
  );
}

/** Kept per deferred frame: the unit's bytes and six numbers; the context is shared by the direction. */
class DeferredWsFrame implements PendingDetails {
  readonly #context: WsReadContext;
  readonly #bytes: Uint8Array;
  readonly #headerLength: number;
  readonly #index: number;
  /** Where the frame starts among the direction's WebSocket bytes (decode errors name it). */
  readonly #byteOffset: number;
  readonly #payloadLength: number;
  readonly #fragmentOpcode: number;
  readonly #messageIndex: number | null;

  constructor(
    context: WsReadContext,
    bytes: Uint8Array,
    headerLength: number,
    index: number,
    byteOffset: number,
    payloadLength: number,
    fragmentOpcode: number,
    messageIndex: number | null,
  ) {
    this.#context = context;
    this.#bytes = bytes;
    this.#headerLength = headerLength;
    this.#index = index;
    this.#byteOffset = byteOffset;
    this.#payloadLength = payloadLength;
    this.#fragmentOpcode = fragmentOpcode;
    this.#messageIndex = messageIndex;
  }

  build(): UnitDetails {
    const context = this.#context;
    const frame = describeWsFrame(
      {
        index: this.#index,
        byteOffset: this.#byteOffset,
        byteLength: this.#bytes.length,
        header: this.#bytes.subarray(0, this.#headerLength),
        payloadLength: this.#payloadLength,
        keptPayload: this.#bytes.subarray(this.#headerLength),
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
    return wsFrameDetails(frame, place, context.deflate, -this.#byteOffset, context.maxUnitBytes);
  }
}
