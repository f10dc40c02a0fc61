/**
 * The latency view: what the connections were doing, one row per message with its stages on one clock,
 * percentiles, a histogram and the overhead meter. Props in, SVG out; the geometry comes from layout.ts.
 */
import './latency.css';
import { ActivityStrip } from './ActivityStrip.tsx';
import type { Activity } from './activity.ts';
import { LatencyHistogram } from './LatencyHistogram.tsx';
import { formatBytes, TRANSPORT_NAMES } from './labels.ts';
import { type MessageLatency, STAGE_TEXT, STAGES, type Stage } from './latency.ts';
import {
  formatDurationMs,
  layoutTimeline,
  ROW_HEIGHT,
  type RowLayout,
  type TimeScaleKind,
} from './layout.ts';
import { OverheadMeter } from './OverheadMeter.tsx';
import type { MessageOverhead } from './overhead.ts';
import { PercentileTable } from './PercentileTable.tsx';
import type { LatencyReport } from './report.ts';
import { GridTicks, px, StageShape } from './svg-parts.tsx';

export interface LatencyTimelineProps {
  report: LatencyReport;
  scale: TimeScaleKind;
  highlightedSeq: number | null;
  /** Focus or hover on a row: the page highlights that message everywhere. */
  onHighlight?: (seq: number | null) => void;
  /**
   * The charts' width in their own units (their viewBox; each is drawn as wide as its box). Narrower than
   * CHART_WIDTH, the same box draws everything larger: the presenter theme's large type.
   */
  chartWidth?: number;
}

/** Names longer than this are cut in the row label (the row's accessible name has them whole). */
const MAX_LABEL_NAME_CHARS = 12;

function shortName(name: string): string {
  return name.length > MAX_LABEL_NAME_CHARS ? `${name.slice(0, MAX_LABEL_NAME_CHARS - 1)}…` : name;
}

function stageSummary(row: MessageLatency, layout: RowLayout, uncertaintyMs: number | null): string {
  const parts = layout.marks.map((mark) => {
    const u =
      (mark.stage === 'sent' || mark.stage === 'page') && uncertaintyMs !== null
        ? ` ± ${formatDurationMs(uncertaintyMs)}`
        : '';
    return `${STAGE_TEXT[mark.stage].label} ${mark.relMs === 0 ? 'at 0' : `+${formatDurationMs(mark.relMs)}`}${u}`;
  });
  const via = row.transport ? ` via ${TRANSPORT_NAMES[row.transport]}` : '';
  return `Message ${row.seq} from ${row.from}${via}: ${parts.join(', ') || 'no stages measured'}`;
}

function totalText(row: MessageLatency, uncertaintyMs: number | null): string {
  if (row.endToEndMs !== null) return formatDurationMs(row.endToEndMs);
  if (row.deliveryMs !== null)
    return `${formatDurationMs(row.deliveryMs)}${uncertaintyMs !== null ? ` ±${uncertaintyMs.toFixed(1)}` : ''}`;
  return '—';
}

function bytesText(overhead: MessageOverhead | undefined): string {
  if (!overhead || overhead.deliveryBytes === null) return '';
  return `${formatBytes(overhead.payloadBytes)} in ${formatBytes(overhead.deliveryBytes)}`;
}

const WAIT_TEXT = {
  'long-poll-hold': 'The long poll that carried it, held at the server until this message came',
  'poll-interval': 'Waiting at the server for the next poll to ask',
} as const;

function MessageRow({
  row,
  layout,
  overhead,
  uncertaintyMs,
  highlighted,
  onHighlight,
  width,
}: {
  row: MessageLatency;
  layout: RowLayout;
  overhead: MessageOverhead | undefined;
  uncertaintyMs: number | null;
  highlighted: boolean;
  onHighlight: ((seq: number | null) => void) | undefined;
  /** The chart's width in its own units. */
  width: number;
}) {
  const { y } = layout;
  const summary = stageSummary(row, layout, uncertaintyMs);
  return (
    // biome-ignore lint/a11y: an SVG group cannot be an <li>; the role makes it one
    <g
      className="latency-row"
      role="listitem"
      aria-label={summary}
      tabIndex={0}
      data-seq={row.seq}
      data-transport={row.transport ?? 'unknown'}
      data-highlighted={highlighted || undefined}
      onFocus={() => onHighlight?.(row.seq)}
      onMouseEnter={() => onHighlight?.(row.seq)}
    >
      <rect className="row-band" x={0} y={px(y - ROW_HEIGHT / 2)} width={width} height={ROW_HEIGHT} />
      <text className="row-label" x={6} y={px(y - 2)}>
        #{row.seq} {shortName(row.from)}
      </text>
      <text className="row-sub" x={6} y={px(y + 10)}>
        {row.transport ? TRANSPORT_NAMES[row.transport] : 'not captured'}
      </text>
      {layout.wait && (
        <rect
          className="wait-bar"
          data-wait={layout.wait.kind}
          x={px(layout.wait.x0)}
          y={px(y - 3)}
          width={px(Math.max(1, layout.wait.x1 - layout.wait.x0))}
          height={6}
        >
          <title>{WAIT_TEXT[layout.wait.kind]}</title>
        </rect>
      )}
      {layout.wait?.clipped && (
        <text className="wait-clipped" x={px(layout.wait.x0 - 2)} y={px(y + 3.5)} textAnchor="end">
          ◂
        </text>
      )}
      {layout.line && (
        <line className="stage-line" x1={px(layout.line[0])} x2={px(layout.line[1])} y1={y} y2={y} />
      )}
      {layout.marks.map((mark) => (
        <g key={mark.stage} className="stage" data-stage={mark.stage}>
          {mark.whisker && (
            <line className="whisker" x1={px(mark.whisker[0])} x2={px(mark.whisker[1])} y1={y} y2={y} />
          )}
          <StageShape stage={mark.stage} x={mark.x} y={y} />
          <title>{`${STAGE_TEXT[mark.stage].label}: ${mark.relMs === 0 ? '0 ms' : `+${formatDurationMs(mark.relMs)}`}`}</title>
        </g>
      ))}
      <text className="row-value" x={width - 6} y={px(y - 2)} textAnchor="end">
        {totalText(row, uncertaintyMs)}
      </text>
      <text className="row-sub" x={width - 6} y={px(y + 10)} textAnchor="end">
        {bytesText(overhead)}
      </text>
    </g>
  );
}

