/**
 * RFC 6455 frame decoder: an explicit state machine over buffered bytes, modelled on the `ws`
 * receiver (GET_INFO -> GET_PAYLOAD_LENGTH_16/64 -> GET_MASK -> GET_DATA), so a frame split across
 * any number of TCP reads just waits. It never throws. Frame-level protocol violations are
 * reported on the frame (it is still drawn, with the reason a real endpoint would close); only a
 * length we cannot follow stops the decoder, because after it the frame boundaries are lost.
 */
import { decodeUtf8 } from './bytes.ts';
import { type DecodeError, decodeError, type Layer } from './layers.ts';
import { frameLayers } from './ws-frame-layers.ts';
import { closeCodeName, isControlOpcode, isSendableCloseCode, opcodeName } from './ws-names.ts';

/** How many payload bytes each frame keeps for display; the rest is counted, not stored. */
export const DEFAULT_MAX_KEPT_PAYLOAD_BYTES = 4096;
/** RFC 6455 5.5: every control frame payload is at most 125 bytes. */
export const MAX_CONTROL_PAYLOAD_BYTES = 125;
/** The longest header: 2 bytes, 8 bytes of 64-bit length, 4 bytes of masking key (RFC 6455 5.2). */
export const MAX_FRAME_HEADER_BYTES = 14;

export type LengthForm = 7 | 16 | 64;

export interface WsClose {
  /** null when the Close frame had no body (reported locally as 1005, RFC 6455 7.1.5). */
  code: number | null;
  codeName: string;
  reason: string;
  reasonLossy: boolean;
}

export interface WsFrame {
  /** 0 for the first frame this decoder saw. */
  index: number;
  byteOffset: number;
  /** Header plus payload. */
  byteLength: number;
  headerLength: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  opcodeName: string;
  isControl: boolean;
  /** For continuation frames, the opcode of the message they continue (0 if none was open). */
  messageOpcode: number;
  masked: boolean;
  /** The 4-byte masking key as hex ("37fa213d"), null when MASK is 0. */
  maskingKey: string | null;
  lengthForm: LengthForm;
  /** The full payload length from the header, whether or not we kept all of it. */
  payloadLength: number;
  /** The kept payload bytes as they crossed the wire (still XORed); null when MASK is 0. */
  maskedPayload: Uint8Array | null;
  /** The kept payload bytes after unmasking: what the application sees. */
  payload: Uint8Array;
  /** True when payloadLength is larger than the kept bytes. */
  truncated: boolean;
  /** Kept payload decoded as UTF-8 for text frames (and continuations of text messages). */
  text: string | null;
  textLossy: boolean;
  close: WsClose | null;
  /** Protocol violations an endpoint would fail the connection for (RFC 6455 7.1.7). */
  errors: DecodeError[];
  layers: Layer[];
}

/**
 * A frame as the decoder splits it off the stream, before anything is read out of it: where it sits, its
 * header bytes, the payload bytes it kept (still masked) and the one piece of state its meaning depends on.
 * describeWsFrame turns it into a WsFrame; splitting is cheap, describing is not, so a reader that may
 * never look at a frame (the capture) splits eagerly and describes later.
 */
export interface WsRawFrame {
  index: number;
  byteOffset: number;
  byteLength: number;
  /** The header as sent, 2 to 14 bytes. */
  header: Uint8Array;
  payloadLength: number;
  /** The kept payload bytes as they crossed the wire (still XORed when MASK is 1). */
  keptPayload: Uint8Array;
  /** RFC 6455 5.4: the opcode of the fragmented message open before this frame, 0 when none. */
  fragmentOpcode: number;
}

export interface WsDescribeOptions {
  /** Who wrote these bytes: clients must mask, servers must not (RFC 6455 5.1). Unset: no check. */
  sender?: 'client' | 'server' | undefined;
  /** permessage-deflate was negotiated, so RSV1 on a first data frame means "compressed" (RFC 7692 6). */
  permessageDeflate?: boolean | undefined;
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
  /** `kept` views the chunk it all arrived in (viewChunks), so nothing is copied into it. */
  private keptIsView = false;
  /** RFC 6455 5.4: the opcode of the fragmented message in progress, 0 when none. */
  private fragmentOpcode = 0;

