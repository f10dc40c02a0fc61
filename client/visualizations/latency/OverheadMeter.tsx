/** Bytes per transport split into chat text, framing and units that carried no message: each bar is 100%. */
import { formatBytes, formatPercent, TRANSPORT_NAMES } from './labels.ts';
import { CHART_WIDTH, layoutOverhead } from './layout.ts';
import { overheadShare, type TransportOverhead } from './overhead.ts';
import { FillPatterns, px } from './svg-parts.tsx';

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

function rowText(row: TransportOverhead): string {
  const share = overheadShare(row);
  return `${formatBytes(row.payloadBytes)} text · ${formatBytes(row.framingBytes)} framing · ${formatBytes(row.emptyBytes)} in ${row.emptyUnits} unit${row.emptyUnits === 1 ? '' : 's'} with no message${share === null ? '' : ` · ${formatPercent(share)} overhead`}`;
}

export function OverheadMeter({ rows }: { rows: readonly TransportOverhead[] }) {
  if (rows.length === 0) return <p className="hint">Nothing captured yet.</p>;
  const layout = layoutOverhead(rows);
  const legendY = layout.height + 12;
  return (
    <>
      {/* biome-ignore lint/a11y: an SVG cannot be a <ul>; the role makes it a list */}
      <svg
        className="overhead-meter"
        viewBox={`0 0 ${CHART_WIDTH} ${legendY + 6}`}
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
              <text className="row-sub" x={px(row.segments[0]?.x ?? 0)} y={row.y + 24}>
                {text}
              </text>
            </g>
          );
        })}
        <svg className="overhead-legend" aria-hidden="true" overflow="visible">
          <g transform={`translate(6 ${legendY})`}>
            <rect className="overhead-payload" x={0} y={-9} width={14} height={10} />
            <text x={18} y={0}>
              chat text
            </text>
            <rect
              className="overhead-framing"
              x={90}
              y={-9}
              width={14}
              height={10}
              fill={PART_FILL.framing}
            />
            <text x={108} y={0}>
              framing, headers, JSON around it
            </text>
            <rect className="overhead-empty" x={300} y={-9} width={14} height={10} fill={PART_FILL.empty} />
            <text x={318} y={0}>
              units that carried no message
            </text>
          </g>
        </svg>
      </svg>
      <p className="hint overhead-note">
        Payload is approximated as the UTF-8 length of the chat text; the rest of a unit that carried a
        message is framing. Polls that found nothing, heartbeats and handshakes carried no message: pure
        overhead.
      </p>
    </>
  );
}
