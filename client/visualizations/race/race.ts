/**
 * The race: one message sent once, received over all four transports by this page. From the page-clock
 * arrival times (and the poll requests the browser timed) it finds who won and says why, in one line per
 * transport, and lays out four lanes on one clock. Pure.
 */
import { TRANSPORT_KINDS, type TransportKind } from '../../../protocol/messages.ts';
import { formatDurationMs, type TimeAxis, type TimeScaleKind, timeAxis } from '../latency/layout.ts';

/** A request the browser timed (Resource Timing), on the page clock. */
export interface TimedRequest {
  startMs: number;
  endMs: number;
}

export interface RaceInput {
  /** Page clock when the one POST left. */
  sentAtMs: number;
  /** Server clock when the message was stored, from the message itself; null until one copy arrived. */
  committedAtMs: number | null;
  /** Server minus page clock; null while unknown (then the commit cannot be placed). */
  clock: { offsetMs: number; uncertaintyMs: number } | null;
  /** Page clock when each transport delivered the message. */
  arrivals: Partial<Record<TransportKind, number>>;
  /** Poll and long-poll requests of the racing transports, from the browser's resource timing. */
  requests: Partial<Record<TransportKind, readonly TimedRequest[]>>;
  pollIntervalMs: number;
  /** How long the race waits for every lane before calling it. */
  timeoutMs: number;
  /** True once the race is over (all arrived or the timeout passed): a lane without an arrival then lost. */
  finished: boolean;
}

export interface RaceLane {
  transport: TransportKind;
  /** ms after the send, on the page clock (no offset: send and arrivals are both this page's). */
  arrivalMs: number | null;
  /** 1 for the first arrival; ties share a place. */
  place: number | null;
  /** How far behind the winner. */
  behindMs: number | null;
  /** The request that carried the message (polling, long polling), relative to the send. */
  carrier: TimedRequest | null;
  /** The next request after the carrier: long polling's re-arm, polling's next ask. */
  next: TimedRequest | null;
  /** Other requests of this lane around the race, relative to the send. */
  requests: TimedRequest[];
  why: string;
}

export interface Race {
  lanes: RaceLane[];
  winner: TransportKind | null;
  /** Commit on the page clock relative to the send, ± the clock uncertainty; null without a clock. */
  commitMs: number | null;
  uncertaintyMs: number | null;
}

function relative(request: TimedRequest, originMs: number): TimedRequest {
  return { startMs: request.startMs - originMs, endMs: request.endMs - originMs };
}

/** The request whose answer delivered the message: it ended closest to (not much after) the arrival. */
export function carrierOf(requests: readonly TimedRequest[], arrivalMs: number): TimedRequest | null {
  let best: TimedRequest | null = null;
  for (const request of requests) {
    // The answer ends before the transport parses it and hands the message over.
    if (request.endMs > arrivalMs + 1) continue;
    if (best === null || request.endMs > best.endMs) best = request;
  }
  return best;
}

function placeOf(arrival: number, all: readonly number[]): number {
  return all.filter((other) => other < arrival).length + 1;
}

/** One line per transport: why it arrived when it did. */
export function explain(
  transport: TransportKind,
  lane: Pick<RaceLane, 'arrivalMs' | 'carrier' | 'next'>,
  context: { commitMs: number | null; pollIntervalMs: number; finished: boolean; timeoutMs: number },
): string {
  if (lane.arrivalMs === null)
    return context.finished
      ? `Did not arrive within ${formatDurationMs(context.timeoutMs)}.`
      : 'Waiting for it to arrive…';
  const interval = formatDurationMs(context.pollIntervalMs);
  switch (transport) {
    case 'polling': {
      const ready = context.commitMs ?? 0;
      if (lane.carrier)
        return `Waited ${formatDurationMs(Math.max(0, lane.carrier.startMs - ready))} at the server for the next poll (one every ${interval}), then rode its answer.`;
      return `Waited at the server until the next poll asked (one every ${interval}).`;
    }
    case 'long-polling': {
      const held = lane.carrier
        ? ` (held ${formatDurationMs(Math.max(0, 0 - lane.carrier.startMs))} before the send)`
        : '';
      const rearm =
        lane.next && lane.carrier
          ? ` It re-armed ${formatDurationMs(Math.max(0, lane.next.startMs - lane.carrier.endMs))} later.`
          : ' Then it must re-arm with a new request.';
      return `Its request was already waiting at the server${held} and was answered at once.${rearm}`;
    }
    case 'sse':
      return 'Pushed at once as one event on the stream that was already open.';
    case 'websocket':
      return 'Pushed at once as one frame on the socket that was already open.';
  }
}

