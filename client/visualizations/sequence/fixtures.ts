/**
 * Fixed wire traces for the layout and snapshot tests: small, hand-made sessions of each transport with
 * the shapes the diagram must draw (holds, channels, keep-alive reuse, heartbeats, a reconnect gap).
 */
import type { WireEvent, WsFrameSummary } from '../../../protocol/inspect.ts';
import type { Layer } from '../../../protocol/wire/layers.ts';
import type { LayoutMessage } from './layout.ts';

/** Server clock of the first event in every fixture: a realistic epoch-ms value. */
export const FIXTURE_START_MS = 1_760_000_000_000;
const ROOM_PATH = '/api/rooms/lobby';

type Partial = Pick<WireEvent, 'unit' | 'dir' | 'connId' | 'transport'> & {
  atMs: number;
  byteLength?: number;
  messageSeqs?: number[];
  path?: string;
  ws?: WsFrameSummary;
  layers?: Layer[];
};

function requestLine(method: string): Layer[] {
  return [
    {
      name: 'Request line',
      byteOffset: 0,
      byteLength: 10,
      fields: [{ name: 'Method', byteOffset: 0, byteLength: method.length, value: method, meaning: '' }],
    },
  ];
}

function statusLine(status: number): Layer[] {
  return [
    {
      name: 'Status line',
      byteOffset: 0,
      byteLength: 10,
      fields: [{ name: 'Status code', byteOffset: 9, byteLength: 3, value: status, meaning: '' }],
    },
  ];
}

function frame(opcode: number, opcodeName: string, masked: boolean, payloadLength: number): WsFrameSummary {
  return {
    fin: true,
    rsv1: false,
    rsv2: false,
    rsv3: false,
    opcode,
    opcodeName,
    masked,
    payloadLength,
    maskingKey: masked ? '37fa213d' : null,
    closeCode: null,
  };
}

function build(parts: readonly Partial[]): WireEvent[] {
  return parts.map((part, index) => ({
    type: 'wire',
    eventSeq: index + 1,
    client: 'fixture-client',
    connId: part.connId,
    transport: part.transport,
    dir: part.dir,
    atMs: FIXTURE_START_MS + part.atMs,
    unit: part.unit,
    byteLength: part.byteLength ?? 0,
    bytesBase64: '',
    truncated: false,
    layers: part.layers ?? [],
    messageSeqs: part.messageSeqs ?? [],
    ...(part.path === undefined ? {} : { path: part.path }),
    ...(part.ws === undefined ? {} : { ws: part.ws }),
  }));
}

const get = (path: string) => ({ path: `${ROOM_PATH}/${path}`, layers: requestLine('GET') });
const post = { path: `${ROOM_PATH}/messages`, layers: requestLine('POST') };
const ok = (path: string, status = 200) => ({ path: `${ROOM_PATH}/${path}`, layers: statusLine(status) });

/** WebSocket: upgrade, a send and its echo, a ping/pong heartbeat. */
export const websocketTrace: WireEvent[] = build([
  { unit: 'tcp-open', dir: 'in', connId: 1, transport: 'websocket', atMs: 0 },
  {
    unit: 'ws-handshake',
    dir: 'in',
    connId: 1,
    transport: 'websocket',
    atMs: 2,
    byteLength: 412,
    ...get('ws'),
  },
  {
    unit: 'ws-handshake',
    dir: 'out',
    connId: 1,
    transport: 'websocket',
    atMs: 5,
    byteLength: 129,
    ...ok('ws', 101),
  },
  {
    unit: 'ws-frame',
    dir: 'out',
    connId: 1,
    transport: 'websocket',
    atMs: 9,
    byteLength: 36,
    ws: frame(1, 'text', false, 34),
  },
  {
    unit: 'ws-frame',
    dir: 'in',
    connId: 1,
    transport: 'websocket',
    atMs: 1200,
    byteLength: 27,
    ws: frame(1, 'text', true, 21),
  },
  {
    unit: 'ws-frame',
    dir: 'out',
    connId: 1,
    transport: 'websocket',
    atMs: 1203,
    byteLength: 58,
    messageSeqs: [7],
    ws: frame(1, 'text', false, 56),
  },
  {
    unit: 'ws-frame',
    dir: 'out',
    connId: 1,
    transport: 'websocket',
    atMs: 1204,
    byteLength: 190,
    messageSeqs: [7],
    ws: frame(1, 'text', false, 188),
  },
  {
    unit: 'ws-frame',
    dir: 'out',
    connId: 1,
    transport: 'websocket',
    atMs: 2500,
    byteLength: 170,
    messageSeqs: [8],
    ws: frame(1, 'text', false, 168),
  },
  {
    unit: 'ws-frame',
    dir: 'out',
    connId: 1,
    transport: 'websocket',
    atMs: 3000,
    byteLength: 2,
    ws: frame(9, 'ping', false, 0),
  },
  {
    unit: 'ws-frame',
    dir: 'in',
    connId: 1,
    transport: 'websocket',
    atMs: 3001,
    byteLength: 6,
    ws: frame(10, 'pong', true, 0),
  },
]);

