/**
 * A fixed, hand-checked trace for the latency tests and the rendered golden: one transport after the
 * other on one server clock, with a send of our own on each of WebSocket and POST, and messages from
 * someone else arriving over SSE and naive polling. Only tests import it.
 */
import type { WireEvent, WireTransport, WireUnit } from '../../../protocol/inspect.ts';
import type { ChatMessage } from '../../../protocol/messages.ts';
import type { ClockOffset } from './latency.ts';

export const T0 = 1_000_000;
/** Server clock minus page clock in this trace. */
export const FIXTURE_CLOCK: ClockOffset = { offsetMs: 50, uncertaintyMs: 0.4 };

function base64(text: string, header: number[] = []): string {
  const bytes = [...header, ...new TextEncoder().encode(text)];
  return btoa(String.fromCharCode(...bytes));
}

interface EventSpec {
  connId: number;
  transport: WireTransport;
  dir: 'in' | 'out';
  at: number;
  unit: WireUnit;
  bytes: number;
  seqs?: number[];
  /** For server text frames: the JSON they carried. */
  json?: string;
  opcode?: number;
  masked?: boolean;
}

function wireEvents(specs: readonly EventSpec[]): WireEvent[] {
  return specs.map((spec, index) => ({
    type: 'wire',
    eventSeq: index + 1,
    client: 'tab-1',
    connId: spec.connId,
    transport: spec.transport,
    dir: spec.dir,
    atMs: T0 + spec.at,
    unit: spec.unit,
    byteLength: spec.bytes,
    bytesBase64: spec.json === undefined ? '' : base64(spec.json, [0x81, spec.json.length]),
    truncated: false,
    layers: [],
    messageSeqs: spec.seqs ?? [],
    ...(spec.unit === 'ws-frame'
      ? {
          ws: {
            fin: true,
            rsv1: false,
            rsv2: false,
            rsv3: false,
            opcode: spec.opcode ?? 1,
            opcodeName: spec.opcode === 9 ? 'ping' : 'text',
            masked: spec.masked ?? false,
            payloadLength: spec.bytes - 2,
            maskingKey: spec.masked ? '01020304' : null,
            closeCode: null,
          },
        }
      : {}),
  }));
}

