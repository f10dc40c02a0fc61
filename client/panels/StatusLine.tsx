import type { TransportKind } from '../../protocol/messages.ts';
import { useWirelab } from '../store/index.ts';
import { type ConnectionStatus, TRANSPORT_LABELS } from '../transports/index.ts';

export function describeStatus(
  joined: boolean,
  status: ConnectionStatus,
  kind: TransportKind,
  error: string | null,
  retryInMs: number | null,
): string {
  if (!joined) return 'Not connected. Join a room to start.';
  const via = TRANSPORT_LABELS[kind];
  switch (status) {
    case 'connecting':
      return `Connecting via ${via}…`;
    case 'open':
      return `Connected via ${via}.`;
    case 'reconnecting': {
      const when = retryInMs === null ? '' : ` Retrying in ${(retryInMs / 1000).toFixed(1)} s.`;
      return `Reconnecting via ${via}${error ? ` (${error})` : ''}.${when}`;
    }
    case 'closed':
      return error ? `Disconnected: ${error}.` : 'Disconnected.';
    default:
      return status satisfies never;
  }
}

export function StatusLine() {
  const joined = useWirelab((state) => state.joined);
  const status = useWirelab((state) => state.status);
  const kind = useWirelab((state) => state.transportKind);
  const error = useWirelab((state) => state.statusError);
  const retryInMs = useWirelab((state) => state.retryInMs);
  const clientId = useWirelab((state) => state.clientId);
  const shown = joined ? status : 'closed';
  return (
    <div className="status-line" data-status={shown}>
      <span className="status-dot" aria-hidden="true" />
      <p role="status" aria-live="polite" aria-label="Connection status">
        {describeStatus(joined, status, kind, error, retryInMs)}
      </p>
      <p className="client-id">
        Tab id <code>{clientId}</code>
      </p>
    </div>
  );
}
