/**
 * Sequence diagram geometry, pure: wire events, chat messages, a time window and a size in; lanes,
 * arrows, long-poll holds, SSE/WebSocket channels, reconnect gaps and axis ticks out, in pixels.
 * Time flows down (the classic convention); x is the lifeline. The view only draws what this returns.
 */
import { scaleLinear, scalePoint } from 'd3-scale';
import type { WireDirection, WireEvent, WireTransport, WireUnit } from '../../../protocol/inspect.ts';
import { ariaLabel, formatDuration, isQuiet, shortLabel } from './describe.ts';
import type { TimeWindow } from './time-window.ts';

/** Arrows drawn at most: the newest within the window; older ones in it are counted, not drawn. */
export const MAX_DRAWN_UNITS = 240;
/**
 * Arrows drawn at most per this many pixels of plot height. Closer than this, rows are neither readable
 * (labels went at LABEL_MIN_ROW_PX) nor clickable (hit lines are 12 px tall), and under a few hundred units
 * a second every drawn arrow moves on every frame: 240 of them cost the page its frame rate.
 */
export const MIN_DRAWN_ROW_PX = 5;
/** "Message committed" marks from other participants drawn at most. */
export const MAX_DRAWN_RELAYS = 60;
/** Other participants with a lifeline of their own; the rest share one "Others" lifeline. */
export const MAX_PARTICIPANT_LANES = 3;
/** Rows closer than this are spread apart (their exact times are in their labels). */
export const DEFAULT_ROW_MIN_PX = 18;
/** Below this row spacing the arrow texts would overlap: they are left to the accessible labels. */
export const LABEL_MIN_ROW_PX = 12;
export const MARGIN = { top: 52, right: 16, bottom: 28, left: 64 } as const;
export const HOLD_WIDTH_PX = 10;
/** A relay's key: the view finds the relay under the pointer by its `data-relay-seq`. */
export const relayKey = (seq: number | string): string => `relay-${seq}`;
/** Transports that keep a connection open all the time: a closed one with no other open is a gap. */
const GAP_TRANSPORTS: readonly WireTransport[] = ['sse', 'websocket', 'long-polling'];

export type LaneKind = 'browser' | 'server' | 'participant';
export interface Lane {
  id: string;
  kind: LaneKind;
  label: string;
  sublabel: string;
  x: number;
}

/** How an arrow is drawn: `quiet` for heartbeats and control frames, `tcp` for connection events. */
export type ArrowStyle = 'data' | 'handshake' | 'quiet' | 'tcp';

export interface Arrow {
  eventSeq: number;
  unit: WireUnit;
  dir: WireDirection;
  transport: WireTransport;
  connId: number;
  seqs: readonly number[];
  /** The WebSocket opcode of a frame (9 ping, 10 pong), null for other units. */
  opcode: number | null;
  atMs: number;
  x1: number;
  x2: number;
  y: number;
  style: ArrowStyle;
  reused: boolean;
  hasError: boolean;
  label: string;
  ariaLabel: string;
  /** When its last byte crossed, in seconds since the origin, to the millisecond: "+1.203 s". */
  timeLabel: string;
}

/** A long poll the server holds: from its request to the response that ends it. */
export interface Hold {
  key: string;
  connId: number;
  x: number;
  y1: number;
  y2: number;
  isOpen: boolean;
  label: string;
}

/** A connection that stays open and carries many units: an SSE stream or a WebSocket. */
export interface Channel {
  key: string;
  kind: 'sse' | 'websocket';
  connId: number;
  x1: number;
  x2: number;
  y1: number;
  y2: number;
  isOpen: boolean;
  label: string;
}

/** Time with no connection of a persistent transport: from a TCP close to the next open. */
export interface Gap {
  key: string;
  transport: WireTransport;
  x1: number;
  x2: number;
  y1: number;
  y2: number;
  label: string;
}

