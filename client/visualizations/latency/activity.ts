/**
 * What each delivery transport's connections were doing over time, on the server clock: long polls held
 * at the server, naive polls, heartbeats, deliveries, and the gaps when no connection was open (a
 * reconnect, or a long poll re-arming). Pure: wire events in, spans and points out.
 */
import type { WireEvent } from '../../../protocol/inspect.ts';
import type { TransportKind } from '../../../protocol/messages.ts';
import { DELIVERY_TRANSPORTS, isDeliveryTransport, wsFrameType } from './wire-match.ts';

/** How much of the recent past the activity strip shows. */
export const ACTIVITY_WINDOW_MS = 60_000;
/** Gaps shorter than this are drawn too small to see and are left out. */
export const MIN_GAP_MS = 5;

export type ActivitySpanKind = 'hold' | 'gap';
export type ActivityPointKind = 'poll' | 'heartbeat' | 'delivery';

export interface ActivitySpan {
  kind: ActivitySpanKind;
  startMs: number;
  endMs: number;
  /** True when the span is still going on at the end of the capture. */
  open: boolean;
}

export interface ActivityPoint {
  kind: ActivityPointKind;
  atMs: number;
  seqs: readonly number[];
}

export interface ActivityTrack {
  transport: TransportKind;
  spans: ActivitySpan[];
  points: ActivityPoint[];
}

export interface Activity {
  startMs: number;
  endMs: number;
  tracks: ActivityTrack[];
}

function isHeartbeat(event: WireEvent): boolean {
  if (event.dir !== 'out') return false;
  if (event.unit === 'sse-comment') return true;
  // The server pings and sends a `heartbeat` frame together; the ping is the protocol's own heartbeat.
  return event.unit === 'ws-frame' && event.ws?.opcodeName === 'ping';
}

function isDelivery(event: WireEvent): boolean {
  if (event.dir !== 'out' || event.messageSeqs.length === 0) return false;
  return event.unit !== 'ws-frame' || wsFrameType(event) === 'message';
}

/** When a connection of this transport starts being able to deliver. */
function opensStream(event: WireEvent): boolean {
  switch (event.transport) {
    case 'long-polling':
      return event.dir === 'in' && event.unit === 'http-request';
    case 'sse':
      return event.dir === 'out' && event.unit === 'http-response';
    case 'websocket':
      return event.dir === 'out' && event.unit === 'ws-handshake';
    default:
      return false;
  }
}

/** When it stops: a long poll is answered; a stream's TCP connection closes. */
function closesStream(event: WireEvent): boolean {
  if (event.transport === 'long-polling') return event.dir === 'out' && event.unit === 'http-response';
  return event.unit === 'tcp-close';
}

/** Activity of the transports that appear in the events, over the last `windowMs` of the capture. */
export function buildActivity(events: readonly WireEvent[], windowMs = ACTIVITY_WINDOW_MS): Activity | null {
  const last = events.at(-1);
  const first = events[0];
  if (!last || !first) return null;
  const endMs = events.reduce((max, event) => Math.max(max, event.atMs), last.atMs);
  const startMs = Math.max(first.atMs, endMs - windowMs);
  const tracks = new Map<TransportKind, ActivityTrack>();
  const track = (transport: TransportKind) => {
    let found = tracks.get(transport);
    if (!found) {
      found = { transport, spans: [], points: [] };
      tracks.set(transport, found);
    }
    return found;
  };
  /** Open streams per transport: connId → when it opened. */
  const openStreams = new Map<TransportKind, Map<number, number>>();
  const lastClosed = new Map<TransportKind, number>();

  for (const event of events) {
    const transport = event.transport;
    if (!isDeliveryTransport(transport)) continue;
    const current = track(transport);
    if (transport === 'polling' && event.dir === 'in' && event.unit === 'http-request')
      current.points.push({ kind: 'poll', atMs: event.atMs, seqs: [] });
    if (isHeartbeat(event)) current.points.push({ kind: 'heartbeat', atMs: event.atMs, seqs: [] });
    if (isDelivery(event))
      current.points.push({ kind: 'delivery', atMs: event.atMs, seqs: event.messageSeqs });
    if (transport === 'polling') continue;

    const streams = openStreams.get(transport) ?? new Map<number, number>();
    openStreams.set(transport, streams);
    if (opensStream(event)) {
      const closedAt = lastClosed.get(transport);
      if (streams.size === 0 && closedAt !== undefined && event.atMs - closedAt >= MIN_GAP_MS)
        current.spans.push({ kind: 'gap', startMs: closedAt, endMs: event.atMs, open: false });
      streams.set(event.connId, event.atMs);
    } else if (closesStream(event)) {
      const openedAt = streams.get(event.connId);
      if (openedAt === undefined) continue;
      streams.delete(event.connId);
      if (transport === 'long-polling')
        current.spans.push({ kind: 'hold', startMs: openedAt, endMs: event.atMs, open: false });
      if (streams.size === 0) lastClosed.set(transport, event.atMs);
    }
  }
  // Still held at the end of the capture: draw to the end and say it is open.
  for (const [transport, streams] of openStreams) {
    if (transport === 'long-polling')
      for (const openedAt of streams.values())
        track(transport).spans.push({ kind: 'hold', startMs: openedAt, endMs, open: true });
    const closedAt = lastClosed.get(transport);
    if (streams.size === 0 && closedAt !== undefined && endMs - closedAt >= MIN_GAP_MS)
      track(transport).spans.push({ kind: 'gap', startMs: closedAt, endMs, open: true });
  }

  const inWindow = (from: number, to: number) => to >= startMs && from <= endMs;
  return {
    startMs,
    endMs,
    tracks: DELIVERY_TRANSPORTS.flatMap((transport) => {
      const found = tracks.get(transport);
      if (!found) return [];
      return [
        {
          transport,
          spans: found.spans
            .filter((span) => inWindow(span.startMs, span.endMs))
            .sort((a, b) => a.startMs - b.startMs),
          points: found.points.filter((point) => inWindow(point.atMs, point.atMs)),
        },
      ];
    }),
  };
}
