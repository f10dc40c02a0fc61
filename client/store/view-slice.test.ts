import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../protocol/inspect.ts';
import { TRACE_FORMAT, TRACE_VERSION, type Trace } from '../../protocol/trace.ts';
import { eventBySeq, indexAtOrAfter, selectShownUnitCounts } from './view-slice.ts';
import { countUnits, EMPTY_UNIT_COUNTS } from './wire-ring.ts';

const events = [3, 4, 7, 9].map((eventSeq) => ({ eventSeq }) as WireEvent);

describe('indexAtOrAfter / eventBySeq', () => {
  it('finds the first event at or after a seq, including past both ends', () => {
    expect([0, 3, 5, 7, 9, 10].map((seq) => indexAtOrAfter(events, seq))).toEqual([0, 0, 2, 2, 3, 4]);
    expect(indexAtOrAfter([], 1)).toBe(0);
  });

  it('returns the event with exactly that seq, or nothing when the ring no longer holds it', () => {
    expect(eventBySeq(events, 7)?.eventSeq).toBe(7);
    expect(eventBySeq(events, 5)).toBeUndefined();
    expect(eventBySeq(events, 10)).toBeUndefined();
  });
});

describe('selectShownUnitCounts', () => {
  const ring = [
    { eventSeq: 10, unit: 'tcp-open' },
    { eventSeq: 11, unit: 'ws-handshake' },
    { eventSeq: 12, unit: 'ws-frame' },
    { eventSeq: 13, unit: 'ws-frame' },
    { eventSeq: 14, unit: 'ws-frame' },
  ] as WireEvent[];
  // Nine units fell out of the ring before these: the counts cover everything captured.
  const total = countUnits({ ...EMPTY_UNIT_COUNTS, 'ws-frame': 9 }, ring);
  const live = {
    importedTrace: null,
    wireEvents: ring,
    isLive: true,
    cutoffEventSeq: null,
    wireUnitCounts: total,
  };

  it('counts everything captured while live, beyond what the ring holds', () => {
    expect(selectShownUnitCounts(live)).toEqual({ counts: total, later: 0 });
  });

  it('stops at the pause point and says how many units came after it', () => {
    const paused = selectShownUnitCounts({ ...live, isLive: false, cutoffEventSeq: 12 });
    expect(paused.later).toBe(2);
    expect(paused.counts['ws-frame']).toBe(9 + 1);
    expect(paused.counts['tcp-open']).toBe(1);
  });

  it("counts a loaded trace's own units, up to its pause point", () => {
    const trace: Trace = {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      exportedAtMs: 0,
      client: 'tab-1',
      room: 'lobby',
      transport: 'websocket',
      clockOffsetMs: null,
      events: ring.slice(0, 3),
      messages: [],
    };
    const shown = selectShownUnitCounts({ ...live, importedTrace: trace });
    expect([shown.counts['ws-frame'], shown.counts['ws-handshake'], shown.later]).toEqual([1, 1, 0]);
    const paused = selectShownUnitCounts({
      ...live,
      importedTrace: trace,
      isLive: false,
      cutoffEventSeq: 10,
    });
    expect([paused.counts['tcp-open'], paused.counts['ws-frame'], paused.later]).toEqual([1, 0, 2]);
  });
});