export function buildRace(input: RaceInput): Race {
  const { sentAtMs } = input;
  const commitMs =
    input.committedAtMs !== null && input.clock !== null
      ? input.committedAtMs - input.clock.offsetMs - sentAtMs
      : null;
  const arrivals = TRANSPORT_KINDS.flatMap((t) => {
    const at = input.arrivals[t];
    return at === undefined ? [] : [at - sentAtMs];
  });
  const fastest = arrivals.length > 0 ? Math.min(...arrivals) : null;
  const lanes = TRANSPORT_KINDS.map((transport): RaceLane => {
    const at = input.arrivals[transport];
    const arrivalMs = at === undefined ? null : at - sentAtMs;
    const requests = (input.requests[transport] ?? []).map((request) => relative(request, sentAtMs));
    const carrier = arrivalMs === null ? null : carrierOf(requests, arrivalMs);
    const next = carrier ? (requests.find((request) => request.startMs >= carrier.endMs) ?? null) : null;
    const lane = { arrivalMs, carrier, next };
    return {
      transport,
      ...lane,
      place: arrivalMs === null ? null : placeOf(arrivalMs, arrivals),
      behindMs: arrivalMs === null || fastest === null ? null : arrivalMs - fastest,
      requests,
      why: explain(transport, lane, {
        commitMs,
        pollIntervalMs: input.pollIntervalMs,
        finished: input.finished,
        timeoutMs: input.timeoutMs,
      }),
    };
  });
  const winner = lanes.find((lane) => lane.place === 1)?.transport ?? null;
  return { lanes, winner, commitMs, uncertaintyMs: input.clock?.uncertaintyMs ?? null };
}

export function placeText(place: number): string {
  return place === 1 ? '1st' : place === 2 ? '2nd' : place === 3 ? '3rd' : `${place}th`;
}

// ---- Layout -----------------------------------------------------------------------------------

export const RACE_WIDTH = 560;
export const RACE_LABEL_WIDTH = 112;
export const RACE_VALUE_WIDTH = 92;
/** The narrowest width the race is laid out at: the lane labels, the values, and 160 units of plot. */
export const RACE_MIN_WIDTH = RACE_LABEL_WIDTH + RACE_VALUE_WIDTH + 160;
export const LANE_HEIGHT = 44;
export const RACE_AXIS_HEIGHT = 24;

export interface LaneLayout {
  transport: TransportKind;
  y: number;
  arrivalX: number | null;
  /** Request bars in x, clipped to the axis. */
  requests: Array<{ x0: number; x1: number; isCarrier: boolean; clipped: boolean }>;
  nextX: number | null;
}

export interface RaceLayout {
  axis: TimeAxis;
  sendX: number;
  commit: { x: number; x0: number; x1: number } | null;
  lanes: LaneLayout[];
  /** The chart's width in its own units (the viewBox's). */
  width: number;
  height: number;
}

/** Requests this far before the send are left out: they are history, not part of the race. */
const REQUEST_LOOKBACK_MS = 2_500;

export function layoutRace(race: Race, kind: TimeScaleKind, width = RACE_WIDTH): RaceLayout {
  const arrivals = race.lanes.flatMap((lane) => (lane.arrivalMs === null ? [] : [lane.arrivalMs]));
  const maxMs = Math.max(1, ...arrivals, race.commitMs ?? 0) * 1.05;
  const axis = timeAxis(0, maxMs, RACE_LABEL_WIDTH, width - RACE_VALUE_WIDTH, kind);
  const clampX = (ms: number) => Math.min(axis.x1, Math.max(axis.x0, axis.x(ms)));
  const lanes = race.lanes.map((lane, index): LaneLayout => {
    const y = RACE_AXIS_HEIGHT + index * LANE_HEIGHT + LANE_HEIGHT / 2;
    const requests = lane.requests
      .filter((request) => request.endMs >= -REQUEST_LOOKBACK_MS && request.startMs <= maxMs)
      .map((request) => ({
        x0: clampX(request.startMs),
        x1: clampX(request.endMs),
        isCarrier: request === lane.carrier,
        clipped: request.startMs < 0,
      }));
    return {
      transport: lane.transport,
      y,
      arrivalX: lane.arrivalMs === null ? null : axis.x(lane.arrivalMs),
      requests,
      nextX: lane.next && lane.next.startMs <= maxMs ? clampX(lane.next.startMs) : null,
    };
  });
  const u = race.uncertaintyMs ?? 0;
  const commit =
    race.commitMs === null
      ? null
      : { x: clampX(race.commitMs), x0: clampX(race.commitMs - u), x1: clampX(race.commitMs + u) };
  return {
    axis,
    sendX: axis.x(0),
    commit,
    lanes,
    width,
    height: RACE_AXIS_HEIGHT + race.lanes.length * LANE_HEIGHT + 4,
  };
}
