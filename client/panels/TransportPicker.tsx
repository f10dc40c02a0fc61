import { useWirelab } from '../store/index.ts';
import { TRANSPORT_CHOICES, TRANSPORT_LABELS, type TransportChoice } from '../transports/index.ts';

const HINTS: Readonly<Record<TransportChoice, string>> = {
  polling: 'Asks the server every 2 seconds whether anything is new.',
  'long-polling': 'The server holds each request until a message arrives, then the page asks again.',
  sse: 'One long HTTP response; the server writes an event per message.',
  websocket: 'One upgraded connection carries messages both ways.',
  auto: 'Tries WebSocket, then SSE, then long polling, and keeps the first that opens.',
};

export function TransportPicker() {
  const transportKind = useWirelab((state) => state.transportKind);
  const chooseTransport = useWirelab((state) => state.chooseTransport);
  return (
    <fieldset className="panel transport-picker">
      <legend>Transport</legend>
      <div className="transport-options">
        {TRANSPORT_CHOICES.map((kind) => (
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
