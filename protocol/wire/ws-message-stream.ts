/**
 * One direction's WebSocket messages as frames arrive (RFC 6455 5.4, RFC 7692 6): which message each
 * data frame belongs to, and on the frame that completes a message, the message itself: its fragments
 * joined and, when RSV1 was set on its first frame, inflated with the direction's shared window.
 * Incremental where ws-message.ts's reassembleMessages takes a finished list: the capture sees frames
 * one at a time and must say what the last one completed as it passes.
 */
import { decodeUtf8 } from './bytes.ts';
import { DEFAULT_MAX_INFLATED_BYTES, type DeflateBlock, Inflater } from './inflate.ts';
import { type DecodeError, decodeError } from './layers.ts';
import type { DeflateDirection } from './ws-deflate.ts';
import type { WsFrame } from './ws-frame.ts';
import { opcodeName } from './ws-names.ts';

export interface WsMessageStreamOptions {
  /** The agreement for this direction's sender; null when permessage-deflate is off. */
  deflate: DeflateDirection | null;
  /** Bytes kept of a message's joined payload and of its inflated data. */
  maxKeptBytes: number;
  /** Inflated bytes per message after which inflating stops (a deflate bomb). */
  maxInflatedBytes?: number;
  /** The messageIndex of the first message (a stream that reads one message counted elsewhere). */
  firstMessageIndex?: number;
}

export interface WsCompletedMessage {
  opcode: number;
  opcodeName: string;
  /** WsFrame.index of every frame that carried it, in order. */
  frameIndexes: number[];
  /** Payload bytes on the wire, all frames together (the compressed size when compressed). */
  wireLength: number;
  /** The joined payload as it crossed the wire (unmasked; still compressed), the first maxKeptBytes. */
  wireData: Uint8Array;
  compressed: boolean;
  /** What the application receives: the joined payload, inflated when compressed; the first maxKeptBytes. */
  data: Uint8Array;
  /** Its full length, or null when it could not be known (not inflated, or bytes not captured). */
  dataLength: number | null;
  truncated: boolean;
  /** UTF-8 text for a text message, or for a binary one that happens to be valid UTF-8. */
  text: string | null;
  textLossy: boolean;
  /** The DEFLATE blocks the compressor chose, when inflated. */
  blocks: DeflateBlock[];
  /** Why it could not be (fully) reassembled or inflated. */
  error: DecodeError | null;
}

export interface WsFramePlace {
  /** Data messages of this direction counted from 0: frames with the same index form one message. */
  messageIndex: number;
  /** This frame's place in its message, from 1. */
  fragment: number;
  /** Set on the frame with FIN 1: the message it completed. */
  message: WsCompletedMessage | null;
}

interface OpenMessage {
  index: number;
  opcode: number;
  compressed: boolean;
  frameIndexes: number[];
  parts: Uint8Array[];
  keptBytes: number;
  wireLength: number;
  /** Some payload byte was not captured (a frame kept only its start). */
  incomplete: boolean;
}

export class WsMessageStream {
  readonly #options: WsMessageStreamOptions;
  readonly #inflater: Inflater | null;
  #nextIndex: number;
  #open: OpenMessage | null = null;

  constructor(options: WsMessageStreamOptions) {
    this.#options = options;
    this.#nextIndex = options.firstMessageIndex ?? 0;
    this.#inflater = options.deflate
      ? new Inflater({
          maxKeptBytes: options.maxKeptBytes,
          maxInflatedBytes: options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES,
        })
      : null;
  }

  /** No fragmented message is open: the next data frame starts a message. */
  get isBetweenMessages(): boolean {
    return this.#open === null;
  }

  /**
   * Counts a data frame with FIN 1 and RSV1 0, arriving between messages, without reading it: a whole
   * uncompressed message touches no state but the count (nothing to join, nothing to inflate). Returns its
   * messageIndex, so a stream started there (firstMessageIndex) can read it later exactly as push would.
   */
  skipWholeMessage(): number {
    return this.#nextIndex++;
  }

