import { describe, expect, it } from 'vitest';
import { buildActivity } from './activity.ts';
import { FIXTURE_CLOCK, FIXTURE_EVENTS, FIXTURE_MESSAGES, FIXTURE_RECEIVED } from './fixture-trace.ts';
import { deliveryHistogram, messageLatencies } from './latency.ts';
import {
  AXIS_HEIGHT,
  CHART_WIDTH,
  formatDurationMs,
  layoutActivity,
  layoutHistogram,
  layoutOverhead,
  layoutTimeline,
  MIN_CHART_WIDTH,
  ROW_HEIGHT,
  ROW_LABEL_WIDTH,
  ROW_VALUE_WIDTH,
  timeAxis,
} from './layout.ts';
import { overheadReport } from './overhead.ts';

const rows = messageLatencies({
  events: FIXTURE_EVENTS,
  messages: FIXTURE_MESSAGES,
  receivedAtMs: FIXTURE_RECEIVED,
  clock: FIXTURE_CLOCK,
});

describe('formatDurationMs', () => {
  it('keeps sub-millisecond digits and switches to seconds', () => {
    expect([0.25, 2.46, 37.2, 1500, 25_000, -3].map(formatDurationMs)).toEqual([
      '0.25 ms',
      '2.5 ms',
      '37 ms',
      '1.5 s',
      '25 s',
      '−3.0 ms',
    ]);
  });
});

