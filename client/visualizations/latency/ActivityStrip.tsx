/** Each delivery transport's connections over the last minute: holds, polls, heartbeats, deliveries, gaps. */
import type { Activity, ActivityPoint, ActivitySpan } from './activity.ts';
import { TRANSPORT_NAMES } from './labels.ts';
import { formatDurationMs, layoutActivity } from './layout.ts';
import { ChartLegend, FillPatterns, GridTicks, type LegendItem, px } from './svg-parts.tsx';

const PATTERN_PREFIX = 'latency-activity';

const SPAN_TEXT: Readonly<Record<ActivitySpan['kind'], string>> = {
  hold: 'a long poll held at the server',
  gap: 'no connection open',
};

const POINT_TEXT: Readonly<Record<ActivityPoint['kind'], string>> = {
  poll: 'a poll asked',
  heartbeat: 'a heartbeat',
  delivery: 'a message written',
};

const ACTIVITY_KEY: readonly LegendItem[] = [
  {
    key: 'hold',
    swatch: <rect className="activity-hold" x={0} y={1.5} width={14} height={9} />,
    text: 'long poll held',
  },
  {
    key: 'gap',
    swatch: (
      <rect
        className="activity-gap"
        x={0}
        y={1.5}
        width={14}
        height={9}
        fill={`url(#${PATTERN_PREFIX}-hatch)`}
      />
    ),
    text: 'no connection',
  },
  { key: 'poll', swatch: <line className="activity-poll" x1={7} x2={7} y1={0.5} y2={11.5} />, text: 'poll' },
  {
    key: 'heartbeat',
    swatch: <path className="activity-heartbeat" d="M7 2.5l3.5 3.5l-3.5 3.5l-3.5 -3.5Z" />,
    text: 'heartbeat',
  },
  {
    key: 'delivery',
    swatch: <circle className="activity-delivery" cx={7} cy={6} r={3.5} />,
    text: 'message written',
  },
];

function Point({ point, x, y }: { point: ActivityPoint; x: number; y: number }) {
  const title = `${POINT_TEXT[point.kind]}${point.seqs.length > 0 ? ` (#${point.seqs.join(', #')})` : ''}`;
  switch (point.kind) {
    case 'poll':
      return (
        <line className="activity-poll" x1={px(x)} x2={px(x)} y1={y - 8} y2={y + 8}>
          <title>{title}</title>
        </line>
      );
    case 'heartbeat':
      return (
        <path className="activity-heartbeat" d={`M${px(x)} ${y - 9}l3 3l-3 3l-3 -3Z`}>
          <title>{title}</title>
        </path>
      );
    case 'delivery':
      return (
        <circle className="activity-delivery" cx={px(x)} cy={y} r={3.5}>
          <title>{title}</title>
        </circle>
      );
  }
}

/** `chartWidth`: the chart's width in its own units (see LatencyTimelineProps). */
export function ActivityStrip({ activity, chartWidth }: { activity: Activity; chartWidth?: number }) {
  const layout = layoutActivity(activity, chartWidth);
  return (
    <>
      <svg
        className="activity-strip"
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="img"
        aria-label={`Connection activity over the last ${formatDurationMs(activity.endMs - activity.startMs)}, on the server clock`}
      >
        <FillPatterns prefix={PATTERN_PREFIX} />
        <g className="axis">
          <GridTicks ticks={layout.ticks} top={16} bottom={layout.height} />
        </g>
        {activity.tracks.map((track, index) => {
          const y = layout.tracks[index]?.y ?? 0;
          return (
            <g key={track.transport} className="activity-track" data-transport={track.transport}>
              <text className="row-label" x={6} y={y + 4}>
                {TRANSPORT_NAMES[track.transport]}
              </text>
              <line
                className="track-line"
                x1={layout.x(activity.startMs)}
                x2={layout.width - 12}
                y1={y}
                y2={y}
              />
              {track.spans.map((span) => {
                const x0 = Math.max(layout.x(activity.startMs), layout.x(span.startMs));
                const x1 = layout.x(span.endMs);
                return (
                  <rect
                    key={`${span.kind}-${span.startMs}`}
                    className={`activity-${span.kind}`}
                    data-open={span.open || undefined}
                    x={px(x0)}
                    y={y - 5}
                    width={px(Math.max(1.5, x1 - x0))}
                    height={10}
                    fill={span.kind === 'gap' ? `url(#${PATTERN_PREFIX}-hatch)` : undefined}
                  >
                    <title>{`${SPAN_TEXT[span.kind]} for ${formatDurationMs(span.endMs - span.startMs)}${span.open ? ', still' : ''}`}</title>
                  </rect>
                );
              })}
              {track.points.map((point) => (
                <Point key={`${point.kind}-${point.atMs}`} point={point} x={layout.x(point.atMs)} y={y} />
              ))}
            </g>
          );
        })}
      </svg>
      <ChartLegend className="activity-legend" items={ACTIVITY_KEY} />
    </>
  );
}
