/**
 * The inspector channel (`GET /api/inspect?client=`, a WebSocket): what the server saw on the wire for
 * one client, decoded, plus clock sync. Pure and isomorphic; the page parses every frame with these schemas.
 */
import { z } from 'zod';

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
  bitOffset: z.number().optional(),
  bitLength: z.number().optional(),
  value: z.union([z.string(), z.number(), z.boolean()]),
  meaning: z.string(),
});

export const LayerSchema = z.object({
  name: z.string(),
  byteOffset: z.number(),
  byteLength: z.number(),
  fields: z.array(FieldSchema),
});

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
  maskingKey: z.string().nullable(),
  closeCode: z.number().nullable(),
});
export type WsFrameSummary = z.infer<typeof WsFrameSummary>;

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
  layers: z.array(LayerSchema),
  /** Chat message seqs this unit carried (a poll answer can carry many). */
  messageSeqs: z.array(z.number()),
  /** On tcp-open: the browser's address and ephemeral port as the server saw them, e.g. `127.0.0.1:51234`. */
  peer: z.string().optional(),
  /** The request path of the HTTP exchange this unit belongs to, e.g. `/api/rooms/lobby/sse`. */
  path: z.string().optional(),
  ws: WsFrameSummary.optional(),
  /** A decode problem the unit shows (the bytes are still reported). */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
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
  z.object({ type: z.literal('time'), clientSentMs: z.number().finite() }),
]);
export type InspectClientFrame = z.infer<typeof InspectClientFrame>;