describe('timeAxis', () => {
  it('maps linearly with nice ticks', () => {
    const axis = timeAxis(0, 1000, 0, 100, 'linear');
    expect(axis.x(500)).toBe(50);
    expect(axis.ticks.map((tick) => tick.label)).toEqual([
      '0 ms',
      '200 ms',
      '400 ms',
      '600 ms',
      '800 ms',
      '1.0 s',
    ]);
  });

  it('gives a log axis decade ticks and room for both small and large times', () => {
    const axis = timeAxis(0, 2000, 0, 400, 'log');
    expect(axis.x(0)).toBe(0);
    expect(axis.x(2000)).toBeCloseTo(400, 9);
    // 1 ms sits too close to 0 at this width to get a label of its own.
    expect(axis.ticks.map((tick) => tick.label)).toEqual(['0 ms', '10 ms', '100 ms', '1.0 s']);
    // One ms already takes several pixels: a WebSocket push does not collapse onto zero.
    expect(axis.x(1)).toBeGreaterThan(5);
    const xs = [0, 1, 10, 100, 1000].map(axis.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it('extends the domain below zero for stages the offset put early', () => {
    const axis = timeAxis(-5, 100, 0, 1000, 'log');
    expect(axis.x(-5)).toBe(0);
    expect(axis.ticks[0]?.label).toBe('−1.0 ms');
  });

  it('drops ticks that would overlap, never zero', () => {
    const axis = timeAxis(-20, 20, 0, 200, 'log');
    expect(axis.ticks.map((tick) => tick.label)).toEqual(['−10 ms', '0 ms', '10 ms']);
    const xs = axis.ticks.map((tick) => tick.x);
    expect(xs.every((x, i) => i === 0 || x - (xs[i - 1] ?? 0) >= 44)).toBe(true);
    expect(timeAxis(-20, 20, 0, 60, 'log').ticks.map((tick) => tick.label)).toEqual(['0 ms']);
  });
});

describe('layoutTimeline', () => {
  const layout = layoutTimeline(rows, FIXTURE_CLOCK.uncertaintyMs, 'log');

  it('stacks one row per message under the axis', () => {
    expect(layout.rows.map((row) => row.seq)).toEqual([7, 8, 9, 10]);
    expect(layout.rows.map((row) => row.y)).toEqual(
      [0, 1, 2, 3].map((i) => AXIS_HEIGHT + (i + 0.5) * ROW_HEIGHT),
    );
    expect(layout.height).toBe(AXIS_HEIGHT + 4 * ROW_HEIGHT + 6);
    expect(layout.axis.x0).toBe(ROW_LABEL_WIDTH);
    expect(layout.axis.x1).toBe(CHART_WIDTH - ROW_VALUE_WIDTH);
  });

  it('places stages left to right from the first one, with whiskers on page-clock stages only', () => {
    const ws = layout.rows[0];
    expect(ws?.marks.map((mark) => mark.stage)).toEqual(['sent', 'server', 'written', 'page']);
    expect(ws?.marks.map((mark) => Number(mark.relMs.toFixed(3)))).toEqual([0, 0.5, 1.7, 2.5]);
    const xs = ws?.marks.map((mark) => mark.x) ?? [];
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(ws?.marks.map((mark) => mark.whisker !== null)).toEqual([true, false, false, true]);
    expect(ws?.line).toEqual([xs[0], xs[3]]);
  });

  it('starts a row without a sent stage at the server stage', () => {
    const sse = layout.rows[1];
    expect(sse?.marks.map((mark) => mark.stage)).toEqual(['server', 'written', 'page']);
    expect(sse?.marks[0]?.relMs).toBe(0);
  });

  it('clips a long-poll hold that began before the message to the axis start', () => {
    expect(layout.rows[2]?.wait).toMatchObject({
      kind: 'long-poll-hold',
      x0: ROW_LABEL_WIDTH,
      clipped: true,
    });
    const poll = layout.rows[3]?.wait;
    expect(poll).toMatchObject({ kind: 'poll-interval', clipped: false });
    expect(poll?.x0).toBeCloseTo(layout.axis.x(0), 9);
    expect(poll?.x1).toBeCloseTo(layout.axis.x(1500), 9);
  });

  it('has an axis that reaches the slowest page stage plus its uncertainty', () => {
    const last = layout.rows[3]?.marks.at(-1);
    expect(last?.stage).toBe('page');
    expect(last?.whisker?.[1]).toBeCloseTo(CHART_WIDTH - ROW_VALUE_WIDTH, 9);
  });
});

describe('layoutActivity', () => {
  it('puts one track per transport and labels time before now', () => {
    const activity = buildActivity(FIXTURE_EVENTS);
    if (!activity) throw new Error('no activity');
    const layout = layoutActivity(activity);
    expect(layout.tracks.map((track) => track.transport)).toEqual([
      'polling',
      'long-polling',
      'sse',
      'websocket',
    ]);
    expect(layout.x(activity.startMs)).toBe(ROW_LABEL_WIDTH);
    expect(layout.x(activity.endMs)).toBe(CHART_WIDTH - 12);
    expect(layout.ticks.every((tick) => tick.label.startsWith('−') || tick.label === 'now')).toBe(true);
  });
});

describe('layoutHistogram', () => {
  it('stacks transports inside each bar up to the count', () => {
    const layout = layoutHistogram(deliveryHistogram(rows), ['polling', 'long-polling', 'sse', 'websocket']);
    const first = layout.bars[0];
    expect(first?.total).toBe(3);
    expect(first?.segments.map((segment) => segment.transport)).toEqual(['long-polling', 'sse', 'websocket']);
    const heights = first?.segments.map((segment) => segment.height) ?? [];
    expect(new Set(heights.map((h) => h.toFixed(6))).size).toBe(1);
    expect(first?.segments.at(-1)?.y).toBeCloseTo(layout.baseline - heights.reduce((a, b) => a + b, 0), 9);
    expect(layout.yTicks.map((tick) => tick.label)).toEqual(['0', '1', '2', '3']);
    expect(layoutHistogram([], []).bars).toEqual([]);
  });
});

describe('layoutOverhead', () => {
  it('draws each transport as a full bar split into text, framing and empty units', () => {
    const layout = layoutOverhead(overheadReport(FIXTURE_EVENTS, FIXTURE_MESSAGES).byTransport);
    const ws = layout.rows.find((row) => row.transport === 'websocket');
    expect(ws?.totalBytes).toBe(26 + 294 + 675);
    const widths = ws?.segments.map((segment) => segment.width) ?? [];
    expect(widths.reduce((a, b) => a + b, 0)).toBeCloseTo(CHART_WIDTH - 12 - ROW_LABEL_WIDTH, 9);
    expect(ws?.segments[1]?.x).toBeCloseTo((ws?.segments[0]?.x ?? 0) + (widths[0] ?? 0), 9);
    expect(layout.rows).toHaveLength(5);
  });
});

describe('a narrower chart (the presenter theme draws the same box larger)', () => {
  const width = MIN_CHART_WIDTH;

  it('keeps the row labels and values, and fits the plot and every mark between them', () => {
    for (const kind of ['log', 'linear'] as const) {
      const layout = layoutTimeline(rows, FIXTURE_CLOCK.uncertaintyMs, kind, width);
      expect(layout.width).toBe(width);
      expect([layout.axis.x0, layout.axis.x1]).toEqual([ROW_LABEL_WIDTH, width - ROW_VALUE_WIDTH]);
      for (const tick of layout.axis.ticks) expect(tick.x).toBeLessThanOrEqual(layout.axis.x1 + 1e-9);
      const xs = layout.rows.flatMap((row) => row.marks.map((mark) => mark.x));
      expect(xs.length).toBeGreaterThan(0);
      for (const x of xs) {
        expect(x).toBeGreaterThanOrEqual(layout.axis.x0 - 1e-9);
        expect(x).toBeLessThanOrEqual(layout.axis.x1 + 1e-9);
      }
    }
  });

  it('ends the activity tracks, the histogram and the overhead bars at its right edge', () => {
    const activity = buildActivity(FIXTURE_EVENTS);
    if (!activity) throw new Error('no activity');
    expect(layoutActivity(activity, width).x(activity.endMs)).toBe(width - 12);
    const histogram = layoutHistogram(deliveryHistogram(rows), ['websocket', 'sse'], width);
    const lastBar = histogram.bars.at(-1);
    expect((lastBar?.x ?? 0) + (lastBar?.width ?? 0)).toBeLessThanOrEqual(histogram.right);
    expect(histogram.right).toBeLessThan(width);
    const overhead = layoutOverhead(overheadReport(FIXTURE_EVENTS, FIXTURE_MESSAGES).byTransport, width);
    for (const row of overhead.rows) {
      const last = row.segments.at(-1);
      expect((last?.x ?? 0) + (last?.width ?? 0)).toBeCloseTo(width - 12, 9);
    }
  });
});
