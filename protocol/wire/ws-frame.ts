/**
 * RFC 6455 frame decoder: an explicit state machine over buffered bytes, modelled on the `ws`
 * receiver (GET_INFO -> GET_PAYLOAD_LENGTH_16/64 -> GET_MASK -> GET_DATA), so a frame split across
 * any number of TCP reads just waits. It never throws. Frame-level protocol violations are
 * reported on the frame (it is still drawn, with the reason a real endpoint would close); only a
 * length we cannot follow stops the decoder, because after it the frame boundaries are lost.
 */
import { type DecodeError, decodeError } from './layers.ts';
import {
  describeWsFrame,
  MAX_CONTROL_PAYLOAD_BYTES,
  type WsFrame,
  type WsRawFrame,
} from './ws-frame-describe.ts';
import { isControlOpcode } from './ws-names.ts';

export {
  describeWsFrame,
  type LengthForm,
  MAX_CONTROL_PAYLOAD_BYTES,
  unmask,
  type WsClose,
  type WsDescribeOptions,
  type WsFrame,
  type WsRawFrame,
} from './ws-frame-describe.ts';

/** How many payload bytes each frame keeps for display; the rest is counted, not stored. */
export const DEFAULT_MAX_KEPT_PAYLOAD_BYTES = 4096;
/** The longest header: 2 bytes, 8 bytes of 64-bit length, 4 bytes of masking key (RFC 6455 5.2). */
export const MAX_FRAME_HEADER_BYTES = 14;

/**
 * The frame `split` has just cut off: its numbers, and its bytes only if asked (`raw()`). One object per
 * decoder, valid only during the callback, so splitting a frame that is never read allocates nothing.
 */
export interface WsSplitFrame {
  readonly index: number;
  readonly byteOffset: number;
  readonly byteLength: number;
  readonly headerLength: number;
  /** FIN, RSV1-3 and the opcode (RFC 6455 5.2). */
  readonly firstByte: number;
  readonly payloadLength: number;
  /** RFC 6455 5.4: the opcode of the fragmented message open before this frame, 0 when none. */
  readonly fragmentOpcode: number;
  /** Whether every payload byte was kept (the payload is at most maxKeptPayloadBytes). */
  readonly isPayloadKept: boolean;
  /** The frame as a WsRawFrame that outlives the callback. */
  raw(): WsRawFrame;
}

export interface WsFrameDecoderOptions {
  maxKeptPayloadBytes?: number;
  /** Who wrote these bytes: clients must mask, servers must not (RFC 6455 5.1). Unset: no check. */
  sender?: 'client' | 'server';
  /** permessage-deflate was negotiated, so RSV1 on a first data frame means "compressed" (RFC 7692 6). */
  permessageDeflate?: boolean;
  /**
   * A kept payload that lies inside one pushed chunk is a view of that chunk, not a copy. Only for a caller
   * that never changes a chunk after pushing it (the capture: each chunk is what crossed the socket).
   */
  viewChunks?: boolean;
}

const NO_BYTES = new Uint8Array(0);
const NOTHING_YET: WsRawPushResult = Object.freeze({ frames: Object.freeze([]), error: null });

export interface WsPushResult {
  /** Frames completed by this push, in order. */
  frames: WsFrame[];
  /** Set once when the stream cannot be followed any more; later pushes return no frames. */
  error: DecodeError | null;
}

export interface WsRawPushResult {
  /** Read only: a push that completes no frame may share its empty list with others. */
  frames: readonly WsRawFrame[];
  error: DecodeError | null;
}

type State = 'header' | 'payload' | 'failed';

/** The decoder's one WsSplitFrame: numbers set before each callback, bytes viewed or copied in raw(). */
class SplitFrame implements WsSplitFrame {
  index = 0;
  byteOffset = 0;
  byteLength = 0;
  headerLength = 0;
  firstByte = 0;
  payloadLength = 0;
  fragmentOpcode = 0;
  isPayloadKept = true;
  /** The decoder's header buffer (its first headerLength bytes are this frame's until the callback returns). */
  header: Uint8Array = NO_BYTES;
  /** The kept payload, or the chunk it lies in (viewChunks): a view is made only in raw(). */
  kept: Uint8Array = NO_BYTES;
  keptOffset = 0;
  keptLength = 0;

