/**
 * Four lanes on one clock (ms after the one POST left, on this page's clock): when each transport handed
 * the message over, the requests that carried it, and the server's commit. Props in, SVG out.
 */
import '../latency/latency.css';
import './race.css';
import { TRANSPORT_NAMES } from '../latency/labels.ts';
import { formatDurationMs, type TimeScaleKind } from '../latency/layout.ts';
import { GridTicks, px } from '../latency/svg-parts.tsx';
import { LANE_HEIGHT, layoutRace, placeText, type Race, type RaceLane } from './race.ts';

export interface RaceLanesProps {
  race: Race;
  scale: TimeScaleKind;
  /**
   * The chart's width in its own units (its viewBox; it is drawn as wide as its box). Narrower than
   * RACE_WIDTH, the same box draws everything larger: the presenter theme's large type.
   */
  chartWidth?: number;
}

function laneSummary(lane: RaceLane): string {
  const name = TRANSPORT_NAMES[lane.transport];
  if (lane.arrivalMs === null || lane.place === null) return `${name}: no arrival. ${lane.why}`;
  return `${name}: ${placeText(lane.place)}, arrived +${formatDurationMs(lane.arrivalMs)} after the send. ${lane.why}`;
}

/** Arrival marks differ by place as well as by colour: the winner's is a star-like flag. */
function ArrivalMark({ x, y, place }: { x: number; y: number; place: number }) {
  if (place === 1)
    return (
      <path
        className="arrival-mark"
        data-place={place}
        d={`M${px(x)} ${px(y - 8)}L${px(x + 7)} ${px(y)}L${px(x)} ${px(y + 8)}L${px(x - 7)} ${px(y)}Z`}
      />
    );
  return <circle className="arrival-mark" data-place={place} cx={px(x)} cy={px(y)} r={5.5} />;
}

export function RaceLanes({ race, scale, chartWidth }: RaceLanesProps) {
  const layout = layoutRace(race, scale, chartWidth);
  const top = 16;
  return (
    <figure className="race-view">
      {/* biome-ignore lint/a11y: an SVG cannot be a <ul>; the role makes it a list */}
      <svg
        className="race-lanes"
        viewBox={`0 0 ${layout.width} ${layout.height + 4}`}
        role="list"
        aria-label="Race lanes: when each transport delivered the message"
      >
        <svg className="axis" aria-hidden="true" overflow="visible">
          <GridTicks ticks={layout.axis.ticks} top={top} bottom={layout.height} />
          <text x={6} y={12}>
            after the send
          </text>
        </svg>
        {layout.commit && (
          <g className="race-commit">
            <rect
              className="commit-band"
              x={px(layout.commit.x0)}
              y={top}
              width={px(Math.max(1, layout.commit.x1 - layout.commit.x0))}
              height={layout.height - top}
            />
            <line
              className="commit-line"
              x1={px(layout.commit.x)}
              x2={px(layout.commit.x)}
              y1={top}
              y2={layout.height}
            />
            <title>
              {`Stored by the server at +${formatDurationMs(race.commitMs ?? 0)}${race.uncertaintyMs === null ? '' : ` ± ${formatDurationMs(race.uncertaintyMs)}`}`}
            </title>
          </g>
        )}
        <line className="send-line" x1={px(layout.sendX)} x2={px(layout.sendX)} y1={top} y2={layout.height} />
        {race.lanes.map((lane, index) => {
          const laneLayout = layout.lanes[index];
          if (!laneLayout) return null;
          const { y } = laneLayout;
          return (
            // biome-ignore lint/a11y: an SVG group cannot be an <li>; the role makes it one
            <g
              key={lane.transport}
              className="race-lane"
              role="listitem"
              aria-label={laneSummary(lane)}
              data-transport={lane.transport}
              data-place={lane.place ?? undefined}
            >
              <rect
                className="lane-band"
                x={0}
                y={px(y - LANE_HEIGHT / 2)}
                width={layout.width}
                height={LANE_HEIGHT}
              />
              <text className="row-label" x={6} y={y + 4}>
                {TRANSPORT_NAMES[lane.transport]}
              </text>
              <line className="lane-line" x1={layout.axis.x0} x2={layout.axis.x1} y1={y} y2={y} />
              {laneLayout.requests.map((request) => (
                <rect
                  key={`${request.x0}-${request.x1}`}
                  className="lane-request"
                  data-carrier={request.isCarrier || undefined}
                  x={px(request.x0)}
                  y={y - 5}
                  width={px(Math.max(1.5, request.x1 - request.x0))}
                  height={10}
                >
                  <title>
                    {request.isCarrier ? 'the request whose answer carried the message' : 'a request'}
                  </title>
                </rect>
              ))}
              {laneLayout.nextX !== null && (
                <line
                  className="lane-next"
                  x1={px(laneLayout.nextX)}
                  x2={px(laneLayout.nextX)}
                  y1={y - 9}
                  y2={y + 9}
                >
                  <title>
                    {lane.transport === 'long-polling'
                      ? 're-armed: the next held request'
                      : 'the next request'}
                  </title>
                </line>
              )}
              {laneLayout.arrivalX !== null && lane.place !== null && lane.arrivalMs !== null && (
                <>
                  <ArrivalMark x={laneLayout.arrivalX} y={y} place={lane.place} />
                  <text className="arrival-time" x={layout.width - 6} y={y - 2} textAnchor="end">
                    +{formatDurationMs(lane.arrivalMs)}
                  </text>
                  <text className="row-sub" x={layout.width - 6} y={y + 11} textAnchor="end">
                    {lane.place === 1
                      ? '1st: first'
                      : `${placeText(lane.place)}, +${formatDurationMs(lane.behindMs ?? 0)}`}
                  </text>
                </>
              )}
              {lane.arrivalMs === null && (
                <text className="row-sub" x={layout.width - 6} y={y + 4} textAnchor="end">
                  no arrival yet
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ol className="race-why">
          {[...race.lanes]
            .sort((a, b) => (a.place ?? 99) - (b.place ?? 99))
            .map((lane) => (
              <li key={lane.transport} data-transport={lane.transport}>
                <strong>
                  {lane.place === null ? '—' : placeText(lane.place)} {TRANSPORT_NAMES[lane.transport]}
                </strong>
                {lane.arrivalMs === null ? '' : ` +${formatDurationMs(lane.arrivalMs)}`}: {lane.why}
              </li>
            ))}
        </ol>
      </figcaption>
    </figure>
  );
}
