/**
 * What the frame inspector says about a WebSocket frame beyond its fields: the message it belongs to
 * (fragments joined, compressed and inflated side by side, with what the handshake agreed), a binary
 * payload as hex and text, a Close frame's code in words, and how a WebSocket connection ended. Pure.
 */
import type { WireEvent } from '../../../protocol/inspect.ts';
import { decodeUtf8, toHex } from '../../../protocol/wire/bytes.ts';
import { closeCodeMeaning, closeCodeName } from '../../../protocol/wire/ws-names.ts';
import { byteCount } from './field-format.ts';
import { decodeBase64 } from './hex-grid.ts';
import { payloadRange } from './xor.ts';

/** Bytes shown as hex in a message column before "…": the field list and grid have the rest. */
export const MESSAGE_PREVIEW_BYTES = 512;

export interface ByteColumn {
  title: string;
  /** What the column shows, in a sentence. */
  note: string;
  hex: string;
  /** Set when the bytes are UTF-8 text. */
  text: string | null;
}

export interface MessageView {
  title: string;
  /** Left: as it crossed the wire; right: what the application receives. */
  columns: [ByteColumn, ByteColumn] | [ByteColumn];
  /** What the 101 agreed, in sentences; empty when not compressed. */
  agreement: string[];
  blocks: string | null;
  problem: string | null;
}

export function messageView(event: WireEvent): MessageView | null {
  const message = event.wsMessage;
  if (message) return completedView(event, message);
  if (event.unit === 'ws-frame' && event.ws?.opcode === 2 && !event.ws.rsv1) return binaryView(event);
  return null;
}

function completedView(event: WireEvent, message: NonNullable<WireEvent['wsMessage']>): MessageView {
  const wire = decodeBase64(message.wireBase64);
  const data = decodeBase64(message.dataBase64);
  const frames = message.frameIndexes.length;
  const fromFrames = frames > 1 ? ` from ${frames} frames` : '';
  const cut = message.truncated ? ' (the start)' : '';
  const wireColumn: ByteColumn = {
    title: message.compressed ? `On the wire: ${byteCount(message.wireLength)} compressed` : 'On the wire',
    note: message.compressed
      ? `The payload${frames > 1 ? 's of its frames joined' : ''}${cut}: DEFLATE data, the last 4 bytes of the flush (00 00 ff ff) left off.`
      : `The payloads of its ${frames} frames joined${cut}.`,
    hex: toHex(wire, MESSAGE_PREVIEW_BYTES),
    text: null,
  };
  const dataColumn: ByteColumn = {
    title:
      message.dataLength === null
        ? 'Received: not known'
        : `Received: ${byteCount(message.dataLength)}${message.compressed ? ' inflated' : ''}`,
    note: message.compressed
      ? 'What the application gets: the receiver appends 00 00 ff ff and inflates.'
      : `What the application gets: one ${message.opcodeName} message.`,
    hex: toHex(data, MESSAGE_PREVIEW_BYTES),
    text: message.text,
  };
  const ratio =
    message.compressed && message.dataLength
      ? ` (${Math.round((100 * message.wireLength) / message.dataLength)}% of its size)`
      : '';
  const deflate = message.deflate;
  return {
    title: message.compressed
      ? `Compressed ${message.opcodeName} message${fromFrames}: ${byteCount(message.wireLength)} on the wire${message.dataLength === null ? '' : `, ${byteCount(message.dataLength)} inflated${ratio}`}`
      : `One ${message.opcodeName} message reassembled${fromFrames}: ${byteCount(message.wireLength)}`,
    columns: message.compressed ? [wireColumn, dataColumn] : [dataColumn],
    agreement: deflate
      ? [
          `Agreed in the 101: Sec-WebSocket-Extensions: ${deflate.extensions}`,
          deflate.contextTakeover
            ? `Context takeover on: the ${event.dir === 'out' ? 'server' : 'browser'} keeps its window from message to message, so a repeat of earlier text costs a few bytes (RFC 7692 7.1.1).`
            : `No context takeover: the ${event.dir === 'out' ? 'server' : 'browser'} starts every message with an empty window (RFC 7692 7.1.1).`,
          `Window: 2^${deflate.windowBits} = ${windowSize(deflate.windowBits)}, how far back a copy may reach (RFC 7692 7.1.2).`,
        ]
      : [],
    blocks: deflate
      ? `DEFLATE blocks: ${deflate.blocks.map((block) => `${blockName(block.kind)} → ${byteCount(block.outputBytes)}`).join(', ')} (the empty stored block is the sync flush that ends the message).`
      : null,
    problem: message.error ? `${message.error.code}: ${message.error.message}` : null,
  };
}