  raw(): WsRawFrame {
    return {
      index: this.index,
      byteOffset: this.byteOffset,
      byteLength: this.byteLength,
      header: this.header.slice(0, this.headerLength),
      payloadLength: this.payloadLength,
      keptPayload:
        this.keptOffset === 0 && this.keptLength === this.kept.length
          ? this.kept
          : new Uint8Array(this.kept.buffer, this.kept.byteOffset + this.keptOffset, this.keptLength),
      fragmentOpcode: this.fragmentOpcode,
    };
  }
}

export class WsFrameDecoder {
  private readonly maxKept: number;
  private readonly options: WsFrameDecoderOptions;
  private state: State = 'header';
  private readonly header = new Uint8Array(MAX_FRAME_HEADER_BYTES);
  private headerCount = 0;
  private headerNeeded = 2;
  private offset = 0;
  private frameStart = 0;
  private frameIndex = 0;
  private payloadLength = 0;
  private payloadSeen = 0;
  /** Payload bytes the current frame keeps, and where they are kept once the first of them arrives. */
  private keepLength = 0;
  private kept: Uint8Array = NO_BYTES;
  /** With viewChunks: where in `kept` (then the chunk it all arrived in) the payload starts; nothing is copied. */
  private keptOffset = 0;
  private keptIsView = false;
  /** RFC 6455 5.4: the opcode of the fragmented message in progress, 0 when none. */
  private fragmentOpcode = 0;
  private readonly split = new SplitFrame();

  constructor(options: WsFrameDecoderOptions = {}) {
    this.options = options;
    const cap = options.maxKeptPayloadBytes ?? DEFAULT_MAX_KEPT_PAYLOAD_BYTES;
    this.maxKept = Number.isFinite(cap) && cap >= 0 ? Math.floor(cap) : DEFAULT_MAX_KEPT_PAYLOAD_BYTES;
    this.split.header = this.header;
  }

  /** Bytes of the current, unfinished frame seen so far. */
  get pendingBytes(): number {
    return this.offset - this.frameStart;
  }

  get failed(): boolean {
    return this.state === 'failed';
  }

  push(chunk: Uint8Array): WsPushResult {
    const { frames, error } = this.pushRaw(chunk);
    return { frames: frames.map((frame) => describeWsFrame(frame, this.options)), error };
  }

  /** Splits frames off the stream without reading them; describeWsFrame reads one. */
  pushRaw(chunk: Uint8Array): WsRawPushResult {
    let frames: WsRawFrame[] | null = null;
    const error = this.splitFrames(chunk, (frame) => {
      frames ??= [];
      frames.push(frame.raw());
    });
    // Most pushes of a frame's header complete nothing: they share one empty answer.
    return frames || error ? { frames: frames ?? [], error } : NOTHING_YET;
  }

