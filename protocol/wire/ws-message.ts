/**
 * Fragment reassembly (RFC 6455 5.4): a data frame with FIN 0 starts a message, continuation
 * frames extend it, the one with FIN 1 ends it; control frames may sit in between and stand alone.
 * Pure: give it the frames so far, get the messages so far.
 */
import { decodeUtf8 } from './bytes.ts';
import { type DecodeError, decodeError } from './layers.ts';
import { DEFAULT_MAX_KEPT_PAYLOAD_BYTES, type WsFrame } from './ws-frame.ts';
import { opcodeName } from './ws-names.ts';

export interface WsMessage {
  opcode: number;
  opcodeName: string;
  /** Indexes (WsFrame.index) of the frames that carried it, in order. */
  frameIndexes: number[];
  byteOffset: number;
  /** From the first byte of the first frame to the last byte of the last frame, control frames included. */
  byteLength: number;
  /** Sum of the payload lengths of its frames. */
  payloadLength: number;
  /** The joined kept payload bytes (unmasked), capped. */
  data: Uint8Array;
  /** True when some payload byte was not kept, by a frame or by the message cap. */
  truncated: boolean;
  text: string | null;
  textLossy: boolean;
  compressed: boolean;
}

export interface WsReassembly {
  messages: WsMessage[];
  /** A fragmented message still waiting for its FIN frame. */
  incomplete: WsMessage | null;
  errors: DecodeError[];
}

export function reassembleMessages(
  frames: readonly WsFrame[],
  maxKeptBytes = DEFAULT_MAX_KEPT_PAYLOAD_BYTES,
): WsReassembly {
  const messages: WsMessage[] = [];
  const errors: DecodeError[] = [];
  let open: { message: WsMessage; parts: Uint8Array[] } | null = null;
  for (const frame of frames) {
    if (frame.isControl || frame.opcode > 2) {
      messages.push(finish(start(frame), [frame.payload], frame.truncated, maxKeptBytes));
      continue;
    }
    if (frame.opcode === 0) {
      if (!open) {
        errors.push(
          decodeError(
            'WS_ERR_INVALID_OPCODE',
            'a continuation frame with no message to continue',
            frame.byteOffset,
            1002,
          ),
        );
        continue;
      }
      const wasCut = open.message.truncated;
      extend(open.message, frame);
      open.parts.push(wasCut ? new Uint8Array(0) : frame.payload);
    } else {
      if (open) {
        errors.push(
          decodeError(
            'WS_ERR_INVALID_OPCODE',
            'a new message began before the fragmented one ended',
            frame.byteOffset,
            1002,
          ),
        );
        messages.push(finish(open.message, open.parts, true, maxKeptBytes));
      }
      open = { message: start(frame), parts: [frame.payload] };
    }
    if (frame.fin && open) {
      const message = finish(open.message, open.parts, open.message.truncated, maxKeptBytes);
      if (message.opcode === 1 && !message.compressed && message.textLossy && !message.truncated) {
        errors.push(
          decodeError('WS_ERR_INVALID_UTF8', 'the text message is not valid UTF-8', message.byteOffset, 1007),
        );
      }
      messages.push(message);
      open = null;
    }
  }
  return {
    messages,
    incomplete: open ? finish(open.message, open.parts, open.message.truncated, maxKeptBytes) : null,
    errors,
  };
}

function start(frame: WsFrame): WsMessage {
  return {
    opcode: frame.opcode,
    opcodeName: opcodeName(frame.opcode),
    frameIndexes: [frame.index],
    byteOffset: frame.byteOffset,
    byteLength: frame.byteLength,
    payloadLength: frame.payloadLength,
    data: new Uint8Array(0),
    truncated: frame.truncated,
    text: null,
    textLossy: false,
    compressed: frame.rsv1,
  };
}

function extend(message: WsMessage, frame: WsFrame): void {
  message.frameIndexes.push(frame.index);
  message.byteLength = frame.byteOffset + frame.byteLength - message.byteOffset;
  message.payloadLength += frame.payloadLength;
  // Once a middle fragment was cut short, later bytes would be glued at the wrong place.
  message.truncated ||= frame.truncated;
}

function finish(
  message: WsMessage,
  parts: Uint8Array[],
  truncated: boolean,
  maxKeptBytes: number,
): WsMessage {
  let total = 0;
  for (const part of parts) total += part.length;
  const data = new Uint8Array(Math.min(total, maxKeptBytes));
  let at = 0;
  for (const part of parts) {
    if (at >= data.length) break;
    const piece = part.subarray(0, data.length - at);
    data.set(piece, at);
    at += piece.length;
  }
  const cut = truncated || data.length < message.payloadLength;
  const result: WsMessage = { ...message, data, truncated: cut };
  if (message.opcode === 1 && !message.compressed) {
    const decoded = decodeUtf8(data, cut);
    result.text = decoded.text;
    result.textLossy = decoded.lossy;
  }
  return result;
}
