import { memo, useMemo } from 'react';
import { WIRE_UNITS, type WireEvent } from '../../protocol/inspect.ts';
import { useWirelab } from '../store/index.ts';
import { clockLine, DIRECTION_TEXT, eventDetail, formatRelativeMs } from './wire-format.ts';

/** Rows in the live table; the full ring stays in the store for the visualizer that replaces this. */
export const WIRE_TABLE_ROWS = 50;

function InspectorStatus() {
  const joined = useWirelab((state) => state.joined);
  const status = useWirelab((state) => state.inspectorStatus);
  const error = useWirelab((state) => state.inspectorError);
  const limits = useWirelab((state) => state.wireLimits);
  if (!joined && status === 'closed')
    return <p className="hint">Join a room to watch what crosses the wire.</p>;
  const text =
    status === 'open'
      ? 'Watching the wire: every unit below was decoded from bytes the server saw.'
      : status === 'closed'
        ? `The inspector is closed${error ? ` (${error})` : ''}.`
        : status === 'reconnecting'
          ? `The inspector is reconnecting${error ? ` (${error})` : ''}.`
          : 'Connecting the inspector…';
  return (
    <p className="hint inspector-status" data-status={status}>
      {text}
      {limits &&
        ` The server keeps the last ${limits.maxEventsPerClient} events of this tab and up to ${limits.maxUnitBytes} bytes of each unit.`}
    </p>
  );
}

function ClockLine() {
  const clock = useWirelab((state) => state.clock);
  return (
    <p className="clock-line" data-offset-ms={clock?.offsetMs} data-uncertainty-ms={clock?.uncertaintyMs}>
      {clockLine(clock)}
    </p>
  );
}

function UnitCounts() {
  const counts = useWirelab((state) => state.wireUnitCounts);
  const seen = WIRE_UNITS.filter((unit) => counts[unit] > 0);
  if (seen.length === 0) return <p className="hint">Nothing captured yet.</p>;
  return (
    <ul className="unit-counts" aria-label="Captured units by type">
      {seen.map((unit) => (
        <li key={unit} data-unit={unit}>
          <span className="unit-name">{unit}</span> <span className="unit-count">{counts[unit]}</span>
        </li>
      ))}
    </ul>
  );
}

// Every value reaches the DOM as a React text child: decoded paths and errors are never parsed as HTML.
const WireRow = memo(function WireRow({ event, startMs }: { event: WireEvent; startMs: number }) {
  return (
    <tr
      data-unit={event.unit}
      data-dir={event.dir}
      data-transport={event.transport}
      data-path={event.path}
      // Space-separated, so a selector can match one seq with [data-seqs~="12"].
      data-seqs={event.messageSeqs.join(' ')}
    >
      <td className="num">{formatRelativeMs(event.atMs - startMs)}</td>
      <td className="dir">{DIRECTION_TEXT[event.dir]}</td>
      <td>{event.unit}</td>
      <td>{event.transport}</td>
      <td className="detail">{eventDetail(event)}</td>
      <td className="num">{event.byteLength}</td>
      <td className="num">{event.messageSeqs.join(', ')}</td>
    </tr>
  );
});

function WireTable() {
  const events = useWirelab((state) => state.wireEvents);
  const startMs = useWirelab((state) => state.wireStartMs);
  // The store changes this array at most once per animation frame, so this runs at most that often.
  const recent = useMemo(() => events.slice(-WIRE_TABLE_ROWS).reverse(), [events]);
  if (recent.length === 0 || startMs === null) return null;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <div className="wire-table-scroller" tabIndex={0}>
      <table className="wire-table">
        <caption>Recent wire events, newest first</caption>
        <thead>
          <tr>
            <th scope="col" title="Milliseconds since the first event this page saw, by the server clock">
              Time (ms)
            </th>
            <th scope="col">Direction</th>
            <th scope="col">Unit</th>
            <th scope="col">Transport</th>
            <th scope="col">Detail</th>
            <th scope="col">Bytes</th>
            <th scope="col" title="Chat message seqs this unit carried">
              Seqs
            </th>
          </tr>
        </thead>
        <tbody>
          {recent.map((event) => (
            <WireRow key={event.eventSeq} event={event} startMs={startMs} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A modest live view of the inspector channel until the sequence diagram and frame inspector arrive. */
export function WireView() {
  return (
    <section className="wire-view" aria-label="Wire view">
      <h2>Wire view</h2>
      <InspectorStatus />
      <ClockLine />
      <UnitCounts />
      <WireTable />
    </section>
  );
}
