/**
 * Sequence diagram geometry, pure: wire events, chat messages, a time window and a size in; lanes,
 * arrows, long-poll holds, SSE/WebSocket channels, reconnect gaps and axis ticks out, in pixels.
 * Time flows down (the classic convention); x is the lifeline. The view only draws what this returns.
 */
import { scaleLinear, scalePoint } from 'd3-scale';
import type { WireDirection, WireEvent, WireTransport, WireUnit } from '../../../protocol/inspect.ts';
import { ariaLabel, carriedLabel, formatDuration, isQuiet, shortLabel } from './describe.ts';
import { MIN_SPAN_MS, type TimeWindow } from './time-window.ts';

/** Arrows drawn one by one at most; a window with more units is drawn as bursts (see `Burst`). */
export const MAX_DRAWN_UNITS = 240;
/**
 * Arrows drawn one by one at most per this many pixels of plot height. Closer than this, rows are neither
 * readable (labels went at LABEL_MIN_ROW_PX) nor clickable (hit lines are 12 px tall): a window with more
 * units is drawn as bursts instead.
 */
export const MIN_DRAWN_ROW_PX = 5;
/** "Message committed" marks from other participants drawn at most. */
export const MAX_DRAWN_RELAYS = 60;
/** Other participants with a lifeline of their own; the rest share one "Others" lifeline. */
export const MAX_PARTICIPANT_LANES = 3;
/**
 * The lane shared by the participants without a lane of their own: its label, and an id no participant's
 * lane (`participant:NAME`) can have, not even one of somebody called "Others".
 */
const OTHERS = 'Others';
const SHARED_LANE_ID = 'participants-shared';
/**
 * A burst row is taller than an arrow's (its label above, an arrow each way below), so a window's slices are
 * at least this many rows tall: two neighbouring bursts never put a label against the other's arrow.
 */
export const BURST_ROW_SHARE = 1.5;
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
  /** Fitted between the neighbouring lanes: cut with "…" when the name is too long. */
  label: string;
  /** This browser's (the learner's name) cut like the label; the others left out ('') when they do not fit. */
  sublabel: string;
  /**
   * A tooltip: the label and sublabel in full when either was cut or left out, and on the shared "Others"
   * lane who shares it; '' when there is nothing more to say.
   */
  title: string;
  x: number;
}

/**
 * The diagram's text sizes in px that the layout fits texts by: a lane's name (bold) and sublabel, and an
 * arrow's or relay's label. The view draws them at the normal sizes; presenter.css sets the presenter ones
 * (keep them equal).
 */
export interface DiagramFont {
  laneLabelPx: number;
  laneSublabelPx: number;
  arrowLabelPx: number;
}
export const DIAGRAM_FONT: Readonly<Record<'normal' | 'presenter', DiagramFont>> = {
  normal: { laneLabelPx: 13, laneSublabelPx: 10.5, arrowLabelPx: 11 },
  presenter: { laneLabelPx: 18, laneSublabelPx: 15, arrowLabelPx: 15 },
};
export type TextRole = 'lane-label' | 'lane-sublabel' | 'arrow-label';
/** How wide a text is drawn in its role, in px. */
export type TextWidth = (text: string, role: TextRole) => number;

/** The size a role's text is drawn at. */
export function fontPx(font: DiagramFont, role: TextRole): number {
  if (role === 'lane-label') return font.laneLabelPx;
  return role === 'lane-sublabel' ? font.laneSublabelPx : font.arrowLabelPx;
}

/**
 * Where text cannot be measured (tests in jsdom, a browser without OffscreenCanvas): an average character of
 * the usual sans-serif fonts, bold lowercase about 0.6 em and regular 0.55 em, taken a little wider. A name
 * of wide letters ("mmmm") can still overrun it; the page measures instead (measure-text.ts).
 */
export function estimatedTextWidth(font: DiagramFont): TextWidth {
  return (text, role) => text.length * (role === 'lane-label' ? 0.7 : 0.6) * fontPx(font, role);
}

/** Space kept clear between two lanes' texts. */
const LANE_TEXT_GAP_PX = 8;
/** The server's lifeline sits this share of the plot across when other participants have lanes to its right. */
const SERVER_SHARE_WITH_PARTICIPANTS = 0.55;

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

/**
 * Several units in one slice of time, drawn as one row: a window with more units than rows can show one by
 * one is cut into slices of `spanMs` (a round number, from whole multiples of it since the epoch, so a
 * slice keeps its place and its contents while the window slides), and a slice holding two units or more (or two relays)
 * becomes a burst. Every unit in the window is counted in a row, none is left out, and a burst sits at its
 * slice's time, so the axis stays true under a flood.
 */
