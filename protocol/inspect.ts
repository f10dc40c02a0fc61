/**
 * The inspector channel (`GET /api/inspect?client=`, a WebSocket): what the server saw on the wire for
 * one client, decoded, plus clock sync. Pure and isomorphic; the page parses every frame with these schemas.
 */
import * as z from 'zod/mini';
import { isFiniteNumber, isRecord } from './guards.ts';

export const WIRE_UNITS = [
  'tcp-open',
  'tcp-close',
  'http-request',
  'http-response',
  'http-chunk',
  'sse-event',
  'sse-comment',
  'ws-handshake',
  'ws-frame',
] as const;
export type WireUnit = (typeof WIRE_UNITS)[number];

/** Which transport a unit belongs to, from the request path; `send` is the POST the HTTP three share. */
export const WIRE_TRANSPORTS = ['polling', 'long-polling', 'sse', 'websocket', 'send', 'other'] as const;
export type WireTransport = (typeof WIRE_TRANSPORTS)[number];

/** `in` is towards the server (what the browser sent), `out` is from the server. */
export type WireDirection = 'in' | 'out';

export const FieldSchema = z.object({
  name: z.string(),
  byteOffset: z.number(),
  byteLength: z.number(),
  bitOffset: z.optional(z.number()),
  bitLength: z.optional(z.number()),
  value: z.union([z.string(), z.number(), z.boolean()]),
  meaning: z.string(),
});

export const LayerSchema = z.object({
  name: z.string(),
  byteOffset: z.number(),
  byteLength: z.number(),
  fields: z.array(FieldSchema),
});
export type Layer = z.infer<typeof LayerSchema>;

function isField(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const { name, byteOffset, byteLength, bitOffset, bitLength, value: fieldValue, meaning } = value;
  return (
    typeof name === 'string' &&
    isFiniteNumber(byteOffset) &&
    isFiniteNumber(byteLength) &&
    (bitOffset === undefined || isFiniteNumber(bitOffset)) &&
    (bitLength === undefined || isFiniteNumber(bitLength)) &&
    (typeof fieldValue === 'string' || isFiniteNumber(fieldValue) || typeof fieldValue === 'boolean') &&
    typeof meaning === 'string'
  );
}

/**
 * `z.array(LayerSchema)` checked by hand: the page reads about 300 units a second under load, each with ten
 * or so fields, and zod's parse of them was a quarter of everything the page allocated (bench:page
 * --profile). Accepts exactly what the schema accepts (the property test in inspect.test.ts holds the two
 * together), but keeps unknown keys where the schema would strip them; nothing reads those.
 */
export function isLayers(value: unknown): value is Layer[] {
  if (!Array.isArray(value)) return false;
  for (const layer of value) {
    if (!isRecord(layer)) return false;
    const { name, byteOffset, byteLength, fields } = layer;
    if (typeof name !== 'string' || !isFiniteNumber(byteOffset) || !isFiniteNumber(byteLength)) return false;
    if (!Array.isArray(fields) || !fields.every(isField)) return false;
  }
  return true;
}

export const WsFrameSummary = z.object({
  fin: z.boolean(),
  rsv1: z.boolean(),
  rsv2: z.boolean(),
  rsv3: z.boolean(),
  opcode: z.number(),
  opcodeName: z.string(),
  masked: z.boolean(),
  payloadLength: z.number(),
  /** Hex, or null when the frame is not masked. */
  maskingKey: z.nullable(z.string()),
  closeCode: z.nullable(z.number()),
  /** Frames of this connection and direction counted from 0 (WsFrame.index). */
  frameIndex: z.optional(z.number()),
  /** Data frames only: messages of this connection and direction counted from 0; one index, one message. */
  messageIndex: z.optional(z.number()),
  /** Data frames only: this frame's place in its message, from 1 (2 and up are continuation frames). */
  fragment: z.optional(z.number()),
});
export type WsFrameSummary = z.infer<typeof WsFrameSummary>;

const DecodeProblem = z.object({ code: z.string(), message: z.string() });

/**
 * On the frame that completes a message that was fragmented or compressed: the message itself, as the
 * receiving application gets it. (A one-frame uncompressed message needs none: the frame is the message.)
 */
