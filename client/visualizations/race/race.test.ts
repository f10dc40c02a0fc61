import { describe, expect, it } from 'vitest';
import { FIXTURE_RACE, SENT_AT } from './fixture-race.ts';
import {
  buildRace,
  carrierOf,
  LANE_HEIGHT,
  layoutRace,
  placeText,
  RACE_AXIS_HEIGHT,
  RACE_LABEL_WIDTH,
  RACE_MIN_WIDTH,
  RACE_VALUE_WIDTH,
  RACE_WIDTH,
} from './race.ts';

const race = buildRace(FIXTURE_RACE);
const lane = (transport: string) => {
  const found = race.lanes.find((candidate) => candidate.transport === transport);
  if (!found) throw new Error(`no ${transport} lane`);
  return found;
};
const round = (value: number | null) => (value === null ? null : Number(value.toFixed(3)));

describe('buildRace', () => {
  it('has four lanes in a fixed order with arrivals relative to the send', () => {
    expect(race.lanes.map((l) => l.transport)).toEqual(['polling', 'long-polling', 'sse', 'websocket']);
    expect(race.lanes.map((l) => round(l.arrivalMs))).toEqual([1204.6, 5.8, 4.9, 4.2]);
  });

  it('names the winner and places everyone', () => {
    expect(race.winner).toBe('websocket');
    expect(race.lanes.map((l) => l.place)).toEqual([4, 3, 2, 1]);
    expect(round(lane('polling').behindMs)).toBe(1200.4);
    expect(lane('websocket').behindMs).toBe(0);
  });

  it('shares a place on a tie', () => {
    const tie = buildRace({
      ...FIXTURE_RACE,
      arrivals: { ...FIXTURE_RACE.arrivals, sse: SENT_AT + 4.2 },
    });
    expect(tie.lanes.map((l) => l.place)).toEqual([4, 3, 1, 1]);
  });

  it('places the commit on the page clock with the offset', () => {
    expect(round(race.commitMs)).toBe(3);
    expect(race.uncertaintyMs).toBe(0.5);
    expect(buildRace({ ...FIXTURE_RACE, clock: null }).commitMs).toBeNull();
  });

  it('finds the request that carried the message and the one after it', () => {
    expect(lane('polling').carrier).toEqual({ startMs: 1200, endMs: 1204 });
    expect(lane('long-polling').carrier).toEqual({ startMs: -3000, endMs: 5.5 });
    expect(round(lane('long-polling').next?.startMs ?? null)).toBe(6.4);
    expect(carrierOf([], 10)).toBeNull();
  });

  it('says why each transport arrived when it did', () => {
    expect(lane('polling').why).toBe(
      'Waited 1.2 s at the server for the next poll (one every 2.0 s), then rode its answer.',
    );
    expect(lane('long-polling').why).toBe(
      'Its request was already waiting at the server (held 3.0 s before the send) and was answered at once. It re-armed 0.90 ms later.',
    );
    expect(lane('sse').why).toMatch(/^Pushed at once as one event on the stream/);
    expect(lane('websocket').why).toMatch(/^Pushed at once as one frame on the socket/);
  });

  it('reports a lane that never arrived, and one still running', () => {
    const arrivals = { ...FIXTURE_RACE.arrivals };
    delete arrivals.polling;
    const lost = buildRace({ ...FIXTURE_RACE, arrivals });
    expect(lost.lanes[0]).toMatchObject({
      arrivalMs: null,
      place: null,
      why: 'Did not arrive within 8.0 s.',
    });
    const running = buildRace({ ...FIXTURE_RACE, arrivals, finished: false });
    expect(running.lanes[0]?.why).toBe('Waiting for it to arrive…');
  });

  it('spells places', () => {
    expect([1, 2, 3, 4].map(placeText)).toEqual(['1st', '2nd', '3rd', '4th']);
  });
});

describe('layoutRace', () => {
  const layout = layoutRace(race, 'log');

  it('stacks four lanes under the axis and starts the clock at the send', () => {
    expect(layout.lanes.map((l) => l.y)).toEqual(
      [0, 1, 2, 3].map((i) => RACE_AXIS_HEIGHT + (i + 0.5) * LANE_HEIGHT),
    );
    expect(layout.sendX).toBe(RACE_LABEL_WIDTH);
    expect(layout.axis.x1).toBe(RACE_WIDTH - RACE_VALUE_WIDTH);
  });

  it('orders arrival marks like arrival times', () => {
    const xs = layout.lanes.map((l) => l.arrivalX ?? 0);
    expect(xs[3]).toBeLessThan(xs[2] ?? 0);
    expect(xs[2]).toBeLessThan(xs[1] ?? 0);
    expect(xs[1]).toBeLessThan(xs[0] ?? 0);
    expect(xs[0]).toBeLessThanOrEqual(layout.axis.x1);
  });

  it('clips a held long poll to the send and marks its re-arm', () => {
    const longPoll = layout.lanes[1];
    expect(longPoll?.requests[0]).toMatchObject({ x0: RACE_LABEL_WIDTH, isCarrier: true, clipped: true });
    expect(longPoll?.nextX).toBeCloseTo(layout.axis.x(6.4), 9);
    // The poll answered 800 ms before the send is history, but within the look-back: clipped at the send.
    expect(layout.lanes[0]?.requests.map((r) => r.isCarrier)).toEqual([false, true]);
  });

  it('draws the commit with its uncertainty', () => {
    expect(layout.commit?.x).toBeCloseTo(layout.axis.x(3), 9);
    expect(layout.commit?.x0).toBeCloseTo(layout.axis.x(2.5), 9);
    expect(layout.commit?.x1).toBeCloseTo(layout.axis.x(3.5), 9);
  });

  it('fits every lane into a narrower chart (the presenter theme draws the same box larger)', () => {
    const narrow = layoutRace(race, 'log', RACE_MIN_WIDTH);
    expect(narrow.width).toBe(RACE_MIN_WIDTH);
    expect(narrow.axis.x1).toBe(RACE_MIN_WIDTH - RACE_VALUE_WIDTH);
    for (const lane of narrow.lanes) {
      expect(lane.arrivalX ?? 0).toBeLessThanOrEqual(narrow.axis.x1);
      for (const request of lane.requests) expect(request.x1).toBeLessThanOrEqual(narrow.axis.x1);
    }
  });

  it('is linear when asked', () => {
    const linear = layoutRace(race, 'linear');
    const ws = linear.lanes[3]?.arrivalX ?? 0;
    const poll = linear.lanes[0]?.arrivalX ?? 0;
    expect((ws - linear.sendX) / (poll - linear.sendX)).toBeLessThan(0.01);
  });
});
