import { WIRE_UNITS } from '../../protocol/inspect.ts';
import { useWirelab } from '../store/index.ts';
import { FramePanel } from './FramePanel.tsx';
import { PlaybackControls } from './PlaybackControls.tsx';
import { WireTabs } from './WireTabs.tsx';
import { clockLine } from './wire-format.ts';
import { useWireSnapshot } from './wire-snapshot.ts';

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
  const { counts, later } = useWireSnapshot().unitCounts;
  const seen = WIRE_UNITS.filter((unit) => counts[unit] > 0);
  if (seen.length === 0 && later === 0) return <p className="hint">Nothing captured yet.</p>;
  return (
    <ul className="unit-counts" aria-label="Captured units by type">
      {seen.map((unit) => (
        <li key={unit} data-unit={unit}>
          <span className="unit-name">{unit}</span> <span className="unit-count">{counts[unit]}</span>
        </li>
      ))}
      {later > 0 && (
        <li className="unit-counts-later" data-later={later}>
          +{later} after this point
        </li>
      )}
    </ul>
  );
}

/** The right-hand side: what the server saw on the wire, in the view the learner picks. */
export function WireView() {
  return (
    <section className="wire-view" aria-label="Wire view">
      <h2>Wire view</h2>
      <InspectorStatus />
      <ClockLine />
      <UnitCounts />
      <PlaybackControls />
      <WireTabs />
      <FramePanel />
    </section>
  );
}