/** Another participant's message reaching the server (their bytes are not captured here, only its commit). */
export interface Relay {
  key: string;
  seq: number;
  from: string;
  x1: number;
  x2: number;
  y: number;
  label: string;
}

export interface Tick {
  y: number;
  label: string;
}

export interface SequenceLayout {
  width: number;
  height: number;
  top: number;
  bottom: number;
  axisX: number;
  lanes: readonly Lane[];
  arrows: readonly Arrow[];
  holds: readonly Hold[];
  channels: readonly Channel[];
  gaps: readonly Gap[];
  relays: readonly Relay[];
  ticks: readonly Tick[];
  showLabels: boolean;
  /** Units inside the window left undrawn by MAX_DRAWN_UNITS or MIN_DRAWN_ROW_PX. */
  undrawnCount: number;
}

export interface LayoutMessage {
  seq: number;
  from: string;
  committedAtMs: number;
}

export interface LayoutInput {
  events: readonly WireEvent[];
  messages: readonly LayoutMessage[];
  /** This browser's user: their own messages are not relays. */
  me: string;
  window: TimeWindow;
  width: number;
  height: number;
  /** Zero of the axis labels (server clock, ms). */
  originMs: number;
  rowMinPx?: number;
}

const round = (value: number) => Math.round(value * 100) / 100;

interface Structure {
  reused: Set<number>;
  holds: Array<{ request: WireEvent; end: WireEvent | null; closedUnanswered: boolean }>;
  channels: Array<{ kind: 'sse' | 'websocket'; start: WireEvent; end: WireEvent | null }>;
  gaps: Array<{ transport: WireTransport; close: WireEvent; open: WireEvent }>;
}

/** One pass in capture order: which requests reuse a connection, and the spans that pair units up. */
export function structureOf(events: readonly WireEvent[]): Structure {
  const reused = new Set<number>();
  const exchangesPerConn = new Map<number, number>();
  // HTTP/1.1 answers in order, so a response ends the oldest request still waiting on its connection.
  const waiting = new Map<number, WireEvent[]>();
  const openHolds = new Map<number, Structure['holds'][number]>();
  const openChannels = new Map<number, Structure['channels'][number]>();
  const openConns = new Map<number, WireTransport>();
  const pendingGaps = new Map<WireTransport, WireEvent>();
  const structure: Structure = { reused, holds: [], channels: [], gaps: [] };
  const endGap = (open: WireEvent) => {
    const close = pendingGaps.get(open.transport);
    if (!close) return;
    structure.gaps.push({ transport: open.transport, close, open });
    pendingGaps.delete(open.transport);
  };

  for (const event of events) {
    const conn = event.connId;
    switch (event.unit) {
      case 'tcp-open':
        openConns.set(conn, event.transport);
        endGap(event);
        break;
      case 'tcp-close': {
        const transport = openConns.get(conn) ?? event.transport;
        openConns.delete(conn);
        const hold = openHolds.get(conn);
        if (hold) {
          hold.end = event;
          hold.closedUnanswered = true;
          openHolds.delete(conn);
        }
        const channel = openChannels.get(conn);
        if (channel) {
          channel.end = event;
          openChannels.delete(conn);
        }
        waiting.delete(conn);
        const othersOpen = [...openConns.values()].some((open) => open === transport);
        if (GAP_TRANSPORTS.includes(transport) && !othersOpen) pendingGaps.set(transport, event);
        break;
      }
      case 'http-request':
      case 'ws-handshake': {
        if (event.dir === 'in') {
          // A keep-alive socket belongs to the transport of its latest request: a reconnect often comes
          // on a pooled socket another request opened, so its request, not a TCP open, ends the gap.
          openConns.set(conn, event.transport);
          endGap(event);
          const count = exchangesPerConn.get(conn) ?? 0;
          if (count > 0) reused.add(event.eventSeq);
          exchangesPerConn.set(conn, count + 1);
          waiting.set(conn, [...(waiting.get(conn) ?? []), event]);
          if (event.transport === 'long-polling') {
            const hold = { request: event, end: null, closedUnanswered: false };
            structure.holds.push(hold);
            openHolds.set(conn, hold);
          }
        } else {
          waiting.set(conn, (waiting.get(conn) ?? []).slice(1));
          if (event.unit === 'ws-handshake') {
            const channel = { kind: 'websocket' as const, start: event, end: null };
            structure.channels.push(channel);
            openChannels.set(conn, channel);
          }
        }
        break;
      }
      case 'http-response': {
        const request = waiting.get(conn)?.[0];
        waiting.set(conn, (waiting.get(conn) ?? []).slice(1));
        const hold = openHolds.get(conn);
        if (hold && hold.request === request) {
          hold.end = event;
          openHolds.delete(conn);
        }
        if (event.transport === 'sse') {
          const channel = { kind: 'sse' as const, start: event, end: null };
          structure.channels.push(channel);
          openChannels.set(conn, channel);
        }
        break;
      }
      case 'http-chunk':
      case 'sse-event':
      case 'sse-comment':
      case 'ws-frame':
        break;
    }
  }
  return structure;
}

