/**
 * The chat model every transport shares: message shape, cursors, resume answers, and the
 * WebSocket JSON protocol. Pure and isomorphic: the server validates input with these schemas,
 * the page parses what it receives with them.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { isFiniteNumber, isRecord } from './guards.ts';

// zod/mini ships no messages of its own; the server's 400s and the page's trace errors read as English.
z.config(en());

/** A tab's client id, a room name and a message id share one safe alphabet (URL- and log-safe). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const ClientId = z.string().check(z.regex(ID_PATTERN, 'must be 1-64 characters of A-Z a-z 0-9 _ -'));
export const RoomName = ClientId;
export const MessageId = ClientId;

/** 1-32 printable characters: no control characters (C0, DEL, C1) and no bidi overrides. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to reject them
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
export const UserName = z.string().check(
  z.minLength(1, 'must not be empty'),
  z.maxLength(32, 'must be at most 32 characters'),
  z.refine((name) => !UNPRINTABLE.test(name), 'must contain only printable characters'),
  z.refine((name) => name.trim() === name, 'must not start or end with spaces'),
);

export const MESSAGE_KINDS = ['chat', 'private', 'join', 'leave'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const ChatMessage = z.object({
  seq: z.int().check(z.positive()),
  epoch: z.string(),
  cursor: z.string(),
  room: z.string(),
  id: z.string(),
  from: z.string(),
  to: z.optional(z.string()),
  kind: z.enum(MESSAGE_KINDS),
  text: z.string(),
  sentAtMs: z.optional(z.number()),
  committedAtMs: z.number(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** Body of `POST /api/rooms/:room/messages`. Text length in bytes is checked by the server's limit. */
export const SendRequest = z.object({
  id: MessageId,
  from: UserName,
  text: z.string().check(z.minLength(1, 'must not be empty')),
  to: z.optional(UserName),
  sentAtMs: z.optional(z.number().check(z.nonnegative())),
});
export type SendRequest = z.infer<typeof SendRequest>;

export const SendAck = z.object({ seq: z.int().check(z.positive()), epoch: z.string(), cursor: z.string() });
export type SendAck = z.infer<typeof SendAck>;

export const RESUME_FAILURES = ['window_exceeded', 'epoch_changed'] as const;
export type ResumeFailure = (typeof RESUME_FAILURES)[number];

/** Every resume says whether it was lossless; a gap is never silent. */
export type ResumeOutcome = { recovered: true } | { recovered: false; reason: ResumeFailure };
export const ResumeOutcome = z.discriminatedUnion('recovered', [
  z.object({ recovered: z.literal(true) }),
  z.object({ recovered: z.literal(false), reason: z.enum(RESUME_FAILURES) }),
]);

/** Answer of poll and long-poll: the messages after `since` (or a snapshot), and the cursor to ask from next. */
export const PollResponse = z.object({
  messages: z.array(ChatMessage),
  cursor: z.string(),
  recovered: z.boolean(),
  reason: z.optional(z.enum(RESUME_FAILURES)),
});
export type PollResponse = z.infer<typeof PollResponse>;

// ---- Cursors: "epoch:seq" -------------------------------------------------------------------

export interface Cursor {
  epoch: string;
  seq: number;
}

const CURSOR_PATTERN = /^([A-Za-z0-9_-]{1,64}):(0|[1-9][0-9]{0,15})$/;

export function formatCursor(cursor: Cursor): string {
  return `${cursor.epoch}:${cursor.seq}`;
}

/** Parses "epoch:seq"; anything else (CR/LF, signs, huge numbers, extra colons) is null. */
export function parseCursor(text: string): Cursor | null {
  const match = CURSOR_PATTERN.exec(text);
  if (!match) return null;
  const seq = Number(match[2]);
  if (!Number.isSafeInteger(seq)) return null;
  return { epoch: match[1] as string, seq };
}

// ---- WebSocket protocol ---------------------------------------------------------------------

export const WsClientFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('send'),
    id: MessageId,
    text: z.string().check(z.minLength(1, 'must not be empty')),
    to: z.optional(UserName),
    sentAtMs: z.optional(z.number().check(z.nonnegative())),
  }),
]);
export type WsClientFrame = z.infer<typeof WsClientFrame>;