  constructor(options: WsFrameDecoderOptions = {}) {
    this.options = options;
    const cap = options.maxKeptPayloadBytes ?? DEFAULT_MAX_KEPT_PAYLOAD_BYTES;
    this.maxKept = Number.isFinite(cap) && cap >= 0 ? Math.floor(cap) : DEFAULT_MAX_KEPT_PAYLOAD_BYTES;
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
          return { frames: frames ?? [], error };
        }
      } else {
        const take = Math.min(this.payloadLength - this.payloadSeen, chunk.length - i);
        if (this.payloadSeen === 0 && this.keepLength > 0) {
          this.keptIsView = this.options.viewChunks === true && i + this.keepLength <= chunk.length;
          this.kept = this.keptIsView
            ? new Uint8Array(chunk.buffer, chunk.byteOffset + i, this.keepLength)
            : new Uint8Array(this.keepLength);
        }
        const keepRoom = this.keepLength - Math.min(this.payloadSeen, this.keepLength);
        if (keepRoom > 0 && !this.keptIsView) {
          this.kept.set(chunk.subarray(i, i + Math.min(take, keepRoom)), this.payloadSeen);
        }
        this.payloadSeen += take;
        this.offset += take;
        i += take;
      }
      if (this.state === 'payload' && this.payloadSeen === this.payloadLength) {
        frames ??= [];
        frames.push(this.finishFrame());
      }
    }
    // Most pushes of a frame's header complete nothing: they share one empty answer.
    return frames ? { frames, error: null } : NOTHING_YET;
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
    this.state = 'payload';
    return null;
  }

  private finishFrame(): WsRawFrame {
    const b0 = this.header[0] ?? 0;
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    const frame: WsRawFrame = {
      index: this.frameIndex++,
      byteOffset: this.frameStart,
      byteLength: this.offset - this.frameStart,
      header: this.header.slice(0, this.headerNeeded),
      payloadLength: this.payloadLength,
      keptPayload: this.kept,
      fragmentOpcode: this.fragmentOpcode,
    };
    // RFC 6455 5.4: a first frame without FIN opens a message, a continuation with FIN ends it. A
    // continuation with nothing open leaves nothing open (describeWsFrame reports it).
    if (opcode === 0 && fin) this.fragmentOpcode = 0;
    else if (opcode === 1 || opcode === 2) this.fragmentOpcode = fin ? 0 : opcode;
    this.state = 'header';
    this.headerCount = 0;
    this.headerNeeded = 2;
    this.frameStart = this.offset;
    return frame;
  }
}

/**
 * Reads a split frame: header fields, unmasked payload, text, the close body, the protocol violations an
 * endpoint would fail the connection for, and the layers. Pure: the same raw frame always reads the same.
 */
export function describeWsFrame(raw: WsRawFrame, options: WsDescribeOptions = {}): WsFrame {
  const h = raw.header;
  const headerLength = h.length;
  const b0 = h[0] ?? 0;
  const b1 = h[1] ?? 0;
  const opcode = b0 & 0x0f;
  const masked = (b1 & 0x80) !== 0;
  const len7 = b1 & 0x7f;
  const lengthForm: LengthForm = len7 === 126 ? 16 : len7 === 127 ? 64 : 7;
  const key = masked ? h.subarray(headerLength - 4, headerLength) : null;
  const kept = raw.keptPayload;
  const payload = key ? unmask(kept, key) : kept;
  const isControl = isControlOpcode(opcode);
  const messageOpcode = opcode === 0 ? raw.fragmentOpcode : opcode;
  const frame: WsFrame = {
    index: raw.index,
    byteOffset: raw.byteOffset,
    byteLength: raw.byteLength,
    headerLength,
    fin: (b0 & 0x80) !== 0,
    rsv1: (b0 & 0x40) !== 0,
    rsv2: (b0 & 0x20) !== 0,
    rsv3: (b0 & 0x10) !== 0,
    opcode,
    opcodeName: opcodeName(opcode),
    isControl,
    messageOpcode,
    masked,
    maskingKey: key ? hexNoSpace(key) : null,
    lengthForm,
    payloadLength: raw.payloadLength,
    maskedPayload: key ? kept : null,
    payload,
    truncated: kept.length < raw.payloadLength,
    text: null,
    textLossy: false,
    close: null,
    errors: [],
    layers: [],
  };
  frame.errors = checkFrame(frame, len7, raw.fragmentOpcode, options);
  const permessageDeflate = options.permessageDeflate === true;
  const compressed = frame.rsv1 && permessageDeflate;
  if (messageOpcode === 1 && !compressed) {
    // A fragment or a kept prefix may end mid-character; only the message as a whole must be valid UTF-8.
    const decoded = decodeUtf8(payload, frame.truncated || !frame.fin || opcode === 0);
    frame.text = decoded.text;
    frame.textLossy = decoded.lossy;
    if (decoded.lossy && frame.fin && opcode === 1) {
      frame.errors.push(wsError(frame, 'WS_ERR_INVALID_UTF8', 'A text frame must carry valid UTF-8', 1007));
    }
  }
  if (opcode === 8) frame.close = readClose(frame);
  frame.layers = frameLayers(frame, h, permessageDeflate);
  return frame;
}