function arrowStyle(event: WireEvent): ArrowStyle {
  if (event.unit === 'tcp-open' || event.unit === 'tcp-close') return 'tcp';
  if (event.unit === 'ws-handshake') return 'handshake';
  return isQuiet(event) ? 'quiet' : 'data';
}

/**
 * Rows sorted by time, placed at their time but at least `gap` apart, inside [top, bottom]: a forward
 * pass pushes crowded rows down, a backward pass pulls the overflow back up. With more rows than fit,
 * the gap shrinks so every row still lands inside.
 */
export function spreadRows(timeYs: readonly number[], minGap: number, top: number, bottom: number): number[] {
  const count = timeYs.length;
  if (count === 0) return [];
  const gap = count > 1 ? Math.min(minGap, (bottom - top) / (count - 1)) : minGap;
  const ys = timeYs.map((y) => Math.min(bottom, Math.max(top, y)));
  for (let i = 1; i < count; i++) ys[i] = Math.max(ys[i] ?? 0, (ys[i - 1] ?? 0) + gap);
  ys[count - 1] = Math.min(ys[count - 1] ?? 0, bottom);
  for (let i = count - 2; i >= 0; i--) ys[i] = Math.min(ys[i] ?? 0, (ys[i + 1] ?? 0) - gap);
  return ys;
}

/** Tick labels in seconds from the origin, with as many decimals as the tick step needs. */
function tickLabel(valueMs: number, stepMs: number): string {
  const decimals = stepMs >= 1000 ? 0 : stepMs >= 100 ? 1 : stepMs >= 10 ? 2 : 3;
  return `${(valueMs / 1000).toFixed(decimals)} s`;
}

function lanesOf(input: LayoutInput, participants: readonly string[]): Lane[] {
  const plotLeft = MARGIN.left;
  const plotRight = input.width - MARGIN.right;
  const plotWidth = plotRight - plotLeft;
  const browserX = plotLeft + Math.min(80, plotWidth * 0.12);
  const serverX =
    participants.length === 0 ? plotRight - Math.min(80, plotWidth * 0.12) : plotLeft + plotWidth * 0.6;
  const lanes: Lane[] = [
    {
      id: 'browser',
      kind: 'browser',
      label: 'This browser',
      sublabel: input.me,
      x: round(browserX),
    },
    { id: 'server', kind: 'server', label: 'Server', sublabel: 'sees the bytes', x: round(serverX) },
  ];
  const place = scalePoint<string>()
    .domain(participants)
    .range([serverX + 60, plotRight])
    .padding(0.5);
  for (const name of participants) {
    lanes.push({
      id: `participant:${name}`,
      kind: 'participant',
      label: name,
      sublabel: 'browser',
      x: round(place(name) ?? plotRight),
    });
  }
  return lanes;
}

const OTHERS = 'Others';

