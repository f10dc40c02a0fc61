import { describe, expect, it } from 'vitest';
import { buildActivity, MIN_GAP_MS } from './activity.ts';
import { FIXTURE_CLOCK, FIXTURE_EVENTS, FIXTURE_MESSAGES, FIXTURE_RECEIVED, T0 } from './fixture-trace.ts';
import {
  deliveryHistogram,
  type MessageLatency,
  messageLatencies,
  percentilesByTransport,
  percentilesOf,
} from './latency.ts';
import { overheadReport, overheadShare } from './overhead.ts';
import { matchWire, wsFrameType } from './wire-match.ts';

const rows = messageLatencies({
  events: FIXTURE_EVENTS,
  messages: FIXTURE_MESSAGES,
  receivedAtMs: FIXTURE_RECEIVED,
  clock: FIXTURE_CLOCK,
});
const row = (seq: number): MessageLatency => {
  const found = rows.find((candidate) => candidate.seq === seq);
  if (!found) throw new Error(`no row for seq ${seq}`);
  return found;
};
const relative = (value: number | null) => (value === null ? null : Number((value - T0).toFixed(3)));

describe('matchWire', () => {
  it('reads the JSON type of server text frames only', () => {
    expect(FIXTURE_EVENTS.map(wsFrameType).filter((type) => type !== null)).toEqual([
      'resume',
      'message',
      'ack',
    ]);
  });

  it('finds each send from its ack, and the first delivery that is not an ack', () => {
    const { sends, written } = matchWire(FIXTURE_EVENTS);
    expect([...sends.keys()]).toEqual([7, 9]);
    expect(relative(sends.get(7)?.received?.atMs ?? null)).toBe(100);
    expect(sends.get(7)?.received?.ws?.masked).toBe(true);
    expect(relative(sends.get(9)?.received?.atMs ?? null)).toBe(7000);
    expect(sends.get(9)?.received?.transport).toBe('send');
    expect([...written].map(([seq, event]) => [seq, event.transport, relative(event.atMs)])).toEqual([
      [7, 'websocket', 101.2],
      [8, 'sse', 3500.6],
      [9, 'long-polling', 7001.5],
      [10, 'polling', 10001],
    ]);
  });

  it('pairs WebSocket acks with text frames in send order', () => {
    const [handshake, , , send] = FIXTURE_EVENTS;
    const ack = FIXTURE_EVENTS[5];
    if (!handshake || !send || !ack) throw new Error('fixture changed');
    const second = { ...send, eventSeq: 100, atMs: send.atMs + 0.1 };
    const ack2 = { ...ack, eventSeq: 101, atMs: ack.atMs + 1, messageSeqs: [70] };
    const { sends } = matchWire([send, second, ack, ack2]);
    expect(sends.get(7)?.received).toBe(send);
    expect(sends.get(70)?.received).toBe(second);
  });
});

describe('messageLatencies', () => {
  it('puts every stage of our own WebSocket send on the server clock', () => {
    const ws = row(7);
    expect(ws.transport).toBe('websocket');
    expect(Object.values(ws.stages).map(relative)).toEqual([99.5, 100, 101.2, 102]);
    expect(ws.serverSource).toBe('wire');
    expect(ws.deliveryMs).toBeCloseTo(2, 6);
    expect(ws.endToEndMs).toBeCloseTo(2.5, 6);
    expect(ws.wait).toBeNull();
  });

  it('gives someone else’s message no sent stage and uses the commit time for the server stage', () => {
    const sse = row(8);
    expect(sse.stages.sent).toBeNull();
    expect(sse.serverSource).toBe('commit');
    expect(relative(sse.stages.server)).toBe(3500.2);
    expect(sse.endToEndMs).toBeNull();
    expect(sse.deliveryMs).toBeCloseTo(1.3, 6);
  });

  it('shows the long poll that was held and the naive poll a message waited for', () => {
    expect(row(9).wait).toEqual({ kind: 'long-poll-hold', startMs: T0 + 6000, endMs: T0 + 7001.5 });
    expect(row(10).wait).toEqual({ kind: 'poll-interval', startMs: T0 + 8500, endMs: T0 + 10000 });
    expect(row(10).deliveryMs).toBeCloseTo(1501.8, 6);
  });

  it('leaves join and leave lines out, and page stages out without a clock estimate', () => {
    expect(rows.map((r) => r.seq)).toEqual([7, 8, 9, 10]);
    const noClock = messageLatencies({
      events: FIXTURE_EVENTS,
      messages: FIXTURE_MESSAGES,
      receivedAtMs: FIXTURE_RECEIVED,
      clock: null,
    });
    expect(
      noClock.every((r) => r.stages.sent === null && r.stages.page === null && r.deliveryMs === null),
    ).toBe(true);
    // Both ends of end-to-end are on this page's clock: no offset needed.
    expect(noClock.find((r) => r.seq === 9)?.endToEndMs).toBeCloseTo(3.4, 6);
  });
});