/** A binary frame's payload: hex always, and text when the bytes happen to be valid UTF-8. */
function binaryView(event: WireEvent): MessageView | null {
  const range = payloadRange(event.layers);
  if (!range) return null;
  const bytes = decodeBase64(event.bytesBase64).subarray(
    range.byteOffset,
    range.byteOffset + range.byteLength,
  );
  // A unit cut by the capture cap may end mid-character: that alone does not make the bytes "not text".
  const decoded = decodeUtf8(bytes, event.truncated);
  const text = decoded.lossy ? null : decoded.text;
  return {
    title: `Binary payload: ${byteCount(range.byteLength)}`,
    columns: [
      {
        title: 'Bytes',
        note: 'Opcode 2 says nothing about what the bytes mean; the application decides.',
        hex: toHex(bytes, MESSAGE_PREVIEW_BYTES),
        text: null,
      },
      {
        title: text === null ? 'Not text' : 'Read as UTF-8',
        note:
          text === null
            ? 'These bytes are not valid UTF-8, so they are shown only as hex.'
            : 'The bytes happen to be valid UTF-8: here they are as text (a browser hands over a Blob or ArrayBuffer).',
        hex: '',
        text,
      },
    ],
    agreement: [],
    blocks: null,
    problem: null,
  };
}

/** On a fragment that does not end its message: where it stands and where the message will be. */
export function fragmentNote(event: WireEvent): string | null {
  const ws = event.ws;
  if (!ws || ws.fragment === undefined || ws.fin) return null;
  return `Frame ${ws.fragment} of a fragmented message: FIN 0, so more frames follow${ws.fragment === 1 ? ' as continuations (opcode 0)' : ''}. The frame with FIN 1 completes it and shows the whole message.`;
}

export interface CloseView {
  code: number | null;
  name: string;
  meaning: string;
  reason: string | null;
}

export function closeView(event: WireEvent): CloseView | null {
  if (event.ws?.opcode !== 8) return null;
  const code = event.ws.closeCode;
  const reason = event.layers.flatMap((layer) => layer.fields).find((field) => field.name === 'Close reason');
  if (code === null) {
    return {
      code: null,
      name: closeCodeName(1005),
      meaning:
        'This Close frame has no code; the receiver reports 1005 "No Status Received" (RFC 6455 7.1.5).',
      reason: null,
    };
  }
  return {
    code,
    name: closeCodeName(code),
    meaning: closeCodeMeaning(code),
    reason: typeof reason?.value === 'string' ? reason.value : null,
  };
}

/** How a WebSocket connection's TCP close reads for each side: the code its close event reports. */
export function closingLines(event: WireEvent): string[] {
  const closing = event.wsClosing;
  if (event.unit !== 'tcp-close' || !closing) return [];
  const line = (sender: string, receiver: string, seen: { code: number | null; reason: string } | null) =>
    seen
      ? `The ${sender} sent a Close frame (${seen.code ?? 'no code'}${seen.code === null ? '' : ` ${closeCodeName(seen.code)}`}${seen.reason ? `, "${seen.reason}"` : ''}): the ${receiver} reports ${seen.code ?? 1005}.`
      : `No close frame from the ${sender}: the ${receiver} sees 1006 (${closeCodeName(1006)}), a code never sent on the wire.`;
  return [line('server', 'browser', closing.fromServer), line('browser', 'server', closing.fromClient)];
}

function windowSize(bits: number): string {
  const bytes = 2 ** bits;
  return bytes >= 1024 ? `${bytes / 1024} KiB` : byteCount(bytes);
}

function blockName(kind: 'stored' | 'fixed' | 'dynamic'): string {
  return kind === 'dynamic' ? 'dynamic Huffman' : kind === 'fixed' ? 'fixed Huffman' : 'stored';
}