export function layoutSequence(input: LayoutInput): SequenceLayout {
  const { window, events } = input;
  const top = MARGIN.top;
  const bottom = Math.max(top + 1, input.height - MARGIN.bottom);
  const y = scaleLinear().domain([window.startMs, window.endMs]).range([top, bottom]);
  const yOf = (ms: number) => Math.min(bottom, Math.max(top, y(ms)));
  const inWindow = (ms: number) => ms >= window.startMs && ms <= window.endMs;

  const structure = structureOf(events);
  const senders = new Map(input.messages.map((message) => [message.seq, message.from]));

  const windowed = events
    .filter((event) => inWindow(event.atMs))
    .sort((a, b) => a.atMs - b.atMs || a.eventSeq - b.eventSeq);
  const maxDrawn = Math.max(1, Math.min(MAX_DRAWN_UNITS, Math.floor((bottom - top) / MIN_DRAWN_ROW_PX)));
  const drawn = windowed.slice(-maxDrawn);
  const firstDrawnMs = drawn[0]?.atMs ?? window.startMs;

  // Only messages a unit here delivered: the diagram shows what reached this browser.
  const carried = new Set(events.flatMap((event) => (event.dir === 'out' ? event.messageSeqs : [])));
  const relayMessages = input.messages
    .filter((message) => message.from !== input.me && carried.has(message.seq))
    .filter((message) => inWindow(message.committedAtMs))
    .filter((message) => message.committedAtMs >= firstDrawnMs)
    .sort((a, b) => a.committedAtMs - b.committedAtMs || a.seq - b.seq)
    .slice(-MAX_DRAWN_RELAYS);
  const names: string[] = [];
  for (const message of relayMessages) if (!names.includes(message.from)) names.push(message.from);
  const laneNames =
    names.length > MAX_PARTICIPANT_LANES ? [...names.slice(0, MAX_PARTICIPANT_LANES - 1), OTHERS] : names;
  const lanes = lanesOf(input, laneNames);
  const browserX = lanes[0]?.x ?? 0;
  const serverX = lanes[1]?.x ?? 0;
  const laneX = (from: string) =>
    lanes.find((lane) => lane.id === `participant:${from}`)?.x ??
    lanes.find((lane) => lane.id === `participant:${OTHERS}`)?.x ??
    serverX;

  // Arrows and relays share the rows, so their texts never sit on top of each other.
  const rows = [
    ...drawn.map((event) => ({ atMs: event.atMs, order: event.eventSeq, event, message: null })),
    ...relayMessages.map((message) => ({
      atMs: message.committedAtMs,
      order: Number.POSITIVE_INFINITY,
      event: null,
      message,
    })),
  ].sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  const rowMinPx = input.rowMinPx ?? DEFAULT_ROW_MIN_PX;
  const rowYs = spreadRows(
    rows.map((row) => y(row.atMs)),
    rowMinPx,
    top + rowMinPx / 2,
    bottom - 2,
  );
  const rowGap = rows.length > 1 ? (bottom - 2 - top - rowMinPx / 2) / (rows.length - 1) : rowMinPx;

  const arrows: Arrow[] = [];
  const relays: Relay[] = [];
  const drawnY = new Map<number, number>();
  rows.forEach((row, index) => {
    const rowY = round(rowYs[index] ?? top);
    if (row.event) {
      const event = row.event;
      const reused = structure.reused.has(event.eventSeq);
      const context = { reused, senderOf: (seq: number) => senders.get(seq) };
      const isIn = event.dir === 'in';
      drawnY.set(event.eventSeq, rowY);
      arrows.push({
        eventSeq: event.eventSeq,
        unit: event.unit,
        dir: event.dir,
        transport: event.transport,
        connId: event.connId,
        seqs: event.messageSeqs,
        opcode: event.ws?.opcode ?? null,
        atMs: event.atMs,
        x1: isIn ? browserX : serverX,
        x2: isIn ? serverX : browserX,
        y: rowY,
        style: arrowStyle(event),
        reused,
        hasError: event.error !== undefined,
        label: shortLabel(event, context),
        ariaLabel: ariaLabel(event, context),
        timeLabel: `+${((event.atMs - input.originMs) / 1000).toFixed(3)} s`,
      });
    } else if (row.message) {
      const message = row.message;
      relays.push({
        key: relayKey(message.seq),
        seq: message.seq,
        from: message.from,
        x1: round(laneX(message.from)),
        x2: serverX,
        y: rowY,
        label: `#${message.seq} from ${message.from}`,
      });
    }
  });

  const lastAtMs = events.reduce((latest, event) => Math.max(latest, event.atMs), Number.NEGATIVE_INFINITY);
  const lastRowY = rowYs.at(-1) ?? top;
  const nowY = Math.min(bottom, Math.max(yOf(lastAtMs), lastRowY));
  const endY = (event: WireEvent | null) => {
    if (event === null) return nowY;
    return drawnY.get(event.eventSeq) ?? yOf(event.atMs);
  };
  const visible = (startMs: number, end: WireEvent | null) =>
    startMs <= window.endMs && (end === null ? lastAtMs : end.atMs) >= window.startMs;

  const holds: Hold[] = structure.holds
    .filter((hold) => visible(hold.request.atMs, hold.end))
    .map((hold) => {
      const heldMs = (hold.end?.atMs ?? lastAtMs) - hold.request.atMs;
      const label = hold.end
        ? `held ${formatDuration(heldMs)}${hold.closedUnanswered ? ', closed unanswered' : ''}`
        : `holding ${formatDuration(heldMs)}…`;
      return {
        key: `hold-${hold.request.eventSeq}`,
        connId: hold.request.connId,
        x: round(serverX - HOLD_WIDTH_PX / 2),
        y1: round(endY(hold.request)),
        y2: round(endY(hold.end)),
        isOpen: hold.end === null,
        label,
      };
    });

  const channels: Channel[] = structure.channels
    .filter((channel) => visible(channel.start.atMs, channel.end))
    .map((channel) => ({
      key: `channel-${channel.start.eventSeq}`,
      kind: channel.kind,
      connId: channel.start.connId,
      x1: browserX,
      x2: serverX,
      y1: round(endY(channel.start)),
      y2: round(endY(channel.end)),
      isOpen: channel.end === null,
      label: `${channel.kind === 'sse' ? 'SSE stream' : 'WebSocket'} on connection #${channel.start.connId}${channel.end ? '' : ', open'}`,
    }));

  const gaps: Gap[] = structure.gaps
    .filter((gap) => visible(gap.close.atMs, gap.open))
    .map((gap) => ({
      key: `gap-${gap.close.eventSeq}`,
      transport: gap.transport,
      x1: browserX,
      x2: serverX,
      y1: round(endY(gap.close)),
      y2: round(endY(gap.open)),
      label: `reconnect gap ${formatDuration(gap.open.atMs - gap.close.atMs)}: no ${gap.transport} connection`,
    }));

  // Ticks on time since the origin, so they land on round seconds of what the learner reads.
  const sinceOrigin = scaleLinear()
    .domain([window.startMs - input.originMs, window.endMs - input.originMs])
    .range([top, bottom]);
  const tickValues = sinceOrigin.ticks(Math.max(2, Math.floor((bottom - top) / 70)));
  const stepMs = tickValues.length > 1 ? (tickValues[1] ?? 0) - (tickValues[0] ?? 0) : 1000;
  const ticks = tickValues.map((value) => ({
    y: round(sinceOrigin(value)),
    label: tickLabel(value, stepMs),
  }));

  return {
    width: input.width,
    height: input.height,
    top,
    bottom,
    axisX: MARGIN.left - 8,
    lanes,
    arrows,
    holds,
    channels,
    gaps,
    relays,
    ticks,
    showLabels: Math.min(rowGap, rowMinPx) >= LABEL_MIN_ROW_PX,
    undrawnCount: windowed.length - drawn.length,
  };
}
