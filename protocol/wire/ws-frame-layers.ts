/**
 * The byte-and-bit breakdown of one WebSocket frame, with a sentence per field for a learner.
 * Field order follows the RFC 6455 5.2 diagram; Wireshark's packet-websocket.c is the checklist.
 */

import { decodeUtf8, toHex } from './bytes.ts';
import { type Field, field, type Layer, layer } from './layers.ts';
import type { WsFrame } from './ws-frame.ts';
import { closeCodeMeaning } from './ws-names.ts';

/** How many payload bytes a field value shows; the frame itself keeps more. */
export const FIELD_PREVIEW_BYTES = 256;

export function frameLayers(frame: WsFrame, header: Uint8Array, permessageDeflate: boolean): Layer[] {
  const at = frame.byteOffset;
  const fields: Field[] = [
    field('FIN', at, 1, frame.fin, finMeaning(frame), { bitOffset: 0, bitLength: 1 }),
    field('RSV1', at, 1, frame.rsv1, rsv1Meaning(frame, permessageDeflate), { bitOffset: 1, bitLength: 1 }),
    field('RSV2', at, 1, frame.rsv2, rsvMeaning('RSV2', frame.rsv2), { bitOffset: 2, bitLength: 1 }),
    field('RSV3', at, 1, frame.rsv3, rsvMeaning('RSV3', frame.rsv3), { bitOffset: 3, bitLength: 1 }),
    field('Opcode', at, 1, `${frame.opcode} (${frame.opcodeName})`, opcodeMeaning(frame), {
      bitOffset: 4,
      bitLength: 4,
    }),
    field('MASK', at + 1, 1, frame.masked, maskMeaning(frame.masked), { bitOffset: 0, bitLength: 1 }),
    field('Payload length', at + 1, 1, (header[1] ?? 0) & 0x7f, lengthMeaning(frame), {
      bitOffset: 1,
      bitLength: 7,
    }),
  ];
  let next = at + 2;
  if (frame.lengthForm !== 7) {
    const size = frame.lengthForm === 16 ? 2 : 8;
    fields.push(
      field(
        `Extended payload length (${frame.lengthForm}-bit)`,
        next,
        size,
        frame.payloadLength,
        `These ${size} bytes, read as one big-endian number, give the payload length: ${frame.payloadLength} bytes (RFC 6455 5.2).`,
      ),
    );
    next += size;
  }
  if (frame.maskingKey) {
    fields.push(
      field(
        'Masking key',
        next,
        4,
        frame.maskingKey,
        'Four random bytes the client chose for this frame; the receiver XORs them over the payload to recover it, and proxies cannot predict them (RFC 6455 5.3, 10.3).',
      ),
    );
  }
  const layers = [layer('WebSocket frame header', fields, at, frame.headerLength)];
  if (frame.payloadLength > 0) layers.push(payloadLayer(frame, permessageDeflate));
  return layers;
}

function payloadLayer(frame: WsFrame, permessageDeflate: boolean): Layer {
  const start = frame.byteOffset + frame.headerLength;
  const length = frame.payloadLength;
  const cut = frame.truncated ? ` (the first ${frame.payload.length} of ${length} bytes are kept)` : '';
  const fields: Field[] = [];
  if (frame.maskedPayload) {
    fields.push(
      field(
        'Masked payload (as sent)',
        start,
        length,
        toHex(frame.maskedPayload, FIELD_PREVIEW_BYTES),
        `The payload as it crossed the wire, each byte XORed with the masking key, so it looks like noise${cut}.`,
      ),
    );
  }
  if (frame.close) {
    const { close } = frame;
    if (close.code !== null) {
      fields.push(
        field(
          'Close code',
          start,
          2,
          close.code,
          `A 2-byte status code saying why the connection is closing: ${close.code} "${close.codeName}". ${closeCodeMeaning(close.code)}`,
        ),
      );
    }
    if (length > 2) {
      fields.push(
        field(
          'Close reason',
          start + 2,
          length - 2,
          close.reason,
          `A UTF-8 explanation meant for people and logs, not for programs to act on (RFC 6455 5.5.1)${
            close.reasonLossy ? '; it is not valid UTF-8, so bad bytes are shown as �' : ''
          }.`,
        ),
      );
    }
    return layer('Close payload', fields, start, length);
  }
  const compressed = frame.rsv1 && permessageDeflate;
  const name = frame.masked ? 'Unmasked payload' : 'Payload';
  if (frame.text !== null) {
    fields.push(
      field(
        `${name} (UTF-8 text)`,
        start,
        length,
        frame.text,
        `${frame.masked ? 'After XOR with the key, the' : 'The'} payload is text the application receives${cut}${
          frame.textLossy ? '; some bytes are not valid UTF-8 (shown as �)' : ''
        }.`,
      ),
    );
  } else {
    fields.push(
      field(
        compressed ? `${name} (deflate-compressed)` : name,
        start,
        length,
        toHex(frame.payload, FIELD_PREVIEW_BYTES),
        compressed
          ? `The message compressed with DEFLATE; the receiver appends 00 00 ff ff and inflates it before use (RFC 7692 7.2.2)${cut}.`
          : `${payloadPurpose(frame)}${cut}.`,
      ),
    );
    const asText = frame.messageOpcode === 2 && !compressed ? decodeUtf8(frame.payload, true) : null;
    if (asText && !asText.lossy && frame.payload.length > 0) {
      fields.push(
        field(
          `${name} read as UTF-8`,
          start,
          length,
          asText.text,
          'A binary frame says nothing about what its bytes are; these happen to be valid UTF-8, so here they are as text. The application decides (a browser hands it over as a Blob or an ArrayBuffer).',
        ),
      );
    }
  }
  return layer('WebSocket payload', fields, start, length);
}

