import { useWirelab } from '../store/index.ts';
import { TRANSPORT_LABELS } from '../transports/index.ts';

/** Where the sequence diagram, frame inspector and latency timelines will go. */
export function WireView() {
  const kind = useWirelab((state) => state.transportKind);
  return (
    <section className="wire-view" aria-label="Wire view">
      <h2>Wire view</h2>
      <p>
        The wire visualizer comes later: a live sequence diagram, a byte-by-byte breakdown of every frame and
        latency timelines, all decoded from the real bytes the server saw.
      </p>
      <p className="hint">
        Right now you are chatting over <strong>{TRANSPORT_LABELS[kind]}</strong>. Switch transports and the
        conversation carries on from the same cursor.
      </p>
    </section>
  );
}