function StageLegend({ uncertaintyMs }: { uncertaintyMs: number | null }) {
  return (
    <ul className="stage-legend" aria-label="What the stages mean">
      {STAGES.map((stage: Stage) => (
        <li key={stage}>
          <svg width={14} height={14} viewBox="0 0 14 14" aria-hidden="true">
            <StageShape stage={stage} x={7} y={7} />
          </svg>
          <strong>{STAGE_TEXT[stage].label}</strong>: {STAGE_TEXT[stage].definition}
        </li>
      ))}
      <li>
        <svg width={14} height={14} viewBox="0 0 14 14" aria-hidden="true">
          <line className="whisker" x1={1} x2={13} y1={7} y2={7} />
        </svg>
        <strong>± {uncertaintyMs === null ? '?' : formatDurationMs(uncertaintyMs)}</strong>: page-clock stages
        may be off by half the best clock-sync round trip.
      </li>
    </ul>
  );
}

function MessageRows({ report, scale, highlightedSeq, onHighlight, chartWidth }: LatencyTimelineProps) {
  const uncertaintyMs = report.clock?.uncertaintyMs ?? null;
  const layout = layoutTimeline(report.rows, uncertaintyMs, scale, chartWidth);
  return (
    // biome-ignore lint/a11y: an SVG cannot be a <ul>; the role makes it a list
    <svg
      className="latency-rows"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      role="list"
      aria-label="Messages, stage by stage"
    >
      <svg className="axis" aria-hidden="true" overflow="visible">
        <GridTicks ticks={layout.axis.ticks} top={16} bottom={layout.height} />
        <text x={6} y={12}>
          message
        </text>
        <text x={layout.width - 6} y={12} textAnchor="end">
          first → last
        </text>
      </svg>
      {report.rows.map((row, index) => {
        const rowLayout = layout.rows[index];
        if (!rowLayout) return null;
        return (
          <MessageRow
            key={row.seq}
            row={row}
            layout={rowLayout}
            overhead={report.overhead.byMessage.get(row.seq)}
            uncertaintyMs={uncertaintyMs}
            highlighted={row.seq === highlightedSeq}
            onHighlight={onHighlight}
            width={layout.width}
          />
        );
      })}
    </svg>
  );
}

function ActivitySection({ activity, chartWidth }: { activity: Activity | null; chartWidth?: number }) {
  if (!activity || activity.tracks.length === 0) return null;
  return (
    <section className="latency-section" aria-labelledby="latency-activity-title">
      <h3 id="latency-activity-title">What the connections were doing</h3>
      <ActivityStrip activity={activity} chartWidth={chartWidth} />
    </section>
  );
}

export function LatencyTimeline(props: LatencyTimelineProps) {
  const { report } = props;
  return (
    <div className="latency-timeline">
      <section className="latency-section" aria-labelledby="latency-rows-title">
        <h3 id="latency-rows-title">
          Each message, from its first stage (
          {props.scale === 'log' ? 'log scale: each gridline is 10×' : 'linear scale'})
        </h3>
        {report.rows.length === 0 ? (
          <p className="hint">No chat messages yet: send one and its stages appear here.</p>
        ) : (
          <MessageRows {...props} />
        )}
        <StageLegend uncertaintyMs={report.clock?.uncertaintyMs ?? null} />
      </section>
      <ActivitySection activity={report.activity} chartWidth={props.chartWidth} />
      <section className="latency-section" aria-labelledby="latency-stats-title">
        <h3 id="latency-stats-title">Delivery latency: server received → on this page</h3>
        <PercentileTable
          percentiles={report.percentiles}
          uncertaintyMs={report.clock?.uncertaintyMs ?? null}
        />
        <LatencyHistogram bins={report.histogram} chartWidth={props.chartWidth} />
      </section>
      <section className="latency-section" aria-labelledby="latency-overhead-title">
        <h3 id="latency-overhead-title">Overhead: bytes on the wire beyond the chat text</h3>
        <OverheadMeter rows={report.overhead.byTransport} chartWidth={props.chartWidth} />
      </section>
    </div>
  );
}
