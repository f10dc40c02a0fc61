/**
 * Reading one RFC 6455 frame that WsFrameDecoder has split off the stream: header fields, the unmasked
 * payload, text, the close body, the protocol violations an endpoint would fail the connection for, and
 * the layers with a sentence per field. Pure: the same raw frame always reads the same.
 */
import { decodeUtf8 } from './bytes.ts';
import { type DecodeError, decodeError, type Layer } from './layers.ts';
import { frameLayers } from './ws-frame-layers.ts';
import { closeCodeName, isControlOpcode, isSendableCloseCode, opcodeName } from './ws-names.ts';

/** RFC 6455 5.5: every control frame payload is at most 125 bytes. */
export const MAX_CONTROL_PAYLOAD_BYTES = 125;

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