export interface Burst {
  key: string;
  /** Its slice of time, ms: zooming to it shows its units one by one. */
  startMs: number;
  spanMs: number;
  /** Units captured in it, in time order. */
  eventSeqs: readonly number[];
  /** Browser to server, and server to browser. */
  inCount: number;
  outCount: number;
  /** Messages other participants committed in it (relays), and where their line starts. */
  relayCount: number;
  relayX: number;
  /** Chat messages its units carried or its relays committed. */
  seqs: readonly number[];
  x1: number;
  x2: number;
  y: number;
  label: string;
  ariaLabel: string;
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
  bursts: readonly Burst[];
  ticks: readonly Tick[];
  showLabels: boolean;
  /** Units inside the window, each drawn as an arrow or counted in a burst. */
  unitCount: number;
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
  /** How wide lane texts are drawn (the page measures them; estimated at DIAGRAM_FONT.normal unless given). */
  textWidth?: TextWidth;
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

/** Where the server's lifeline and the participants' lanes go across the plot. */
function laneSpan(
  width: number,
  withParticipants: boolean,
): { browserX: number; serverX: number; plotRight: number } {
  const plotLeft = MARGIN.left;
  const plotRight = width - MARGIN.right;
  const plotWidth = plotRight - plotLeft;
  const browserX = plotLeft + Math.min(80, plotWidth * 0.12);
  const serverX = withParticipants
    ? plotLeft + plotWidth * SERVER_SHARE_WITH_PARTICIPANTS
    : plotRight - Math.min(80, plotWidth * 0.12);
  return { browserX, serverX, plotRight };
}

/** Where participant lanes start: clear of the server's lifeline and the relay marks that end on it. */
const PARTICIPANTS_FROM_SERVER_PX = 60;

/**
 * How many participant lanes fit at this width and type (at least one, at most MAX_PARTICIPANT_LANES): a
 * narrow diagram, or the presenter theme's large type, shares one "Others" lane sooner rather than draw
 * names on top of each other.
 */
export function participantLanesThatFit(width: number, textWidth: TextWidth): number {
  const { serverX, plotRight } = laneSpan(width, true);
  const roomPx = plotRight - serverX - PARTICIPANTS_FROM_SERVER_PX;
  const lanePx = textWidth(OTHERS, 'lane-label') + LANE_TEXT_GAP_PX;
  return Math.max(1, Math.min(MAX_PARTICIPANT_LANES, Math.floor(roomPx / lanePx)));
}

/**
 * The text cut to `maxPx`, ending in "…" when cut; at least one character and the "…". A longer prefix is
 * never narrower, so the longest that fits is found by halving: a few measurements, not one per character.
 */
function cutToFit(text: string, maxPx: number, textWidth: TextWidth, role: TextRole): string {
  if (textWidth(text, role) <= maxPx) return text;
  let fits = 1;
  let tooLong = text.length;
  while (tooLong - fits > 1) {
    const keep = (fits + tooLong) >>> 1;
    if (textWidth(`${text.slice(0, keep)}…`, role) <= maxPx) fits = keep;
    else tooLong = keep;
  }
  return `${text.slice(0, fits)}…`;
}

/** Room an arrow's or relay's label keeps from the lifelines at its ends. */
const ROW_LABEL_INSET_PX = 4;

/**
 * An arrow's label as it fits between its lifelines: whole, else without its size in bytes, else only the
 * messages it carried, else cut with "…" (the frame inspector and the arrow's accessible label have it all).
 * A narrow diagram (a phone) or the presenter theme's large type would otherwise write it across the
 * lifelines.
 */
function arrowLabel(event: WireEvent, reused: boolean, spanPx: number, textWidth: TextWidth): string {
  // The view puts "⚠ " before the label of a unit that failed to decode.
  const roomPx = spanPx - 2 * ROW_LABEL_INSET_PX - (event.error ? textWidth('⚠ ', 'arrow-label') : 0);
  const fits = (label: string) => textWidth(label, 'arrow-label') <= roomPx;
  // Each shorter form is built only when the one before does not fit: this runs for every drawn arrow at
  // every refresh, and the whole label almost always fits.
  const whole = shortLabel(event, { reused });
  if (fits(whole)) return whole;
  const compact = shortLabel(event, { reused }, { withBytes: false });
  if (fits(compact)) return compact;
  const carried = carriedLabel(event);
  if (carried !== '' && fits(carried)) return carried;
  return cutToFit(carried === '' ? compact : carried, roomPx, textWidth, 'arrow-label');
}

/** `own`: the participants with a lane each; `sharedBy`: those drawn on the "Others" lane after them. */
function lanesOf(
  input: LayoutInput,
  own: readonly string[],
  sharedBy: readonly string[],
  textWidth: TextWidth,
): Lane[] {
  const participants = [
    ...own.map((name) => ({ id: `participant:${name}`, label: name })),
    ...(sharedBy.length > 0 ? [{ id: SHARED_LANE_ID, label: OTHERS }] : []),
  ];
  const { browserX, serverX, plotRight } = laneSpan(input.width, participants.length > 0);
  const place = scalePoint<string>()
    .domain(participants.map((participant) => participant.id))
    .range([serverX + PARTICIPANTS_FROM_SERVER_PX, plotRight])
    .padding(0.5);
  const placed = [
    {
      id: 'browser',
      kind: 'browser' as const,
      label: 'This browser',
      sublabel: input.me,
      x: round(browserX),
    },
    { id: 'server', kind: 'server' as const, label: 'Server', sublabel: 'sees the bytes', x: round(serverX) },
    ...participants.map(({ id, label }) => ({
      id,
      kind: 'participant' as const,
      label,
      sublabel: 'browser',
      x: round(place(id) ?? plotRight),
    })),
  ];
  // Texts are centred on their lifeline: each may take half the way to the next lifeline on either side,
  // or up to the edge of the drawing.
  return placed.map((lane, index) => {
    const leftPx = index === 0 ? lane.x : (lane.x - (placed[index - 1]?.x ?? 0)) / 2;
    const rightPx =
      index === placed.length - 1
        ? input.width - lane.x
        : ((placed[index + 1]?.x ?? input.width) - lane.x) / 2;
    const roomPx = 2 * Math.min(leftPx, rightPx) - LANE_TEXT_GAP_PX;
    const label = cutToFit(lane.label, roomPx, textWidth, 'lane-label');
    // This browser's sublabel is the learner's name, worth keeping cut; the others only describe the lane.
    const sublabel =
      lane.kind === 'browser'
        ? cutToFit(lane.sublabel, roomPx, textWidth, 'lane-sublabel')
        : textWidth(lane.sublabel, 'lane-sublabel') <= roomPx
          ? lane.sublabel
          : '';
    const whole = label === lane.label && sublabel === lane.sublabel;
    const full = whole ? '' : lane.sublabel === '' ? lane.label : `${lane.label} (${lane.sublabel})`;
    const title = lane.id === SHARED_LANE_ID ? `${full || OTHERS}: ${sharedBy.join(', ')}` : full;
    return { ...lane, label, sublabel, title };
  });
}

/** The units and relays of one slice of time (see `Burst`). */
interface Slice {
  key: string;
  startMs: number;
  spanMs: number;
  units: WireEvent[];
  messages: LayoutMessage[];
  /** The units before those drawn one by one in a window that cannot be narrowed any more. */
  isEarlier: boolean;
}

/** One row of the diagram: a unit's arrow, another participant's relay, or a burst. */
interface Row {
  atMs: number;
  /** Ties at the same time: units in capture order, relays after them. */
  order: number;
  event: WireEvent | null;
  message: LayoutMessage | null;
  slice: Slice | null;
}

const unitRow = (event: WireEvent): Row => ({
  atMs: event.atMs,
  order: event.eventSeq,
  event,
  message: null,
  slice: null,
});

const relayRow = (message: LayoutMessage): Row => ({
  atMs: message.committedAtMs,
  order: Number.POSITIVE_INFINITY,
  event: null,
  message,
  slice: null,
});

/** 1, 2 or 5 × 10^k ms, at least `ms`: a slice keeps its size while a following window grows a little. */
export function sliceSpanMs(ms: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(ms, 0.001)));
  for (const step of [1, 2, 5]) if (step * power >= ms) return step * power;
  return 10 * power;
}