/** The checks the `ws` receiver makes (same codes), plus RFC 6455 5.2's minimal length rule. */
function checkFrame(
  frame: WsFrame,
  len7: number,
  fragmentOpcode: number,
  options: WsDescribeOptions,
): DecodeError[] {
  const errors: DecodeError[] = [];
  const add = (code: string, message: string, closeCode = 1002) =>
    errors.push(wsError(frame, code, message, closeCode));
  const { opcode } = frame;
  if (frame.rsv2 || frame.rsv3) add('WS_ERR_UNEXPECTED_RSV_2_3', 'RSV2 and RSV3 must be clear');
  const rsv1Allowed = options.permessageDeflate === true && (opcode === 1 || opcode === 2);
  if (frame.rsv1 && !rsv1Allowed) add('WS_ERR_UNEXPECTED_RSV_1', 'RSV1 must be clear');
  if (opcode === 0) {
    if (fragmentOpcode === 0)
      add('WS_ERR_INVALID_OPCODE', 'invalid opcode 0: no fragmented message to continue');
  } else if (opcode === 1 || opcode === 2) {
    if (fragmentOpcode !== 0)
      add('WS_ERR_INVALID_OPCODE', `invalid opcode ${opcode}: a fragmented message is unfinished`);
  } else if (opcode >= 8 && opcode <= 10) {
    if (!frame.fin) add('WS_ERR_EXPECTED_FIN', 'FIN must be set: control frames are never fragmented');
    if (frame.payloadLength > MAX_CONTROL_PAYLOAD_BYTES || (opcode === 8 && frame.payloadLength === 1)) {
      add('WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', `invalid payload length ${frame.payloadLength}`);
    }
  } else add('WS_ERR_INVALID_OPCODE', `invalid opcode ${opcode}`);
  if (options.sender === 'client' && !frame.masked) add('WS_ERR_EXPECTED_MASK', 'MASK must be set');
  if (options.sender === 'server' && frame.masked) add('WS_ERR_UNEXPECTED_MASK', 'MASK must be clear');
  if ((len7 === 126 && frame.payloadLength < 126) || (len7 === 127 && frame.payloadLength < 65536)) {
    add('WS_ERR_NON_MINIMAL_LENGTH', 'the payload length must use the shortest form that fits');
  }
  return errors;
}

/** RFC 6455 5.5.1: an optional 2-byte code, then an optional UTF-8 reason. */
function readClose(frame: WsFrame): WsClose {
  const body = frame.payload;
  if (body.length < 2) return { code: null, codeName: closeCodeName(1005), reason: '', reasonLossy: false };
  const code = ((body[0] ?? 0) << 8) | (body[1] ?? 0);
  const reason = decodeUtf8(body.subarray(2), frame.truncated);
  if (!isSendableCloseCode(code)) {
    frame.errors.push(wsError(frame, 'WS_ERR_INVALID_CLOSE_CODE', `invalid status code ${code}`));
  }
  if (reason.lossy) frame.errors.push(wsError(frame, 'WS_ERR_INVALID_UTF8', 'invalid UTF-8 sequence', 1007));
  return { code, codeName: closeCodeName(code), reason: reason.text, reasonLossy: reason.lossy };
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

/** RFC 6455 5.3: octet i of the payload is XORed with octet i mod 4 of the key. */
export function unmask(bytes: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = (bytes[i] ?? 0) ^ (key[i & 3] ?? 0);
  return out;
}

function hexNoSpace(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function wsError(frame: WsFrame, code: string, message: string, closeCode = 1002): DecodeError {
  return decodeError(code, message, frame.byteOffset, closeCode);
}
