/**
 * Pure pieces of turning decoded bytes into wire units: which exchange (client, transport) a request
 * belongs to, which chat seqs a payload carried, layer offsets relative to a unit, and the opening
 * handshake's Accept computation.
 */
import type { WireTransport, WsFrameSummary, WsMessageSummary } from '../../protocol/inspect.ts';
import type { Http1Header } from '../../protocol/wire/http1.ts';
import type { DecodeError, Layer } from '../../protocol/wire/layers.ts';
import type { DeflateDirection, NegotiatedDeflate } from '../../protocol/wire/ws-deflate.ts';
import type { WsFrame } from '../../protocol/wire/ws-frame.ts';
import { computeAccept, parseExtensions } from '../../protocol/wire/ws-handshake.ts';
import { messageLayers } from '../../protocol/wire/ws-message-layers.ts';
import type { WsCompletedMessage, WsFramePlace } from '../../protocol/wire/ws-message-stream.ts';

/** What a unit says beyond its bytes: its layers (offsets from the unit's first byte), seqs and summaries. */
export interface UnitDetails {
  layers: Layer[];
  messageSeqs: number[];
  ws?: WsFrameSummary;
  wsMessage?: WsMessageSummary;
  error?: DecodeError;
}

/** permessage-deflate as agreed, and this direction's half of it; nulls when it is off. */
export interface DeflateContext {
  negotiated: NegotiatedDeflate | null;
  direction: DeflateDirection | null;
}

/** Who an exchange belongs to, from its request line. */
export interface Exchange {
  client: string | null;
  transport: WireTransport;
  path: string;
  method: string;
  isInspector: boolean;
  /** The opening handshake's Sec-WebSocket-Key, to show how the server's Accept was computed. */
  wsKey?: string;
}

const TRANSPORT_BY_ENDPOINT: Record<string, WireTransport> = {
  poll: 'polling',
  'long-poll': 'long-polling',
  sse: 'sse',
  ws: 'websocket',
  messages: 'send',
};
const ROOM_PATH = /^\/api\/rooms\/[^/]+\/([a-z-]+)$/;
/**
 * Chat seqs in our JSON: a message object starts with `{"seq":`, an ack carries `"seq":`. Inside a JSON
 * string every quote is escaped, so chat text can never fake this pattern.
 */
const SEQ_PATTERN = /"seq":(\d+)/g;
export const UNKNOWN_EXCHANGE: Exchange = {
  client: null,
  transport: 'other',
  path: '',
  method: '',
  isInspector: false,
};

export function exchangeOf(method: string, target: string): Exchange {
  let url: URL;
  try {
    url = new URL(target, 'http://wirelab.invalid');
  } catch {
    return { ...UNKNOWN_EXCHANGE, method, path: target.slice(0, 200) };
  }
  const endpoint = ROOM_PATH.exec(url.pathname)?.[1];
  return {
    client: url.searchParams.get('client'),
    transport: (endpoint && TRANSPORT_BY_ENDPOINT[endpoint]) || 'other',
    path: url.pathname,
    method,
    isInspector: url.pathname === '/api/inspect',
  };
}

export function seqsIn(bytes: Uint8Array): number[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const seqs: number[] = [];
  for (const match of text.matchAll(SEQ_PATTERN)) seqs.push(Number(match[1]));
  // An ack names its seq once and a message names it once, but be safe against repeats.
  return [...new Set(seqs)];
}

/** Decoder offsets count from the start of a stream; the page wants them from the start of the unit. */
/**
 * Moves layers by `delta` bytes and shortens long string values, IN PLACE: decoders hand over fresh
 * objects per unit, and copying every layer and field of every frame was a large share of capture's cost.
 */
export function shiftLayers(layers: Layer[], delta: number, maxValueChars: number): Layer[] {
  for (const layer of layers) {
    layer.byteOffset += delta;
    for (const field of layer.fields) {
      field.byteOffset += delta;
      if (typeof field.value === 'string' && field.value.length > maxValueChars) {
        field.value = `${field.value.slice(0, maxValueChars)}…`;
      }
    }
  }
  return layers;
}

/**
 * A WebSocket frame's details: its layers and, for a data frame, its place in its message (and on the
 * frame that completes it, the message). `delta` moves the frame's offsets to the unit's.
 */