/**
 * A slice with at most one unit and one relay draws them as they are (one message delivered reads as its
 * arrow and its relay); with more, it is a burst at the slice's middle.
 */
function sliceRows(
  units: readonly WireEvent[],
  messages: readonly LayoutMessage[],
  sliceMs: number,
  window: TimeWindow,
): Row[] {
  const slices = new Map<number, Slice>();
  const sliceAt = (ms: number): Slice => {
    const index = Math.floor(ms / sliceMs);
    let slice = slices.get(index);
    if (!slice) {
      const startMs = index * sliceMs;
      slice = {
        key: `burst-${sliceMs}-${index}`,
        startMs,
        spanMs: sliceMs,
        units: [],
        messages: [],
        isEarlier: false,
      };
      slices.set(index, slice);
    }
    return slice;
  };
  for (const event of units) sliceAt(event.atMs).units.push(event);
  for (const message of messages) sliceAt(message.committedAtMs).messages.push(message);
  return [...slices.values()].flatMap((slice) => {
    if (slice.units.length <= 1 && slice.messages.length <= 1)
      return [...slice.units.map(unitRow), ...slice.messages.map(relayRow)];
    const middleMs = slice.startMs + slice.spanMs / 2;
    return [burstRow(slice, Math.min(window.endMs, Math.max(window.startMs, middleMs)))];
  });
}