/** Long polling: a held request answered by a message, keep-alive reuse, a send on its own connection. */
export const longPollingTrace: WireEvent[] = build([
  { unit: 'tcp-open', dir: 'in', connId: 3, transport: 'long-polling', atMs: 0 },
  {
    unit: 'http-request',
    dir: 'in',
    connId: 3,
    transport: 'long-polling',
    atMs: 1,
    byteLength: 310,
    ...get('long-poll'),
  },
  {
    unit: 'http-response',
    dir: 'out',
    connId: 3,
    transport: 'long-polling',
    atMs: 4,
    byteLength: 220,
    ...ok('long-poll'),
  },
  {
    unit: 'http-request',
    dir: 'in',
    connId: 3,
    transport: 'long-polling',
    atMs: 8,
    byteLength: 330,
    ...get('long-poll'),
  },
  { unit: 'tcp-open', dir: 'in', connId: 4, transport: 'send', atMs: 1500 },
  { unit: 'http-request', dir: 'in', connId: 4, transport: 'send', atMs: 1502, byteLength: 420, ...post },
  {
    unit: 'http-response',
    dir: 'out',
    connId: 4,
    transport: 'send',
    atMs: 1506,
    byteLength: 180,
    messageSeqs: [12],
    ...ok('messages', 201),
  },
  {
    unit: 'http-response',
    dir: 'out',
    connId: 3,
    transport: 'long-polling',
    atMs: 1507,
    byteLength: 480,
    messageSeqs: [12],
    ...ok('long-poll'),
  },
  {
    unit: 'http-request',
    dir: 'in',
    connId: 3,
    transport: 'long-polling',
    atMs: 1512,
    byteLength: 330,
    ...get('long-poll'),
  },
  {
    unit: 'http-response',
    dir: 'out',
    connId: 3,
    transport: 'long-polling',
    atMs: 4000,
    byteLength: 470,
    messageSeqs: [13],
    ...ok('long-poll'),
  },
  {
    unit: 'http-request',
    dir: 'in',
    connId: 3,
    transport: 'long-polling',
    atMs: 4004,
    byteLength: 330,
    ...get('long-poll'),
  },
]);

/** SSE: a stream with events and a heartbeat, cut, then a reconnect after a gap. */
export const sseTrace: WireEvent[] = build([
  { unit: 'tcp-open', dir: 'in', connId: 5, transport: 'sse', atMs: 0 },
  { unit: 'http-request', dir: 'in', connId: 5, transport: 'sse', atMs: 1, byteLength: 300, ...get('sse') },
  { unit: 'http-response', dir: 'out', connId: 5, transport: 'sse', atMs: 3, byteLength: 160, ...ok('sse') },
  { unit: 'sse-event', dir: 'out', connId: 5, transport: 'sse', atMs: 4, byteLength: 48 },
  {
    unit: 'sse-event',
    dir: 'out',
    connId: 5,
    transport: 'sse',
    atMs: 900,
    byteLength: 240,
    messageSeqs: [21],
  },
  { unit: 'sse-comment', dir: 'out', connId: 5, transport: 'sse', atMs: 1800, byteLength: 14 },
  { unit: 'tcp-close', dir: 'in', connId: 5, transport: 'sse', atMs: 2000 },
  { unit: 'tcp-open', dir: 'in', connId: 6, transport: 'sse', atMs: 3100 },
  {
    unit: 'http-request',
    dir: 'in',
    connId: 6,
    transport: 'sse',
    atMs: 3102,
    byteLength: 340,
    ...get('sse'),
  },
  {
    unit: 'http-response',
    dir: 'out',
    connId: 6,
    transport: 'sse',
    atMs: 3105,
    byteLength: 160,
    ...ok('sse'),
  },
  {
    unit: 'sse-event',
    dir: 'out',
    connId: 6,
    transport: 'sse',
    atMs: 3106,
    byteLength: 240,
    messageSeqs: [22],
  },
]);

/** Who sent the fixture messages: 7 and 12 are this browser's, 8, 13, 21 and 22 another participant's. */
export const fixtureMessages: LayoutMessage[] = [
  { seq: 7, from: 'ada', committedAtMs: FIXTURE_START_MS + 1202 },
  { seq: 8, from: 'bob', committedAtMs: FIXTURE_START_MS + 2499 },
  { seq: 12, from: 'ada', committedAtMs: FIXTURE_START_MS + 1505 },
  { seq: 13, from: 'bob', committedAtMs: FIXTURE_START_MS + 3999 },
  { seq: 21, from: 'bob', committedAtMs: FIXTURE_START_MS + 899 },
  { seq: 22, from: 'cy', committedAtMs: FIXTURE_START_MS + 3105.5 },
];
