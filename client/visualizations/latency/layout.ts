/**
 * Geometry for the latency views: d3 scales and plain numbers, no DOM. The components only draw what
 * these functions return, so layout is tested without rendering.
 */
import { scaleLinear, scaleSymlog } from 'd3-scale';
import type { TransportKind } from '../../../protocol/messages.ts';
import type { Activity } from './activity.ts';
import { type HistogramBin, type MessageLatency, STAGES, type Stage } from './latency.ts';
import type { TransportOverhead } from './overhead.ts';

/** The SVGs are drawn in this coordinate width and scale to their container (narrower: see MIN_CHART_WIDTH). */
export const CHART_WIDTH = 560;
export const ROW_LABEL_WIDTH = 132;
export const ROW_VALUE_WIDTH = 90;
/** The narrowest width the charts are laid out at: the row labels, the values, and 160 units of plot. */
export const MIN_CHART_WIDTH = ROW_LABEL_WIDTH + ROW_VALUE_WIDTH + 160;
export const ROW_HEIGHT = 30;
export const AXIS_HEIGHT = 24;

export type TimeScaleKind = 'log' | 'linear';

export interface AxisTick {
  x: number;
  label: string;
}

export interface TimeAxis {
  /** ms → x. */
  x: (ms: number) => number;
  ticks: AxisTick[];
  x0: number;
  x1: number;
}

export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0 ms';
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (abs >= 10_000) return `${sign}${(abs / 1000).toFixed(0)} s`;
  if (abs >= 1000) return `${sign}${(abs / 1000).toFixed(1)} s`;
  if (abs >= 10) return `${sign}${abs.toFixed(0)} ms`;
  if (abs >= 1) return `${sign}${abs.toFixed(1)} ms`;
  return `${sign}${abs.toFixed(2)} ms`;
}

/** Tick labels closer than this would overlap; the ones further from zero give way. */
export const MIN_TICK_SPACING_PX = 44;

/** Powers of ten (and their negatives) inside the domain: the gridlines of a log-like axis. */
function decadeTicks(min: number, max: number): number[] {
  const ticks = [0];
  for (let decade = 1; decade <= 1e6; decade *= 10) {
    if (decade <= max) ticks.push(decade);
    if (-decade >= min) ticks.unshift(-decade);
  }
  return ticks;
}

/** Keeps zero, then walks outwards each way, dropping ticks too close to the last one kept. */
function spreadTicks(ticks: readonly number[], x: (ms: number) => number): number[] {
  const kept = [0];
  for (const side of [ticks.filter((t) => t > 0), ticks.filter((t) => t < 0).reverse()]) {
    let lastX = x(0);
    for (const tick of side) {
      if (Math.abs(x(tick) - lastX) < MIN_TICK_SPACING_PX) continue;
      kept.push(tick);
      lastX = x(tick);
    }
  }
  return kept.sort((a, b) => a - b);
}

/**
 * Time after the first stage, in ms, across [x0, x1]. `log` is d3's symlog (linear near zero, logarithmic
 * beyond 1 ms), so a 0.3 ms WebSocket push and a 2 s poll wait both get room; `linear` shows true proportions.
 */
export function timeAxis(
  minMs: number,
  maxMs: number,
  x0: number,
  x1: number,
  kind: TimeScaleKind,
): TimeAxis {
  const lo = Math.min(0, minMs);
  const hi = Math.max(lo + 1, maxMs);
  if (kind === 'log') {
    const scale = scaleSymlog().constant(1).domain([lo, hi]).range([x0, x1]);
    return {
      x: (ms) => scale(ms),
      ticks: spreadTicks(decadeTicks(lo, hi), scale).map((ms) => ({
        x: scale(ms),
        label: formatDurationMs(ms),
      })),
      x0,
      x1,
    };
  }
  const scale = scaleLinear().domain([lo, hi]).range([x0, x1]).nice(4);
  return {
    x: (ms) => scale(ms),
    ticks: scale.ticks(4).map((ms) => ({ x: scale(ms), label: formatDurationMs(ms) })),
    x0,
    x1,
  };
}

export interface StageMark {
  stage: Stage;
  /** ms after the row's origin (its sent stage, or its server stage when the sent time is unknown). */
  relMs: number;
  x: number;
  /** The clock offset's uncertainty around page-clock stages, in x. */
  whisker: [number, number] | null;
}