/** The units of a narrowest window left out of its one-by-one rows, as one burst at the window's top. */
function earlierRows(units: WireEvent[], window: TimeWindow): Row[] {
  const last = units.at(-1);
  if (!last) return [];
  const slice: Slice = {
    key: `burst-earlier-${units[0]?.eventSeq ?? 0}`,
    startMs: window.startMs,
    spanMs: Math.max(0, last.atMs - window.startMs),
    units,
    messages: [],
    isEarlier: true,
  };
  return [burstRow(slice, window.startMs)];
}

/** A burst's row at `atMs`; the earlier units' burst comes before any row at the same time. */
function burstRow(slice: Slice, atMs: number): Row {
  return {
    atMs,
    order: slice.isEarlier ? Number.NEGATIVE_INFINITY : 0,
    event: null,
    message: null,
    slice,
  };
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function burstWords(
  unitCount: number,
  inCount: number,
  outCount: number,
  relayCount: number,
  slice: Slice,
): { label: string; ariaLabel: string } {
  const span = formatDuration(slice.spanMs);
  if (slice.isEarlier)
    return {
      label: `${plural(unitCount, 'earlier unit', 'earlier units')}, too close to draw one by one`,
      ariaLabel: `${plural(unitCount, 'earlier wire unit', 'earlier wire units')} in this window, too close in time to draw one by one: ${inCount} browser to server, ${outCount} server to browser. The Events tab lists each one.`,
    };
  const relayed = plural(relayCount, 'message', 'messages');
  if (unitCount === 0)
    return {
      label: `${relayed} from others in ${span}`,
      ariaLabel: `${relayed} committed by others within ${span}. Enter zooms in to show each one.`,
    };
  const parts = [
    `${inCount} browser to server`,
    `${outCount} server to browser`,
    ...(relayCount > 0 ? [`${relayed} committed by others`] : []),
  ];
  return {
    label: `${plural(unitCount, 'unit', 'units')} in ${span}`,
    ariaLabel: `Burst of ${plural(unitCount, 'wire unit', 'wire units')} within ${span}: ${parts.join(', ')}. Enter zooms in to show each one.`,
  };
}

export function layoutSequence(input: LayoutInput): SequenceLayout {
  const { window, events } = input;
  const top = MARGIN.top;
  const bottom = Math.max(top + 1, input.height - MARGIN.bottom);
  const y = scaleLinear().domain([window.startMs, window.endMs]).range([top, bottom]);
  const yOf = (ms: number) => Math.min(bottom, Math.max(top, y(ms)));
  const inWindow = (ms: number) => ms >= window.startMs && ms <= window.endMs;

  const structure = structureOf(events);
  // Loops rather than map/flatMap: this runs at every refresh over up to 5,000 events and the chat log, and
  // the arrays those made for each item were garbage at once (bench:page --profile, 2026-11-29).
  const senders = new Map<number, string>();
  for (const message of input.messages) senders.set(message.seq, message.from);

  const windowed = events
    .filter((event) => inWindow(event.atMs))
    .sort((a, b) => a.atMs - b.atMs || a.eventSeq - b.eventSeq);
  const plotPx = bottom - top;
  const rowMinPx = input.rowMinPx ?? DEFAULT_ROW_MIN_PX;
  const maxDrawn = Math.max(1, Math.min(MAX_DRAWN_UNITS, Math.floor(plotPx / MIN_DRAWN_ROW_PX)));
  // More units than rows: the window is cut into slices of BURST_ROW_SHARE rows or more, and a crowded
  // slice is a burst.
  // In a window that cannot be narrowed any more, slices would not get finer: the newest units are drawn
  // one by one there, and the rest are counted in one burst above them.
  const isCrowded = windowed.length > maxDrawn;
  const isNarrowest = window.endMs - window.startMs <= MIN_SPAN_MS * (1 + 1e-9);
  const drawn = isCrowded && isNarrowest ? windowed.slice(-maxDrawn) : windowed;
  const sliceMs =
    isCrowded && !isNarrowest
      ? sliceSpanMs((BURST_ROW_SHARE * rowMinPx * (window.endMs - window.startMs)) / plotPx)
      : null;
  const firstUnitMs = drawn[0]?.atMs ?? window.startMs;

  // Only messages a unit here delivered: the diagram shows what reached this browser.
  const carried = new Set<number>();
  for (const event of events) if (event.dir === 'out') for (const seq of event.messageSeqs) carried.add(seq);
  const relayCandidates = input.messages
    .filter((message) => message.from !== input.me && carried.has(message.seq))
    .filter((message) => inWindow(message.committedAtMs))
    .filter((message) => message.committedAtMs >= firstUnitMs)
    .sort((a, b) => a.committedAtMs - b.committedAtMs || a.seq - b.seq);
  const relayMessages = sliceMs === null ? relayCandidates.slice(-MAX_DRAWN_RELAYS) : relayCandidates;
  const names: string[] = [];
  for (const message of relayMessages) if (!names.includes(message.from)) names.push(message.from);
  const textWidth = input.textWidth ?? estimatedTextWidth(DIAGRAM_FONT.normal);
  const laneCount = participantLanesThatFit(input.width, textWidth);
  const ownLanes = names.length > laneCount ? laneCount - 1 : names.length;
  const lanes = lanesOf(input, names.slice(0, ownLanes), names.slice(ownLanes), textWidth);
  const browserX = lanes[0]?.x ?? 0;
  const serverX = lanes[1]?.x ?? 0;
  const laneX = (from: string) =>
    lanes.find((lane) => lane.id === `participant:${from}`)?.x ??
    lanes.find((lane) => lane.id === SHARED_LANE_ID)?.x ??
    serverX;

  // Arrows, relays and bursts share the rows, so their texts never sit on top of each other.
  const rows: Row[] = [
    ...(sliceMs === null
      ? [
          ...drawn.map((event) => unitRow(event)),
          ...relayMessages.map((message) => relayRow(message)),
          ...earlierRows(windowed.slice(0, windowed.length - drawn.length), window),
        ]
      : sliceRows(windowed, relayMessages, sliceMs, window)),
  ].sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  const rowYs = spreadRows(
    rows.map((row) => y(row.atMs)),
    rowMinPx,
    top + rowMinPx / 2,
    bottom - 2,
  );
  const rowGap = rows.length > 1 ? (bottom - 2 - top - rowMinPx / 2) / (rows.length - 1) : rowMinPx;

  const arrows: Arrow[] = [];
  const relays: Relay[] = [];
  const bursts: Burst[] = [];
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
        label: arrowLabel(event, reused, Math.abs(serverX - browserX), textWidth),
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
        label: cutToFit(
          `#${message.seq} from ${message.from}`,
          Math.abs(laneX(message.from) - serverX) - 2 * ROW_LABEL_INSET_PX,
          textWidth,
          'arrow-label',
        ),
      });
    } else if (row.slice) {
      const slice = row.slice;
      const { units, messages } = slice;
      for (const event of units) drawnY.set(event.eventSeq, rowY);
      const inCount = units.filter((event) => event.dir === 'in').length;
      const outCount = units.length - inCount;
      const newestMessage = messages.at(-1);
      const words = burstWords(units.length, inCount, outCount, messages.length, slice);
      bursts.push({
        key: slice.key,
        startMs: slice.startMs,
        spanMs: slice.spanMs,
        eventSeqs: units.map((event) => event.eventSeq),
        inCount,
        outCount,
        relayCount: messages.length,
        relayX: newestMessage ? round(laneX(newestMessage.from)) : serverX,
        seqs: [...new Set([...units.flatMap((event) => event.messageSeqs), ...messages.map((m) => m.seq)])],
        x1: browserX,
        x2: serverX,
        y: rowY,
        label: words.label,
        ariaLabel: words.ariaLabel,
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
    bursts,
    ticks,
    showLabels: Math.min(rowGap, rowMinPx) >= LABEL_MIN_ROW_PX,
    unitCount: windowed.length,
  };
}