export const FIXTURE_EVENTS: readonly WireEvent[] = wireEvents([
  // WebSocket: handshake, our send of seq 7, its message frame and ack, a ping.
  { connId: 1, transport: 'websocket', dir: 'in', at: 0, unit: 'ws-handshake', bytes: 420 },
  { connId: 1, transport: 'websocket', dir: 'out', at: 1, unit: 'ws-handshake', bytes: 129 },
  {
    connId: 1,
    transport: 'websocket',
    dir: 'out',
    at: 2,
    unit: 'ws-frame',
    bytes: 60,
    json: '{"type":"resume"}',
  },
  { connId: 1, transport: 'websocket', dir: 'in', at: 100, unit: 'ws-frame', bytes: 90, masked: true },
  {
    connId: 1,
    transport: 'websocket',
    dir: 'out',
    at: 101.2,
    unit: 'ws-frame',
    bytes: 230,
    seqs: [7],
    json: '{"type":"message","message":{"seq":7}}',
  },
  {
    connId: 1,
    transport: 'websocket',
    dir: 'out',
    at: 101.5,
    unit: 'ws-frame',
    bytes: 64,
    seqs: [7],
    json: '{"type":"ack","seq":7}',
  },
  { connId: 1, transport: 'websocket', dir: 'out', at: 2000, unit: 'ws-frame', bytes: 2, opcode: 9 },
  { connId: 1, transport: 'websocket', dir: 'in', at: 2500, unit: 'tcp-close', bytes: 0 },
  // SSE: a stream, someone else's seq 8, a heartbeat, a drop and a reconnect a second later.
  { connId: 2, transport: 'sse', dir: 'in', at: 3000, unit: 'http-request', bytes: 380 },
  { connId: 2, transport: 'sse', dir: 'out', at: 3001, unit: 'http-response', bytes: 190 },
  { connId: 2, transport: 'sse', dir: 'out', at: 3002, unit: 'sse-event', bytes: 80 },
  { connId: 2, transport: 'sse', dir: 'out', at: 3500.6, unit: 'sse-event', bytes: 260, seqs: [8] },
  { connId: 2, transport: 'sse', dir: 'out', at: 4000, unit: 'sse-comment', bytes: 18 },
  { connId: 2, transport: 'sse', dir: 'in', at: 4500, unit: 'tcp-close', bytes: 0 },
  { connId: 3, transport: 'sse', dir: 'in', at: 5500, unit: 'http-request', bytes: 410 },
  { connId: 3, transport: 'sse', dir: 'out', at: 5501, unit: 'http-response', bytes: 190 },
  { connId: 3, transport: 'sse', dir: 'in', at: 5900, unit: 'tcp-close', bytes: 0 },
  // Long polling: a held request answered with our own seq 9 (sent by POST), then re-armed.
  { connId: 4, transport: 'long-polling', dir: 'in', at: 6000, unit: 'http-request', bytes: 400 },
  { connId: 5, transport: 'send', dir: 'in', at: 7000, unit: 'http-request', bytes: 520 },
  {
    connId: 4,
    transport: 'long-polling',
    dir: 'out',
    at: 7001.5,
    unit: 'http-response',
    bytes: 410,
    seqs: [9],
  },
  { connId: 5, transport: 'send', dir: 'out', at: 7002, unit: 'http-response', bytes: 240, seqs: [9] },
  { connId: 4, transport: 'long-polling', dir: 'in', at: 7003, unit: 'http-request', bytes: 400 },
  { connId: 4, transport: 'long-polling', dir: 'out', at: 7800, unit: 'http-response', bytes: 200 },
  // Naive polling: an empty answer, then someone else's seq 10 waits for the next poll.
  { connId: 6, transport: 'polling', dir: 'in', at: 8000, unit: 'http-request', bytes: 380 },
  { connId: 6, transport: 'polling', dir: 'out', at: 8001, unit: 'http-response', bytes: 200 },
  { connId: 6, transport: 'polling', dir: 'in', at: 10000, unit: 'http-request', bytes: 380 },
  { connId: 6, transport: 'polling', dir: 'out', at: 10001, unit: 'http-response', bytes: 420, seqs: [10] },
]);

function message(seq: number, from: string, text: string, committedAt: number, sentAt?: number): ChatMessage {
  return {
    seq,
    epoch: 'ep',
    cursor: `ep:${seq}`,
    room: 'lobby',
    id: `m-${seq}`,
    from,
    kind: 'chat',
    text,
    committedAtMs: T0 + committedAt,
    ...(sentAt === undefined ? {} : { sentAtMs: T0 + sentAt }),
  };
}

export const FIXTURE_MESSAGES: readonly ChatMessage[] = [
  {
    seq: 6,
    epoch: 'ep',
    cursor: 'ep:6',
    room: 'lobby',
    id: 'j-6',
    from: 'ann',
    kind: 'join',
    text: '',
    committedAtMs: T0 - 10,
  },
  // Page clock = server clock - 50: ann stamped seq 7 at server time 99.5.
  message(7, 'ann', 'hello over ws', 100.8, 99.5 - 50),
  // bob's sentAtMs is on bob's clock: not comparable, so it gets no sent stage.
  message(8, 'bob', 'hi from sse', 3500.2, 3000),
  message(9, 'ann', 'long poll me', 7001, 6999 - 50),
  message(10, 'bob', 'polled', 8500),
];

/** Page clock when each message arrived (server time minus the 50 ms offset). */
export const FIXTURE_RECEIVED: ReadonlyMap<string, number> = new Map([
  ['ep:7', T0 + 102 - 50],
  ['ep:8', T0 + 3501.5 - 50],
  ['ep:9', T0 + 7002.4 - 50],
  ['ep:10', T0 + 10001.8 - 50],
]);