  /** Control frames (and reserved opcodes) belong to no message: null. */
  push(frame: WsFrame): WsFramePlace | null {
    if (frame.opcode !== 0 && frame.opcode !== 1 && frame.opcode !== 2) return null;
    if (frame.opcode !== 0 || !this.#open) {
      // A first frame, or a continuation with nothing to continue (the frame decoder reports that error);
      // either way a new message starts here, so every data frame has a place.
      this.#open = {
        index: this.#nextIndex++,
        opcode: frame.opcode === 0 ? 2 : frame.opcode,
        // RFC 7692 6: RSV1 on the first frame marks the whole message compressed.
        compressed: frame.rsv1 && this.#inflater !== null,
        frameIndexes: [],
        parts: [],
        keptBytes: 0,
        wireLength: 0,
        incomplete: false,
      };
    }
    const open = this.#open;
    open.frameIndexes.push(frame.index);
    open.wireLength += frame.payloadLength;
    // Past the inflate bound nothing useful can come of joining more (a receiver would have closed with 1009).
    const limit = this.#options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
    open.incomplete ||= frame.truncated || open.keptBytes + frame.payload.length > limit;
    if (!open.incomplete) {
      open.parts.push(frame.payload);
      open.keptBytes += frame.payload.length;
    }
    const place: WsFramePlace = {
      messageIndex: open.index,
      fragment: open.frameIndexes.length,
      message: null,
    };
    if (frame.fin) {
      place.message = this.#complete(open, frame);
      this.#open = null;
    }
    return place;
  }

  #complete(open: OpenMessage, last: WsFrame): WsCompletedMessage {
    const joined = join(open.parts, open.keptBytes);
    const max = this.#options.maxKeptBytes;
    const message: WsCompletedMessage = {
      opcode: open.opcode,
      opcodeName: opcodeName(open.opcode),
      frameIndexes: open.frameIndexes,
      wireLength: open.wireLength,
      wireData: joined.subarray(0, max),
      compressed: open.compressed,
      data: joined.subarray(0, max),
      dataLength: open.incomplete ? null : open.wireLength,
      truncated: open.incomplete || joined.length > max,
      text: null,
      textLossy: false,
      blocks: [],
      error: null,
    };
    if (open.compressed) this.#inflate(open, joined, message);
    if (open.opcode === 1 && !open.compressed && open.frameIndexes.length === 1 && last.text !== null) {
      // The common case, a whole text message in one frame: the frame decoder already read its text.
      message.text = last.text;
      message.textLossy = last.textLossy;
      return message;
    }
    const decoded = decodeUtf8(message.data, message.truncated);
    if (open.opcode === 1 || !decoded.lossy) {
      message.text = decoded.text;
      message.textLossy = decoded.lossy;
    }
    return message;
  }

  #inflate(open: OpenMessage, joined: Uint8Array, message: WsCompletedMessage): void {
    const inflater = this.#inflater;
    if (!inflater) return;
    message.data = new Uint8Array(0);
    message.dataLength = null;
    // RFC 7692 7.1.1: without context takeover the sender starts every message with an empty window.
    if (!this.#options.deflate?.contextTakeover) inflater.reset();
    if (open.incomplete) {
      const error = decodeError(
        'INFLATE_ERR_NOT_CAPTURED',
        'only the start of this compressed message was captured, so it cannot be inflated',
      );
      message.error = error;
      inflater.loseContext(
        decodeError(
          'INFLATE_ERR_CONTEXT_LOST',
          'an earlier compressed message was not fully captured, so the shared window is unknown',
        ),
      );
      return;
    }
    const result = inflater.inflateMessage(joined);
    message.data = result.data;
    message.dataLength = result.ok ? result.inflatedLength : null;
    message.truncated = result.truncated || !result.ok;
    message.blocks = result.blocks;
    if (!result.ok) message.error = result.error;
  }
}

function join(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
