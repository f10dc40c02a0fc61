import type { TransportKind } from '../../protocol/messages.ts';
import { activeTransportKind, type ConnectionDrop, useWirelab } from '../store/index.ts';
import {
  type ConnectionStatus,
  describeAttempts,
  TRANSPORT_LABELS,
  type TransportChoice,
} from '../transports/index.ts';

export interface StatusFacts {
  joined: boolean;
  status: ConnectionStatus;
  kind: TransportChoice;
  /** What Auto settled on; the chosen kind otherwise. */
  active: TransportKind | null;
  error: string | null;
  retryInMs: number | null;
  retryAttempt: number | null;
}

function via(kind: TransportChoice, active: TransportKind | null): string {
  if (kind !== 'auto') return TRANSPORT_LABELS[kind];
  return active === null ? TRANSPORT_LABELS.auto : `${TRANSPORT_LABELS[active]}, picked by Auto`;
}

export function describeStatus(facts: StatusFacts): string {
  const { joined, status, kind, active, error, retryInMs, retryAttempt } = facts;
  if (!joined) return 'Not connected. Join a room to start.';
  const how = via(kind, active);
  switch (status) {
    case 'connecting':
      return `Connecting via ${how}…`;
    case 'open':
      return `Connected via ${how}.`;
    case 'reconnecting': {
      const which = retryAttempt === null ? 'Retrying' : `Retry ${retryAttempt}`;
      // Without a delay the browser itself is retrying (EventSource, after the stream's `retry:` time).
      const when = retryInMs === null ? '' : ` ${which} in ${(retryInMs / 1000).toFixed(1)} s.`;
      return `Reconnecting via ${how}${error ? ` (${error})` : ''}.${when}`;
    }
    case 'closed':
      return error ? `Disconnected: ${error}.` : 'Disconnected.';
    default:
      return status satisfies never;
  }
}

/** "Dropped 2 times; last: closed with 1006 at 10:31:02." A drop outlives the reconnect that heals it. */
export function describeDrops(drops: number, lastDrop: ConnectionDrop | null): string | null {
  if (drops === 0 || lastDrop === null) return null;
  const times = drops === 1 ? 'once' : `${drops} times`;
  const what = lastDrop.error ?? 'the connection dropped';
  return `Dropped ${times}; last: ${what} at ${new Date(lastDrop.atMs).toLocaleTimeString()}.`;
}

export function StatusLine() {
  const joined = useWirelab((state) => state.joined);
  const status = useWirelab((state) => state.status);
  const kind = useWirelab((state) => state.transportKind);
  const active = useWirelab(activeTransportKind);
  const error = useWirelab((state) => state.statusError);
  const retryInMs = useWirelab((state) => state.retryInMs);
  const retryAttempt = useWirelab((state) => state.retryAttempt);
  const drops = useWirelab((state) => state.drops);
  const lastDrop = useWirelab((state) => state.lastDrop);
  const attempts = useWirelab((state) => state.attempts);
  const clientId = useWirelab((state) => state.clientId);
  const shown = joined ? status : 'closed';
  const dropText = joined ? describeDrops(drops, lastDrop) : null;
  return (
    <div className="status-line" data-status={shown}>
      <span className="status-dot" aria-hidden="true" />
      <p role="status" aria-live="polite" aria-label="Connection status">
        {describeStatus({ joined, status, kind, active, error, retryInMs, retryAttempt })}
      </p>
      {joined && kind === 'auto' && attempts.length > 0 && (
        <p className="status-detail" data-detail="attempts">
          Tried: {describeAttempts(attempts)}
        </p>
      )}
      {dropText && (
        <p className="status-detail" data-detail="drops" data-drops={drops}>
          {dropText}
        </p>
      )}
      <p className="client-id">
        Tab id <code>{clientId}</code>
      </p>
    </div>
  );
}
