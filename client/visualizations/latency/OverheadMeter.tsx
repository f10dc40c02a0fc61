/** Bytes per transport split into chat text, framing and units that carried no message: each bar is 100%. */
import { formatBytes, formatPercent, TRANSPORT_NAMES } from './labels.ts';
import { CHART_WIDTH, layoutOverhead } from './layout.ts';
import { overheadShare, type TransportOverhead } from './overhead.ts';
import { ChartLegend, FillPatterns, type LegendItem, px } from './svg-parts.tsx';

const PATTERN_PREFIX = 'latency-overhead';

const PART_FILL = {
  payload: undefined,
  framing: `url(#${PATTERN_PREFIX}-hatch)`,
  empty: `url(#${PATTERN_PREFIX}-dots)`,
} as const;

const PART_TEXT = {
  payload: 'chat text',
  framing: 'framing and headers',
  empty: 'units with no message',
} as const;

const OVERHEAD_KEY: readonly LegendItem[] = [
  {
    key: 'payload',
    swatch: <rect className="overhead-payload" x={0} y={1} width={14} height={10} />,
    text: 'chat text',
  },
  {
    key: 'framing',
    swatch: <rect className="overhead-framing" x={0} y={1} width={14} height={10} fill={PART_FILL.framing} />,
    text: 'framing, headers, JSON around it',
  },
  {
    key: 'empty',
    swatch: <rect className="overhead-empty" x={0} y={1} width={14} height={10} fill={PART_FILL.empty} />,
    text: 'units that carried no message',
  },
];

/**
 * A row's bytes in words. `withEmpty: false` leaves out the units with no message, for a chart laid out
 * narrower than CHART_WIDTH (the presenter theme); the row's tooltip and accessible label have them.
 */
function rowText(row: TransportOverhead, { withEmpty = true }: { withEmpty?: boolean } = {}): string {
  const share = overheadShare(row);
  const empty = withEmpty
    ? ` · ${formatBytes(row.emptyBytes)} in ${row.emptyUnits} unit${row.emptyUnits === 1 ? '' : 's'} with no message`
    : '';
  return `${formatBytes(row.payloadBytes)} text · ${formatBytes(row.framingBytes)} framing${empty}${share === null ? '' : ` · ${formatPercent(share)} overhead`}`;
}

export function OverheadMeter({
  rows,
  chartWidth,
}: {
  rows: readonly TransportOverhead[];
  chartWidth?: number;
}) {
  if (rows.length === 0) return <p className="hint">Nothing captured yet.</p>;
  const layout = layoutOverhead(rows, chartWidth);
  const isNarrow = layout.width < CHART_WIDTH;
  return (
    <>
      {/* biome-ignore lint/a11y: an SVG cannot be a <ul>; the role makes it a list */}
      <svg
        className="overhead-meter"
        viewBox={`0 0 ${layout.width} ${layout.height + 4}`}
        role="list"
        aria-label="Overhead per transport, cumulative"
      >
        <FillPatterns prefix={PATTERN_PREFIX} />
        {layout.rows.map((row, index) => {
          const source = rows[index];
          if (!source) return null;
          const text = rowText(source);
          return (
            // biome-ignore lint/a11y: an SVG group cannot be an <li>; the role makes it one
            <g
              key={row.transport}
              className="overhead-row"
              role="listitem"
              aria-label={`${TRANSPORT_NAMES[source.transport]}: ${text}`}
              data-transport={row.transport}
            >
              <text className="row-label" x={6} y={row.y + 10}>
                {TRANSPORT_NAMES[source.transport]}
              </text>
              {row.segments.map((segment) =>
                segment.width > 0 ? (
                  <rect
                    key={segment.part}
                    className={`overhead-${segment.part}`}
                    x={px(segment.x)}
                    y={row.y}
                    width={px(segment.width)}
                    height={12}
                    fill={PART_FILL[segment.part]}
                  >
                    <title>{`${PART_TEXT[segment.part]}: ${formatBytes(segment.bytes)}`}</title>
                  </rect>
                ) : null,
              )}
              <text className="row-sub" x={isNarrow ? 6 : px(row.segments[0]?.x ?? 0)} y={row.y + 24}>
                {isNarrow ? rowText(source, { withEmpty: false }) : text}
                {isNarrow && <title>{text}</title>}
              </text>
            </g>
          );
        })}
      </svg>
      <ChartLegend className="overhead-legend" items={OVERHEAD_KEY} />
      <p className="hint overhead-note">
        Payload is approximated as the UTF-8 length of the chat text; the rest of a unit that carried a
        message is framing. Polls that found nothing, heartbeats and handshakes carried no message: pure
        overhead.
      </p>
    </>
  );
}