export interface RowLayout {
  seq: number;
  y: number;
  marks: StageMark[];
  wait: { kind: 'long-poll-hold' | 'poll-interval'; x0: number; x1: number; clipped: boolean } | null;
  /** The span from the first to the last mark. */
  line: [number, number] | null;
}

export interface TimelineLayout {
  axis: TimeAxis;
  rows: RowLayout[];
  /** The chart's width in its own units (the viewBox's). */
  width: number;
  height: number;
}

/** Stages measured on the page clock carry the offset's uncertainty; server stages do not. */
const PAGE_CLOCK_STAGES: ReadonlySet<Stage> = new Set<Stage>(['sent', 'page']);

function originOf(row: MessageLatency): number | null {
  return row.stages.sent ?? row.stages.server;
}

/** One row per message, all stages relative to the row's first stage on one shared time axis. */
export function layoutTimeline(
  rows: readonly MessageLatency[],
  uncertaintyMs: number | null,
  kind: TimeScaleKind,
  width = CHART_WIDTH,
): TimelineLayout {
  let minMs = 0;
  let maxMs = 1;
  for (const row of rows) {
    const origin = originOf(row);
    if (origin === null) continue;
    for (const stage of STAGES) {
      const at = row.stages[stage];
      if (at === null) continue;
      const slack = PAGE_CLOCK_STAGES.has(stage) ? (uncertaintyMs ?? 0) : 0;
      minMs = Math.min(minMs, at - origin - slack);
      maxMs = Math.max(maxMs, at - origin + slack);
    }
  }
  const axis = timeAxis(minMs, maxMs, ROW_LABEL_WIDTH, width - ROW_VALUE_WIDTH, kind);
  const layoutRows = rows.map((row, index): RowLayout => {
    const y = AXIS_HEIGHT + index * ROW_HEIGHT + ROW_HEIGHT / 2;
    const origin = originOf(row);
    if (origin === null) return { seq: row.seq, y, marks: [], wait: null, line: null };
    const marks = STAGES.flatMap((stage): StageMark[] => {
      const at = row.stages[stage];
      if (at === null) return [];
      const relMs = at - origin;
      // Placed through the clock offset: against the server's stages they may be off by this much.
      const whisker =
        PAGE_CLOCK_STAGES.has(stage) && uncertaintyMs !== null && uncertaintyMs > 0
          ? ([axis.x(relMs - uncertaintyMs), axis.x(relMs + uncertaintyMs)] as [number, number])
          : null;
      return [{ stage, relMs, x: axis.x(relMs), whisker }];
    });
    const xs = marks.map((mark) => mark.x);
    const wait = row.wait
      ? {
          kind: row.wait.kind,
          x0: Math.max(axis.x0, axis.x(row.wait.startMs - origin)),
          x1: axis.x(row.wait.endMs - origin),
          clipped: axis.x(row.wait.startMs - origin) < axis.x0,
        }
      : null;
    return {
      seq: row.seq,
      y,
      marks,
      wait,
      line: xs.length > 1 ? [Math.min(...xs), Math.max(...xs)] : null,
    };
  });
  return { axis, rows: layoutRows, width, height: AXIS_HEIGHT + rows.length * ROW_HEIGHT + 6 };
}

// ---- Activity strip ---------------------------------------------------------------------------

export const TRACK_HEIGHT = 26;

export interface ActivityLayout {
  x: (ms: number) => number;
  ticks: AxisTick[];
  tracks: Array<{ transport: TransportKind; y: number }>;
  width: number;
  height: number;
}

/** Absolute server time, labelled in seconds before the newest event. */
export function layoutActivity(activity: Activity, width = CHART_WIDTH): ActivityLayout {
  const scale = scaleLinear()
    .domain([activity.startMs, Math.max(activity.endMs, activity.startMs + 1)])
    .range([ROW_LABEL_WIDTH, width - 12]);
  const ticks = scale.ticks(5).map((ms) => ({
    x: scale(ms),
    label: ms === activity.endMs ? 'now' : `${formatDurationMs(ms - activity.endMs)}`,
  }));
  return {
    x: (ms) => scale(ms),
    ticks,
    tracks: activity.tracks.map((track, index) => ({
      transport: track.transport,
      y: AXIS_HEIGHT + index * TRACK_HEIGHT + TRACK_HEIGHT / 2,
    })),
    width,
    height: AXIS_HEIGHT + activity.tracks.length * TRACK_HEIGHT + 6,
  };
}