export const WsMessageSummary = z.object({
  opcode: z.number(),
  opcodeName: z.string(),
  /** frameIndex of each of its frames, in order. */
  frameIndexes: z.array(z.number()),
  /** Payload bytes on the wire, all frames together: the compressed size when compressed. */
  wireLength: z.number(),
  /** The joined payload as sent (unmasked, still compressed), base64, at most the capture cap. */
  wireBase64: z.string(),
  compressed: z.boolean(),
  /** What the application receives (inflated when compressed), base64, at most the capture cap. */
  dataBase64: z.string(),
  /** Its full length; null when it could not be inflated or was not all captured. */
  dataLength: z.nullable(z.number()),
  truncated: z.boolean(),
  /** Text for a text message, or for a binary one whose bytes are valid UTF-8. */
  text: z.nullable(z.string()),
  /** The permessage-deflate agreement for this direction and how this message was coded. */
  deflate: z.optional(
    z.object({
      /** The 101's Sec-WebSocket-Extensions value. */
      extensions: z.string(),
      contextTakeover: z.boolean(),
      windowBits: z.number(),
      blocks: z.array(
        z.object({
          kind: z.enum(['stored', 'fixed', 'dynamic']),
          final: z.boolean(),
          outputBytes: z.number(),
        }),
      ),
    }),
  ),
  error: z.optional(DecodeProblem),
});
export type WsMessageSummary = z.infer<typeof WsMessageSummary>;

/** A Close frame as seen on the wire. */
const CloseSeen = z.object({ code: z.nullable(z.number()), reason: z.string() });

/**
 * On the tcp-close of a WebSocket connection: the Close frame each side sent, or null when it sent none.
 * An endpoint that received no Close frame reports 1006 (RFC 6455 7.1.5), a code never on the wire.
 */
export const WsClosing = z.object({
  /** The browser's Close frame: what the server's close event reports (1006 when null). */
  fromClient: z.nullable(CloseSeen),
  /** The server's Close frame: what the browser's close event reports (1006 when null). */
  fromServer: z.nullable(CloseSeen),
});
export type WsClosing = z.infer<typeof WsClosing>;

export const WireEvent = z.object({
  type: z.literal('wire'),
  /** Per-client order of events, starting at 1: a replay after reconnecting skips what the page has. */
  eventSeq: z.number(),
  client: z.string(),
  /** One TCP connection; the same id on two exchanges means keep-alive reuse. */
  connId: z.number(),
  transport: z.enum(WIRE_TRANSPORTS),
  dir: z.enum(['in', 'out']),
  /** Server clock, `performance.timeOrigin + performance.now()`, ms. For a unit: when its last byte crossed. */
  atMs: z.number(),
  unit: z.enum(WIRE_UNITS),
  /** TCP payload bytes this unit accounts for. Units of one connection and direction never overlap. */
  byteLength: z.number(),
  /** The unit's bytes, base64, at most the capture cap (`truncated` says whether they were cut). */
  bytesBase64: z.string(),
  truncated: z.boolean(),
  /** Byte offsets in layers are relative to the start of this unit. */
  layers: z.custom<Layer[]>(isLayers, { error: 'layers: each needs a name, a byte range and its fields' }),
  /** Chat message seqs this unit carried (a poll answer can carry many). */
  messageSeqs: z.array(z.number()),
  /** On tcp-open: the browser's address and ephemeral port as the server saw them, e.g. `127.0.0.1:51234`. */
  peer: z.optional(z.string()),
  /** The request path of the HTTP exchange this unit belongs to, e.g. `/api/rooms/lobby/sse`. */
  path: z.optional(z.string()),
  ws: z.optional(WsFrameSummary),
  wsMessage: z.optional(WsMessageSummary),
  wsClosing: z.optional(WsClosing),
  /** A decode problem the unit shows (the bytes are still reported). */
  error: z.optional(DecodeProblem),
});
export type WireEvent = z.infer<typeof WireEvent>;

export const InspectServerFrame = z.discriminatedUnion('type', [
  WireEvent,
  /** The answer to a `time` request: `serverNowMs` read as the request arrived. */
  z.object({ type: z.literal('time'), clientSentMs: z.number(), serverNowMs: z.number() }),
  /** First frame: the capture caps in force, so the page can say what it is (not) seeing. */
  z.object({
    type: z.literal('hello'),
    client: z.string(),
    /** New at every server start: eventSeqs from another captureId are a different count. */
    captureId: z.string(),
    maxUnitBytes: z.number(),
    maxEventsPerClient: z.number(),
  }),
]);
export type InspectServerFrame = z.infer<typeof InspectServerFrame>;

export const InspectClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('time'), clientSentMs: z.number() }),
]);
export type InspectClientFrame = z.infer<typeof InspectClientFrame>;
