/** How delivery latencies spread, stacked by transport; each transport has its own fill pattern. */
import type { TransportKind } from '../../../protocol/messages.ts';
import { TRANSPORT_NAMES } from './labels.ts';
import type { HistogramBin } from './latency.ts';
import { HISTOGRAM_HEIGHT, layoutHistogram } from './layout.ts';
import { ChartLegend, FillPatterns, px } from './svg-parts.tsx';
import { DELIVERY_TRANSPORTS } from './wire-match.ts';

const PATTERN_PREFIX = 'latency-histogram';

/** Colour plus a pattern per transport: the legend names them, so colour is never the only clue. */
const TRANSPORT_FILL: Readonly<Record<TransportKind, string | undefined>> = {
  polling: `url(#${PATTERN_PREFIX}-hatch)`,
  'long-polling': `url(#${PATTERN_PREFIX}-rows)`,
  sse: `url(#${PATTERN_PREFIX}-dots)`,
  websocket: undefined,
};

function barTitle(label: string, counts: Readonly<Record<TransportKind, number>>, total: number): string {
  const parts = DELIVERY_TRANSPORTS.filter((t) => counts[t] > 0).map(
    (t) => `${counts[t]} ${TRANSPORT_NAMES[t]}`,
  );
  return `${label}: ${total} message${total === 1 ? '' : 's'} (${parts.join(', ')})`;
}

export function LatencyHistogram({
  bins,
  chartWidth,
}: {
  bins: readonly HistogramBin[];
  chartWidth?: number;
}) {
  if (bins.length === 0) return null;
  const layout = layoutHistogram(bins, DELIVERY_TRANSPORTS, chartWidth);
  const present = DELIVERY_TRANSPORTS.filter((t) => bins.some((b) => b.counts[t] > 0));
  return (
    <>
      <svg
        className="latency-histogram"
        viewBox={`0 0 ${layout.width} ${HISTOGRAM_HEIGHT}`}
        role="img"
        aria-label={`Histogram of delivery latency: ${layout.bars
          .flatMap((bar, index) => {
            const counts = bins[index]?.counts;
            return bar.total > 0 && counts ? [barTitle(bar.label, counts, bar.total)] : [];
          })
          .join('; ')}`}
      >
        <FillPatterns prefix={PATTERN_PREFIX} />
        <g className="axis">
          {layout.yTicks.map((tick) => (
            <g key={tick.label}>
              <line className="grid" x1={layout.left} x2={layout.right} y1={px(tick.y)} y2={px(tick.y)} />
              <text x={layout.left - 6} y={px(tick.y + 3.5)} textAnchor="end">
                {tick.label}
              </text>
            </g>
          ))}
          {layout.xTicks.map((tick) => (
            <text key={tick.label} x={px(tick.x)} y={layout.baseline + 14} textAnchor="middle">
              {tick.label}
            </text>
          ))}
          <text x={layout.left - 6} y={8} textAnchor="end">
            msgs
          </text>
        </g>
        {layout.bars.map((bar, index) => (
          <g key={bar.x} className="histogram-bar">
            {bar.segments.map((segment) => (
              <rect
                key={segment.transport}
                className="histogram-segment"
                data-transport={segment.transport}
                x={px(bar.x)}
                y={px(segment.y)}
                width={px(bar.width)}
                height={px(segment.height)}
                fill={TRANSPORT_FILL[segment.transport]}
              />
            ))}
            <title>{barTitle(bar.label, bins[index]?.counts ?? ZERO, bar.total)}</title>
          </g>
        ))}
      </svg>
      <ChartLegend
        className="histogram-legend"
        items={present.map((transport) => ({
          key: transport,
          swatch: (
            <rect
              className="histogram-segment"
              data-transport={transport}
              x={0}
              y={1}
              width={14}
              height={10}
              fill={TRANSPORT_FILL[transport]}
            />
          ),
          text: TRANSPORT_NAMES[transport],
        }))}
      />
    </>
  );
}

const ZERO: Readonly<Record<TransportKind, number>> = { polling: 0, 'long-polling': 0, sse: 0, websocket: 0 };