export function wsFrameDetails(
  frame: WsFrame,
  place: WsFramePlace | null,
  deflate: DeflateContext,
  delta: number,
  maxUnitBytes: number,
): UnitDetails {
  const message = place?.message ?? null;
  const error = frame.errors[0] ?? message?.error ?? undefined;
  const layers = place ? [...frame.layers, ...messageLayers(frame, place, deflate.direction)] : frame.layers;
  const summary = message && (message.compressed || message.frameIndexes.length > 1);
  return {
    layers: shiftLayers(layers, delta, maxUnitBytes),
    // A message counts where it is complete: its last frame (inflated when compressed). Earlier
    // fragments carry none, so a seq is never read from half a number cut at a frame boundary.
    messageSeqs: message ? seqsIn(message.data) : [],
    ws: wsSummary(frame, place),
    ...(summary ? { wsMessage: wsMessageSummary(message, maxUnitBytes, deflate) } : {}),
    ...(error ? { error } : {}),
  };
}

export function headerOf(headers: readonly Http1Header[], name: string): Http1Header | undefined {
  return headers.find((header) => header.name.toLowerCase() === name);
}

/**
 * The 101's proof of understanding, step by step over its Sec-WebSocket-Accept line (RFC 6455 4.2.2), and
 * the extensions the server agreed to over its Sec-WebSocket-Extensions line.
 */
export function handshakeLayers(key: string | undefined, headers: readonly Http1Header[]): Layer[] {
  const layers: Layer[] = [];
  const accept = headerOf(headers, 'sec-websocket-accept');
  if (accept && key !== undefined) {
    const computed = computeAccept(key);
    const at = { byteOffset: accept.byteOffset, byteLength: accept.byteLength };
    layers.push({
      name: 'How the server computed Sec-WebSocket-Accept',
      ...at,
      fields: [
        ...computed.steps.map((step) => ({
          name: step.title,
          ...at,
          value: step.value,
          meaning: step.meaning,
        })),
        {
          name: 'Matches',
          ...at,
          value: computed.accept === accept.value.trim(),
          meaning:
            computed.accept === accept.value.trim()
              ? 'The value the server sent equals the one computed from the key: the browser accepts the upgrade.'
              : 'The value the server sent differs from the one computed from the key: a browser would refuse this upgrade.',
        },
      ],
    });
  }
  const extensions = headerOf(headers, 'sec-websocket-extensions');
  if (extensions) {
    const parsed = parseExtensions(extensions.value);
    const at = { byteOffset: extensions.byteOffset, byteLength: extensions.byteLength };
    layers.push({
      name: 'Negotiated extensions',
      ...at,
      fields: parsed.ok
        ? parsed.value.flatMap((offer) => [
            { name: offer.name, ...at, value: offer.name, meaning: offer.meaning },
            ...offer.params.map((param) => ({
              name: param.name,
              ...at,
              value: param.value,
              meaning: param.meaning,
            })),
          ])
        : [{ name: 'Unreadable', ...at, value: extensions.value, meaning: parsed.error.message }],
    });
  }
  return layers;
}

export function wsSummary(frame: WsFrame, place: WsFramePlace | null = null): WsFrameSummary {
  return {
    frameIndex: frame.index,
    ...(place ? { messageIndex: place.messageIndex, fragment: place.fragment } : {}),
    fin: frame.fin,
    rsv1: frame.rsv1,
    rsv2: frame.rsv2,
    rsv3: frame.rsv3,
    opcode: frame.opcode,
    opcodeName: frame.opcodeName,
    masked: frame.masked,
    payloadLength: frame.payloadLength,
    maskingKey: frame.maskingKey,
    closeCode: frame.close?.code ?? null,
  };
}

/** The completed message for the page, its bytes cut to the capture's unit cap. */
export function wsMessageSummary(
  message: WsCompletedMessage,
  maxBytes: number,
  deflate: { negotiated: NegotiatedDeflate | null; direction: DeflateDirection | null },
): WsMessageSummary {
  const base64 = (bytes: Uint8Array) =>
    Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, maxBytes)).toString('base64');
  const { negotiated, direction } = deflate;
  return {
    opcode: message.opcode,
    opcodeName: message.opcodeName,
    frameIndexes: message.frameIndexes,
    wireLength: message.wireLength,
    wireBase64: base64(message.wireData),
    compressed: message.compressed,
    dataBase64: base64(message.data),
    dataLength: message.dataLength,
    truncated: message.truncated || message.data.length > maxBytes || message.wireData.length > maxBytes,
    text: message.text === null ? null : message.text.slice(0, maxBytes),
    ...(message.compressed && negotiated && direction
      ? {
          deflate: {
            extensions: negotiated.header,
            contextTakeover: direction.contextTakeover,
            windowBits: direction.windowBits,
            blocks: message.blocks,
          },
        }
      : {}),
    ...(message.error ? { error: { code: message.error.code, message: message.error.message } } : {}),
  };
}
