import { TRANSPORT_KINDS, type TransportKind } from '../../protocol/messages.ts';
import { useWirelab } from '../store/index.ts';
import { TRANSPORT_LABELS } from '../transports/index.ts';

const HINTS: Readonly<Record<TransportKind, string>> = {
  polling: 'Asks the server every 2 seconds whether anything is new.',
  'long-polling': 'The server holds each request until a message arrives, then the page asks again.',
  sse: 'One long HTTP response; the server writes an event per message.',
  websocket: 'One upgraded connection carries messages both ways.',
};

export function TransportPicker() {
  const transportKind = useWirelab((state) => state.transportKind);
  const chooseTransport = useWirelab((state) => state.chooseTransport);
  return (
    <fieldset className="panel transport-picker">
      <legend>Transport</legend>
      <div className="transport-options">
        {TRANSPORT_KINDS.map((kind) => (
          <div className="transport-option" key={kind}>
            <input
              type="radio"
              id={`transport-${kind}`}
              name="transport"
              value={kind}
              checked={kind === transportKind}
              onChange={() => chooseTransport(kind)}
              aria-describedby={`transport-${kind}-hint`}
            />
            <label htmlFor={`transport-${kind}`}>{TRANSPORT_LABELS[kind]}</label>
            <p id={`transport-${kind}-hint`} className="hint">
              {HINTS[kind]}
            </p>
          </div>
        ))}
      </div>
    </fieldset>
  );
}