describe('percentiles and histogram', () => {
  it('interpolates like numpy (R-7)', () => {
    const stats = percentilesOf([10, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stats?.p50).toBe(5.5);
    expect(stats?.p95).toBeCloseTo(9.55, 9);
    expect(stats?.p99).toBeCloseTo(9.91, 9);
    expect(percentilesOf([])).toBeNull();
    expect(percentilesOf([4])).toEqual({ p50: 4, p95: 4, p99: 4 });
  });

  it('groups delivery latency by the transport that wrote the message', () => {
    const table = percentilesByTransport(rows);
    expect(table.map((entry) => [entry.transport, entry.count, Number(entry.p50.toFixed(1))])).toEqual([
      ['polling', 1, 1501.8],
      ['long-polling', 1, 2.4],
      ['sse', 1, 1.3],
      ['websocket', 1, 2],
    ]);
  });

  it('bins on nice thresholds and splits each bin by transport', () => {
    const bins = deliveryHistogram(rows);
    expect(bins.reduce((sum, b) => sum + b.total, 0)).toBe(4);
    expect(bins[0]?.x0).toBe(0);
    expect(bins[0]?.counts).toEqual({ polling: 0, 'long-polling': 1, sse: 1, websocket: 1 });
    expect(bins.at(-1)?.counts.polling).toBe(1);
    expect(bins.every((b, i) => i === 0 || b.x0 === bins[i - 1]?.x1)).toBe(true);
    expect(deliveryHistogram([])).toEqual([]);
  });
});

describe('overheadReport', () => {
  const report = overheadReport(FIXTURE_EVENTS, FIXTURE_MESSAGES);
  const of = (transport: string) => report.byTransport.find((entry) => entry.transport === transport);

  it('splits each transport’s bytes into text, framing and units that carried nothing', () => {
    expect(of('websocket')).toEqual({
      transport: 'websocket',
      payloadBytes: 26,
      framingBytes: 77 + 217,
      emptyBytes: 420 + 129 + 60 + 64 + 2,
      carryingUnits: 2,
      emptyUnits: 5,
    });
    expect(of('send')).toMatchObject({ payloadBytes: 12, framingBytes: 508, emptyBytes: 240 });
    expect(of('polling')).toMatchObject({
      payloadBytes: 6,
      framingBytes: 414,
      emptyBytes: 960,
      emptyUnits: 3,
    });
    expect(report.byTransport.map((entry) => entry.transport)).toEqual([
      'polling',
      'long-polling',
      'sse',
      'websocket',
      'send',
    ]);
  });

  it('gives each message its delivery unit and its send unit', () => {
    expect(report.byMessage.get(7)).toEqual({ seq: 7, payloadBytes: 13, deliveryBytes: 230, sendBytes: 90 });
    expect(report.byMessage.get(8)).toEqual({
      seq: 8,
      payloadBytes: 11,
      deliveryBytes: 260,
      sendBytes: null,
    });
    expect(report.byMessage.has(6)).toBe(false);
  });

  it('shares a unit that carried many messages evenly', () => {
    const [first] = FIXTURE_EVENTS;
    if (!first) throw new Error('fixture changed');
    const snapshot = {
      ...first,
      dir: 'out' as const,
      transport: 'polling' as const,
      unit: 'http-response' as const,
    };
    const shared = overheadReport([{ ...snapshot, byteLength: 1000, messageSeqs: [7, 8] }], FIXTURE_MESSAGES);
    expect(shared.byMessage.get(7)?.deliveryBytes).toBe(500);
    expect(shared.byTransport[0]).toMatchObject({ payloadBytes: 24, framingBytes: 976 });
  });

  it('reports the share that was not chat text', () => {
    const websocket = of('websocket');
    if (!websocket) throw new Error('no websocket row');
    expect(overheadShare(websocket)).toBeCloseTo((294 + 675) / (26 + 294 + 675), 9);
  });
});

describe('buildActivity', () => {
  const activity = buildActivity(FIXTURE_EVENTS);
  const track = (transport: string) => activity?.tracks.find((entry) => entry.transport === transport);
  const spans = (transport: string) =>
    track(transport)?.spans.map((span) => [span.kind, span.startMs - T0, span.endMs - T0, span.open]);

  it('spans the capture and lists transports in a fixed order', () => {
    expect(activity?.startMs).toBe(T0);
    expect(activity?.endMs).toBe(T0 + 10001);
    expect(activity?.tracks.map((entry) => entry.transport)).toEqual([
      'polling',
      'long-polling',
      'sse',
      'websocket',
    ]);
  });

  it('draws held long polls, and leaves out a re-arm shorter than MIN_GAP_MS', () => {
    expect(7003 - 7001.5).toBeLessThan(MIN_GAP_MS);
    expect(spans('long-polling')).toEqual([
      ['hold', 6000, 7001.5, false],
      ['hold', 7003, 7800, false],
      ['gap', 7800, 10001, true],
    ]);
  });

  it('shows the SSE reconnect gap, heartbeats and deliveries', () => {
    expect(spans('sse')).toEqual([
      ['gap', 4500, 5501, false],
      ['gap', 5900, 10001, true],
    ]);
    expect(track('sse')?.points.map((point) => [point.kind, Number((point.atMs - T0).toFixed(3))])).toEqual([
      ['delivery', 3500.6],
      ['heartbeat', 4000],
    ]);
    expect(track('websocket')?.points.map((point) => point.kind)).toEqual(['delivery', 'heartbeat']);
  });

  it('marks every naive poll', () => {
    expect(track('polling')?.points.map((point) => [point.kind, point.atMs - T0])).toEqual([
      ['poll', 8000],
      ['poll', 10000],
      ['delivery', 10001],
    ]);
  });

  it('keeps only the recent window', () => {
    const recent = buildActivity(FIXTURE_EVENTS, 3000);
    expect(recent?.startMs).toBe(T0 + 7001);
    expect(recent?.tracks.map((entry) => entry.transport)).toEqual([
      'polling',
      'long-polling',
      'sse',
      'websocket',
    ]);
    expect(recent?.tracks.find((entry) => entry.transport === 'websocket')?.points).toEqual([]);
    expect(buildActivity([])).toBeNull();
  });
});