  /**
   * Splits frames off the stream and hands each to `onFrame` as it completes, as numbers (and bytes on
   * request): for a reader that reads few of the frames it splits. Returns the error that stopped the
   * stream, once; later calls split nothing.
   */
  splitFrames(chunk: Uint8Array, onFrame: (frame: WsSplitFrame) => void): DecodeError | null {
    let i = 0;
    while (i < chunk.length && this.state !== 'failed') {
      if (this.state === 'header') {
        // Every pass takes exactly one byte, so the loop always moves forward.
        this.header[this.headerCount++] = chunk[i++] ?? 0;
        this.offset++;
        if (this.headerCount === 2) this.headerNeeded = headerLengthFor(this.header);
        if (this.headerCount < this.headerNeeded) continue;
        const error = this.startPayload();
        if (error) {
          this.state = 'failed';
          return error;
        }
      } else {
        const take = Math.min(this.payloadLength - this.payloadSeen, chunk.length - i);
        if (this.payloadSeen === 0 && this.keepLength > 0) {
          this.keptIsView = this.options.viewChunks === true && i + this.keepLength <= chunk.length;
          this.kept = this.keptIsView ? chunk : new Uint8Array(this.keepLength);
          this.keptOffset = this.keptIsView ? i : 0;
        }
        const keepRoom = this.keepLength - Math.min(this.payloadSeen, this.keepLength);
        if (keepRoom > 0 && !this.keptIsView) {
          this.kept.set(chunk.subarray(i, i + Math.min(take, keepRoom)), this.payloadSeen);
        }
        this.payloadSeen += take;
        this.offset += take;
        i += take;
      }
      if (this.state === 'payload' && this.payloadSeen === this.payloadLength) this.finishFrame(onFrame);
    }
    return null;
  }
  /** Reads the length (RFC 6455 5.2) once the whole header is in; an unfollowable length is fatal. */
  private startPayload(): DecodeError | null {
    const len7 = (this.header[1] ?? 0) & 0x7f;
    let length = len7;
    if (len7 === 126) length = ((this.header[2] ?? 0) << 8) | (this.header[3] ?? 0);
    if (len7 === 127) {
      const high = readUint32(this.header, 2);
      const low = readUint32(this.header, 6);
      if (high >= 0x80000000) {
        return decodeError(
          'WS_ERR_PAYLOAD_LENGTH_MSB_SET',
          'The 64-bit payload length has its most significant bit set, which RFC 6455 5.2 forbids',
          this.frameStart,
          1002,
        );
      }
      if (high > 0x1fffff) {
        return decodeError(
          'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
          'Unsupported WebSocket frame: payload length > 2^53 - 1',
          this.frameStart,
          1009,
        );
      }
      length = high * 2 ** 32 + low;
    }
    const isControl = isControlOpcode((this.header[0] ?? 0) & 0x0f);
    // Control payloads are at most 125 bytes when valid, so keep them whole whatever the cap.
    const keep = Math.min(
      length,
      isControl ? Math.max(this.maxKept, MAX_CONTROL_PAYLOAD_BYTES) : this.maxKept,
    );
    this.payloadLength = length;
    this.payloadSeen = 0;
    this.keepLength = keep;
    this.kept = NO_BYTES;
    this.keptOffset = 0;
    this.state = 'payload';
    return null;
  }

  private finishFrame(onFrame: (frame: WsSplitFrame) => void): void {
    const b0 = this.header[0] ?? 0;
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    const split = this.split;
    split.index = this.frameIndex++;
    split.byteOffset = this.frameStart;
    split.byteLength = this.offset - this.frameStart;
    split.headerLength = this.headerNeeded;
    split.firstByte = b0;
    split.payloadLength = this.payloadLength;
    split.fragmentOpcode = this.fragmentOpcode;
    split.isPayloadKept = this.keepLength === this.payloadLength;
    split.kept = this.kept;
    split.keptOffset = this.keptOffset;
    split.keptLength = this.keepLength;
    // RFC 6455 5.4: a first frame without FIN opens a message, a continuation with FIN ends it. A
    // continuation with nothing open leaves nothing open (describeWsFrame reports it).
    if (opcode === 0 && fin) this.fragmentOpcode = 0;
    else if (opcode === 1 || opcode === 2) this.fragmentOpcode = fin ? 0 : opcode;
    this.state = 'header';
    this.headerCount = 0;
    this.headerNeeded = 2;
    this.frameStart = this.offset;
    // The header buffer is only written again by the next frame's bytes, after this returns.
    onFrame(split);
    split.kept = NO_BYTES;
  }
}

/** Functional form: `createWsFrameDecoder(options).push(chunk)`. */
export function createWsFrameDecoder(options: WsFrameDecoderOptions = {}): WsFrameDecoder {
  return new WsFrameDecoder(options);
}

/** Decodes a complete byte string in one go (tests, fixtures, the page's "paste hex" box). */
export function decodeWsFrames(
  bytes: Uint8Array,
  options: WsFrameDecoderOptions = {},
): WsPushResult & { pendingBytes: number } {
  const decoder = new WsFrameDecoder(options);
  const result = decoder.push(bytes);
  return { ...result, pendingBytes: decoder.pendingBytes };
}

function headerLengthFor(header: Uint8Array): number {
  const b1 = header[1] ?? 0;
  const len7 = b1 & 0x7f;
  const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  return 2 + extended + ((b1 & 0x80) !== 0 ? 4 : 0);
}

function readUint32(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] ?? 0) << 24) |
      ((bytes[at + 1] ?? 0) << 16) |
      ((bytes[at + 2] ?? 0) << 8) |
      (bytes[at + 3] ?? 0)) >>>
    0
  );
}