/**
 * The frame every chat message arrives in, in its usual form (`type`, `id`, `text`, maybe `sentAtMs`,
 * no `to`), read by hand: what {@link WsClientFrame} would answer, without the schema's cost on the one
 * parse the server makes per message (2-5 µs and 1.2 KiB of garbage against 0.2 µs: benchmark goal 5).
 * Null for anything else, valid or not; the schema has the last word and the error messages there.
 * Unknown keys are left out, as the schema strips them. messages.test.ts holds the two together.
 */
export function readPlainSendFrame(json: unknown): WsClientFrame | null {
  if (!isRecord(json)) return null;
  const { type, id, text, to, sentAtMs } = json;
  if (type !== 'send' || typeof id !== 'string' || !ID_PATTERN.test(id)) return null;
  if (typeof text !== 'string' || text.length === 0 || to !== undefined) return null;
  if (sentAtMs === undefined) return { type, id, text };
  if (!isFiniteNumber(sentAtMs) || sentAtMs < 0) return null;
  return { type, id, text, sentAtMs };
}

export type WsServerFrame =
  /** `heartbeatMs`: how often this server pings, so a page can tell a silent connection from a dead one. */
  | ({ type: 'resume' } & ResumeOutcome & { cursor: string; heartbeatMs?: number })
  | { type: 'message'; message: ChatMessage }
  | { type: 'ack'; id: string; seq: number; cursor: string }
  /** `id` names the send it refuses, when the error is about one. */
  | { type: 'error'; code: ErrorCode; message: string; id?: string }
  /**
   * Sent with every server ping. Browsers answer pings without telling the page, so a page that wants
   * to notice a dead server needs something it can see: this frame, every `wsPingIntervalMs`.
   */
  | { type: 'heartbeat' };

export const WsServerFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('resume'),
    recovered: z.boolean(),
    reason: z.optional(z.enum(RESUME_FAILURES)),
    cursor: z.string(),
    heartbeatMs: z.optional(z.int().check(z.positive())),
  }),
  z.object({ type: z.literal('message'), message: ChatMessage }),
  z.object({ type: z.literal('ack'), id: z.string(), seq: z.number(), cursor: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string(), id: z.optional(z.string()) }),
  z.object({ type: z.literal('heartbeat') }),
]);

/** SSE: the first event of every stream. */
export const SSE_RESUME_EVENT = 'resume';
export const SseResumeData = z.object({
  recovered: z.boolean(),
  reason: z.optional(z.enum(RESUME_FAILURES)),
  cursor: z.string(),
  /** How often the stream carries a heartbeat comment. */
  heartbeatMs: z.optional(z.int().check(z.positive())),
});

// ---- Errors ---------------------------------------------------------------------------------

export const ERROR_CODES = [
  'bad_request',
  'invalid_json',
  'invalid_body',
  'invalid_client',
  'invalid_room',
  'invalid_name',
  'invalid_cursor',
  'payload_too_large',
  'rate_limited',
  'too_many_connections',
  'forbidden_origin',
  'not_found',
  'shutting_down',
  /** The network lab refuses this client's WebSocket upgrades, as a restrictive firewall would. */
  'upgrade_blocked',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}
export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** WebSocket close codes Wirelab uses, with the reason each carries. */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
  /** The server is restarting: come back soon (the lab's default clean kill). */
  serviceRestart: 1012,
  /** Application range (RFC 6455 section 7.4.2): the reader fell too far behind and was cut; resume by cursor. */
  slowReader: 4001,
  /** Application range: another connection for the same client id exceeded the limit. */
  tooManyConnections: 4002,
} as const;

export const TRANSPORT_KINDS = ['polling', 'long-polling', 'sse', 'websocket'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];

/**
 * UTF-8 byte length without node:buffer, so the page and the server count the same way. Counted from
 * the UTF-16 code units rather than by encoding: the server checks every message it receives, and an
 * encoder allocates a copy each time. A lone surrogate counts 3 bytes, as the encoder's U+FFFD would.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        index += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