// ---- Histogram --------------------------------------------------------------------------------

export const HISTOGRAM_HEIGHT = 150;
// The top leaves room for the axis title ("msgs") above the highest count.
const HISTOGRAM_MARGIN = { top: 22, right: 12, bottom: 28, left: 40 };

export interface HistogramLayout {
  bars: Array<{
    x: number;
    width: number;
    segments: Array<{ transport: TransportKind; y: number; height: number }>;
    total: number;
    label: string;
  }>;
  xTicks: AxisTick[];
  yTicks: Array<{ y: number; label: string }>;
  baseline: number;
  left: number;
  right: number;
  width: number;
}

export function layoutHistogram(
  bins: readonly HistogramBin[],
  order: readonly TransportKind[],
  width = CHART_WIDTH,
): HistogramLayout {
  const first = bins[0];
  const last = bins.at(-1);
  const left = HISTOGRAM_MARGIN.left;
  const right = width - HISTOGRAM_MARGIN.right;
  const baseline = HISTOGRAM_HEIGHT - HISTOGRAM_MARGIN.bottom;
  if (!first || !last) return { bars: [], xTicks: [], yTicks: [], baseline, left, right, width };
  const x = scaleLinear()
    .domain([first.x0, Math.max(last.x1, first.x0 + 1)])
    .range([left, right]);
  const maxCount = Math.max(1, ...bins.map((b) => b.total));
  const y = scaleLinear().domain([0, maxCount]).range([baseline, HISTOGRAM_MARGIN.top]).nice();
  const bars = bins.map((b) => {
    let top = baseline;
    const segments = order.flatMap((transport) => {
      const count = b.counts[transport];
      if (count === 0) return [];
      const height = baseline - y(count);
      top -= height;
      return [{ transport, y: top, height }];
    });
    const x0 = x(b.x0);
    const width = Math.max(1, x(Math.max(b.x1, b.x0 + 1e-9)) - x0 - 1);
    return {
      x: x0,
      width,
      segments,
      total: b.total,
      label: `${formatDurationMs(b.x0)} to ${formatDurationMs(b.x1)}`,
    };
  });
  return {
    bars,
    xTicks: x.ticks(5).map((ms) => ({ x: x(ms), label: formatDurationMs(ms) })),
    yTicks: y
      .ticks(Math.min(4, maxCount))
      .filter(Number.isInteger)
      .map((count) => ({ y: y(count), label: String(count) })),
    baseline,
    left,
    right,
    width,
  };
}

// ---- Overhead meter ---------------------------------------------------------------------------

export const METER_ROW_HEIGHT = 34;

export interface MeterRow {
  transport: string;
  y: number;
  /** Widths of payload, framing and empty-unit bytes, together the full bar (each transport is 100%). */
  segments: Array<{ part: 'payload' | 'framing' | 'empty'; x: number; width: number; bytes: number }>;
  totalBytes: number;
}

export function layoutOverhead(
  rows: readonly TransportOverhead[],
  width = CHART_WIDTH,
): { rows: MeterRow[]; width: number; height: number } {
  const x0 = ROW_LABEL_WIDTH;
  const x1 = width - 12;
  const meterRows = rows.map((row, index) => {
    const parts = [
      { part: 'payload' as const, bytes: row.payloadBytes },
      { part: 'framing' as const, bytes: row.framingBytes },
      { part: 'empty' as const, bytes: row.emptyBytes },
    ];
    const totalBytes = parts.reduce((sum, part) => sum + part.bytes, 0);
    const scale = scaleLinear()
      .domain([0, Math.max(1, totalBytes)])
      .range([x0, x1]);
    let at = 0;
    const segments = parts.map((part) => {
      const segment = {
        part: part.part,
        x: scale(at),
        width: scale(at + part.bytes) - scale(at),
        bytes: part.bytes,
      };
      at += part.bytes;
      return segment;
    });
    return { transport: row.transport, y: 8 + index * METER_ROW_HEIGHT, segments, totalBytes };
  });
  return { rows: meterRows, width, height: 8 + rows.length * METER_ROW_HEIGHT };
}