function payloadPurpose(frame: WsFrame): string {
  if (frame.opcode === 9)
    return 'Ping data: the peer must echo exactly these bytes back in a Pong (RFC 6455 5.5.2)';
  if (frame.opcode === 10) return 'Pong data: a copy of the Ping payload it answers (RFC 6455 5.5.3)';
  return 'Binary application data, passed on as raw bytes without interpreting them';
}

function finMeaning(frame: WsFrame): string {
  if (frame.fin) {
    return frame.opcode === 0
      ? 'FIN is 1: this is the last fragment, so the receiver can now join the pieces into one message (RFC 6455 5.4).'
      : 'FIN is 1: this frame holds a whole message, nothing more follows for it (RFC 6455 5.2).';
  }
  return 'FIN is 0: the message goes on in continuation frames, so the receiver keeps collecting (RFC 6455 5.4).';
}

function rsv1Meaning(frame: WsFrame, permessageDeflate: boolean): string {
  if (!frame.rsv1) {
    return 'RSV1 is 0: no extension changed this frame; with permessage-deflate it would mean "not compressed" (RFC 7692 6).';
  }
  return permessageDeflate && (frame.opcode === 1 || frame.opcode === 2)
    ? 'RSV1 is 1: this message is compressed with permessage-deflate, as agreed in the handshake (RFC 7692 6).'
    : 'RSV1 is 1 but no agreed extension gives it a meaning here, so the receiver must close the connection (RFC 6455 5.2).';
}

function rsvMeaning(name: string, set: boolean): string {
  return set
    ? `${name} is 1, yet no extension we know defines it, so the receiver must fail the connection (RFC 6455 5.2).`
    : `${name} is 0: reserved for extensions, and none uses it here (RFC 6455 5.2).`;
}

function opcodeMeaning(frame: WsFrame): string {
  switch (frame.opcode) {
    case 0:
      return 'Opcode 0, continuation: this frame carries the next piece of a message started by an earlier frame (RFC 6455 5.4).';
    case 1:
      return 'Opcode 1, text: the message is UTF-8 text (RFC 6455 5.6).';
    case 2:
      return 'Opcode 2, binary: the message is raw bytes the application interprets itself (RFC 6455 5.6).';
    case 8:
      return 'Opcode 8, close: the sender wants to end the connection; the other side answers with its own Close (RFC 6455 5.5.1).';
    case 9:
      return 'Opcode 9, ping: a liveness check; the other side must reply with a Pong as soon as it can (RFC 6455 5.5.2).';
    case 10:
      return 'Opcode 10, pong: the answer to a Ping, or an unasked heartbeat (RFC 6455 5.5.3).';
    default:
      return `Opcode ${frame.opcode} is reserved for future use, so a receiver must fail the connection (RFC 6455 5.2).`;
  }
}

function maskMeaning(masked: boolean): string {
  return masked
    ? 'MASK is 1: the client scrambled the payload with the 4-byte key that follows, as every browser must (RFC 6455 5.3).'
    : 'MASK is 0: the payload is sent as is; servers never mask, clients always must (RFC 6455 5.1).';
}

function lengthMeaning(frame: WsFrame): string {
  if (frame.lengthForm === 16) {
    return '126 is a signal, not a length: the real length follows in the next 2 bytes (RFC 6455 5.2).';
  }
  if (frame.lengthForm === 64) {
    return '127 is a signal, not a length: the real length follows in the next 8 bytes (RFC 6455 5.2).';
  }
  return `The payload is ${frame.payloadLength} bytes long; lengths up to 125 fit in these 7 bits (RFC 6455 5.2).`;
}
