/**
 * The layer a data frame gets for the message it belongs to: its place among the fragments
 * (RFC 6455 5.4) and, on the frame that completes the message, the message joined and inflated
 * (RFC 7692 7.2.2). It spans this frame's payload: the bytes a learner points at to find it.
 */
import { toHex } from './bytes.ts';
import { type Field, field, type Layer, layer } from './layers.ts';
import type { DeflateDirection } from './ws-deflate.ts';
import type { WsFrame } from './ws-frame.ts';
import { FIELD_PREVIEW_BYTES } from './ws-frame-layers.ts';
import type { WsCompletedMessage, WsFramePlace } from './ws-message-stream.ts';

/** Nothing for a one-frame uncompressed message: the frame already is the message. */
export function messageLayers(
  frame: WsFrame,
  place: WsFramePlace,
  deflate: DeflateDirection | null,
): Layer[] {
  const message = place.message;
  const fragmented = place.fragment > 1 || !frame.fin;
  if (!fragmented && !message?.compressed) return [];
  const at = frame.payloadLength > 0 ? frame.byteOffset + frame.headerLength : frame.byteOffset;
  const span = frame.payloadLength > 0 ? frame.payloadLength : frame.headerLength;
  const fields: Field[] = [];
  if (fragmented) {
    fields.push(
      field(
        'Fragment',
        at,
        span,
        message ? `${place.fragment} of ${place.fragment} (last)` : `${place.fragment} (more follow)`,
        message
          ? `The last of ${place.fragment} frames of one message: a first frame with FIN 0, continuation frames (opcode 0), and this one with FIN 1. The receiver now joins their payloads in order (RFC 6455 5.4).`
          : `Frame ${place.fragment} of a message that goes on: the receiver holds this payload until a frame with FIN 1 ends the message (RFC 6455 5.4). Control frames may come in between.`,
      ),
    );
  }
  if (message) fields.push(...completedFields(message, at, span, deflate, fragmented));
  return [
    layer(message?.compressed ? 'permessage-deflate message' : 'Reassembled message', fields, at, span),
  ];
}

function completedFields(
  message: WsCompletedMessage,
  at: number,
  span: number,
  deflate: DeflateDirection | null,
  fragmented: boolean,
): Field[] {
  const fields: Field[] = [];
  const cut = message.truncated ? ' (only the start was kept)' : '';
  if (message.compressed) {
    fields.push(
      field(
        'Compressed message',
        at,
        span,
        toHex(message.wireData, FIELD_PREVIEW_BYTES),
        `${message.wireLength} bytes of DEFLATE data${fragmented ? ', joined from every frame' : ''}, as sent: the sender compressed, flushed, and dropped the flush's last 4 bytes 00 00 ff ff (RFC 7692 7.2.1)${cut}.`,
      ),
    );
    const window = deflate
      ? `${deflate.contextTakeover ? 'with the window it kept from earlier messages (context takeover)' : 'with an empty window (no context takeover)'}`
      : 'with its window';
    const ratio =
      message.dataLength !== null && message.dataLength > 0
        ? `: ${message.wireLength} bytes became ${message.dataLength} (${Math.round((100 * message.wireLength) / message.dataLength)}%)`
        : '';
    const inflatedName = message.text !== null ? 'Inflated message (UTF-8 text)' : 'Inflated message';
    fields.push(
      field(
        inflatedName,
        at,
        span,
        message.text ?? toHex(message.data, FIELD_PREVIEW_BYTES),
        `What the application receives: the receiver appended 00 00 ff ff and inflated it ${window} (RFC 7692 7.2.2)${ratio}${cut}.`,
      ),
    );
    if (message.blocks.length > 0) {
      fields.push(
        field(
          'DEFLATE blocks',
          at,
          span,
          message.blocks.map((block) => `${blockName(block.kind)} → ${block.outputBytes} B`).join(', '),
          'How the compressor coded it (RFC 1951 3.2.3): Huffman blocks (fixed or dynamic codes, with back-references into the window), and an empty stored block that is the sync flush ending the message.',
        ),
      );
    }
  } else {
    fields.push(
      field(
        message.text !== null ? 'Reassembled message (UTF-8 text)' : 'Reassembled message',
        at,
        span,
        message.text ?? toHex(message.data, FIELD_PREVIEW_BYTES),
        `The payloads of all ${message.frameIndexes.length} frames joined: ${message.wireLength} bytes, the message the application receives${cut}.`,
      ),
    );
  }
  if (message.error) {
    fields.push(field('Problem', at, span, message.error.code, message.error.message));
  }
  return fields;
}

function blockName(kind: 'stored' | 'fixed' | 'dynamic'): string {
  return kind === 'dynamic' ? 'dynamic Huffman' : kind === 'fixed' ? 'fixed Huffman' : 'stored';
}
